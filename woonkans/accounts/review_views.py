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
from woonkans.lists import list_page

from . import credential_services, filters, request_decisions, reviews, user_services
from .models import CredentialResetRequest, ReviewDecision, RoleGrantRequest, RoleRequestStatus
from .permissions import role_required
from .roles import Role


def _review_or_404(user, review_id):
    review = reviews.with_progress(reviews.reviews_visible_to(user)).filter(pk=review_id).first()
    if review is None:
        raise Http404
    return review


@role_required(Role.ADMINISTRATOR)
def review_list(request):
    page = list_page(
        request,
        reviews.with_progress(reviews.reviews_visible_to(request.user)),
        filterset_class=filters.AccessReviewFilter,
        sorts=filters.REVIEW_SORTS,
        default_sort="-opened_at",
    )
    return render(request, "accounts/access_review_list.html", {"page": page})


@role_required(Role.ADMINISTRATOR)
def review_detail(request, review_id):
    review = _review_or_404(request.user, review_id)
    items = review.items.select_related("user", "decided_by")
    # Roles that needed a second administrator (four eyes), for this organisation's users.
    role_requests = RoleGrantRequest.objects.filter(organisation_id=review.organisation_id).select_related(
        "user", "requested_by", "decided_by"
    )[:100]
    credential_requests = CredentialResetRequest.objects.filter(organisation_id=review.organisation_id).select_related(
        "user", "requested_by", "decided_by"
    )[:100]
    log_access(user=request.user, action=AccessAction.READ, obj=review, purpose="toegangscontrole")
    return render(
        request,
        "accounts/access_review_detail.html",
        {
            "review": review,
            "items": items,
            "decisions": ReviewDecision,
            "role_requests": role_requests,
            "credential_requests": credential_requests,
        },
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


# --- role requests (four eyes) ----------------------------------------------------


@role_required(Role.ADMINISTRATOR)
def role_requests(request):
    visible = user_services.role_requests_visible_to(request.user)
    # Two lists on one page: each pages, sorts and filters on its own ("rol-page", "inlog-organisation").
    pending = list_page(
        request,
        visible.filter(status=RoleRequestStatus.PENDING),
        filterset_class=filters.RoleRequestFilter,
        sorts=filters.ROLE_REQUEST_SORTS,
        default_sort="requested_at",
        prefix="rol",
    )
    for grant_request in pending:
        grant_request.may_decide = user_services.may_decide(request.user, grant_request)
    decided = visible.exclude(status=RoleRequestStatus.PENDING).order_by("-decided_at", "-requested_at")[:50]
    log_access(
        user=request.user, action=AccessAction.READ, object_type="accounts.rolegrantrequest", purpose="rolaanvragen"
    )
    credentials = credential_services.credential_requests_visible_to(request.user)
    credential_pending = list_page(
        request,
        credentials.filter(status=RoleRequestStatus.PENDING),
        filterset_class=filters.CredentialRequestFilter,
        sorts=filters.REQUEST_SORTS,
        default_sort="requested_at",
        prefix="inlog",
    )
    for credential_request in credential_pending:
        credential_request.may_decide = credential_services.may_decide(request.user, credential_request)
    credential_decided = credentials.exclude(status=RoleRequestStatus.PENDING).order_by("-decided_at")[:50]
    return render(
        request,
        "accounts/role_requests.html",
        {
            "pending": pending,
            "decided": decided,
            "credential_pending": credential_pending,
            "credential_decided": credential_decided,
        },
    )


@role_required(Role.ADMINISTRATOR)
@require_POST
def role_request_decide(request, request_id):
    return request_decisions.decide(
        request,
        request_id,
        request_decisions.RequestKind(
            visible_to=user_services.role_requests_visible_to,
            approve=lambda actor, pending: user_services.approve_role_request(actor=actor, grant_request=pending),
            refuse=lambda actor, pending: user_services.refuse_role_request(actor=actor, grant_request=pending),
            not_yours=_("Over deze rolaanvraag mag je niet beslissen."),
            approved=_("De rol is goedgekeurd en geldt nu voor %(name)s."),
            refused=_("De rolaanvraag voor %(name)s is afgewezen."),
        ),
    )
