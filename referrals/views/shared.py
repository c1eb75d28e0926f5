"""Pages both the consultant and the regisseur open: the case with its timeline, and its documents."""

from django.shortcuts import render

from woonkans.accounts.permissions import role_required
from woonkans.privacy.files import private_file_response

from .. import selectors
from ..models import FeedbackKind
from ..permissions import CASE_ROLES, CONSULTANT_ROLES, CORPORATION_ROLES, REGISSEUR_ROLES
from ..workflow import EDITABLE, Transition, allowed


@role_required(*CASE_ROLES)
def referral_detail(request, referral_id):
    referral = selectors.get_case(user=request.user, referral_id=referral_id)
    is_consultant = request.user.has_role(*CONSULTANT_ROLES) and referral.municipality_id == (
        request.user.organisation_id
    )
    route = selectors.route_position(user=request.user, referral=referral)
    context = {
        "referral": referral,
        "route": route,
        "feedback_profile": FeedbackKind.PROFILE,
        "identity": getattr(referral, "identity", None),
        "research": getattr(referral, "research", None),
        "consent": getattr(referral, "consent", None),
        "is_consultant": is_consultant,
        "is_regisseur": request.user.has_role(*REGISSEUR_ROLES),
        "editable": is_consultant and referral.status in EDITABLE,
        "can_start": is_consultant and allowed(Transition.START_RESEARCH, referral.status),
        "can_withdraw": is_consultant and allowed(Transition.WITHDRAW, referral.status),
        "can_withdraw_consent": is_consultant and allowed(Transition.WITHDRAW_CONSENT, referral.status),
    }
    return render(request, "referrals/detail.html", context)


@role_required(*CASE_ROLES, *CORPORATION_ROLES)
def document_download(request, document_id):
    document = selectors.get_document(user=request.user, document_id=document_id)
    return private_file_response(document.path, filename=document.file_name, content_type=document.content_type)


def name_search(request, referrals, path=""):
    """The POSTed name narrows the list (those who may see names): nothing of it reaches a URL or a log.

    ``path`` leads from the list's model to the referral (``profile__referral__`` for a match).
    """
    from ..filters import NameSearchForm, filter_by_name

    form = NameSearchForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        referrals = filter_by_name(referrals, form.cleaned_data["name"], path)
    return form, referrals
