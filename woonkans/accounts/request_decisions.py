"""Deciding a four-eyes request (a role, or a credential change): one implementation for both kinds.

A second administrator approves or refuses; the services check who may decide (never the requester
or the user concerned) and raise PermissionDenied otherwise. Only the messages differ per kind.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect

DECISIONS = ("approve", "refuse")


@dataclass(frozen=True)
class RequestKind:
    visible_to: Callable  # actor -> the requests this administrator may see
    approve: Callable  # (actor, request) -> None
    refuse: Callable  # (actor, request) -> None
    not_yours: str  # the message when the actor may not decide
    approved: str  # "%(name)s" is the user's name
    refused: str


def decide(request, request_id, kind):
    """POST: approve or refuse one visible request; a request that is not visible is a 404."""
    pending = kind.visible_to(request.user).filter(pk=request_id).first()
    decision = request.POST.get("decision")
    if pending is None or decision not in DECISIONS:
        raise Http404
    try:
        (kind.approve if decision == "approve" else kind.refuse)(request.user, pending)
    except PermissionDenied:
        messages.error(request, kind.not_yours)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = pending.user.get_full_name() or pending.user.get_username()
        messages.success(request, (kind.approved if decision == "approve" else kind.refused) % {"name": name})
    return redirect("role_requests")
