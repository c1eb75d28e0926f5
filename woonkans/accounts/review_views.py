"""Access reviews for administrators: who has access, and should they keep it (DPIA §16).

These pages show users, roles, last login and how many cases they could reach;
never any case content.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access

from . import reviews
from .models import ReviewDecision
from .permissions import role_required
from .roles import Role


def _review_or_404(user, review_id):
    review = reviews.with_progress(reviews.reviews_visible_to(user)).filter(pk=review_id).first()
    if review is None:
        raise Http404
    return review


@role_required(Role.ADMINISTRATOR)
def review_list(request):
    visible = reviews.with_progress(reviews.reviews_visible_to(request.user))
    return render(request, "accounts/access_review_list.html", {"reviews": visible[:200]})


@role_required(Role.ADMINISTRATOR)
def review_detail(request, review_id):
    review = _review_or_404(request.user, review_id)
    items = review.items.select_related("user", "decided_by")
    log_access(user=request.user, action=AccessAction.READ, obj=review, purpose="toegangscontrole")
    return render(
        request,
        "accounts/access_review_detail.html",
        {"review": review, "items": items, "decisions": ReviewDecision},
    )


@role_required(Role.ADMINISTRATOR)
@require_POST
def review_decide(request, review_id, item_id):
    review = _review_or_404(request.user, review_id)
    item = review.items.select_related("user").filter(pk=item_id).first()
    decision = request.POST.get("decision")
    if item is None or decision not in ("confirm", "revoke"):
        raise Http404
    name = item.user.get_full_name() or item.user.get_username()
    try:
        reviews.decide(actor=request.user, item=item, confirm=decision == "confirm")
    except PermissionDenied:
        messages.error(request, _("Over deze gebruiker mag je niet beslissen."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if decision == "confirm":
            messages.success(request, _("De toegang van %(name)s is bevestigd.") % {"name": name})
        else:
            messages.success(
                request,
                _("De toegang van %(name)s is ingetrokken: het account is gedeactiveerd en uitgelogd.")
                % {"name": name},
            )
    return redirect("access_review", review_id=review.pk)


@role_required(Role.ADMINISTRATOR)
@require_POST
def review_close(request, review_id):
    review = _review_or_404(request.user, review_id)
    try:
        reviews.close_review(actor=request.user, review=review)
    except PermissionDenied:
        messages.error(request, _("Deze controle mag je niet afsluiten."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("De toegangscontrole is afgesloten."))
    return redirect("access_review", review_id=review.pk)
