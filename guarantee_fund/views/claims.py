"""Claims: the corporation files, the chair decides, the treasurer pays. One detail page, actions per role."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from woonkans import cases
from woonkans.accounts.permissions import role_required
from woonkans.accounts.roles import Role
from woonkans.privacy.files import private_file_response

from .. import selectors, services
from ..forms import (
    ClaimDocumentForm,
    ClaimForm,
    ClaimLineForm,
    DecisionForm,
    FileClaimForm,
    PaymentForm,
    ReasonForm,
)
from ..services.claims import claim_problems
from ..workflow import ClaimTransition, ClaimTransitionNotAllowed, claim_allowed

CLAIM_ROLES = (Role.CORPORATION, Role.KETENREGISSEUR, Role.PROCESREGISSEUR, Role.TREASURER)


@role_required(*CLAIM_ROLES)
def claim_list(request):
    return render(request, "guarantee_fund/claim_list.html", {"claims": selectors.claims_for(user=request.user)[:200]})


@role_required(Role.CORPORATION)
def claim_new(request, profile_id):
    trajectory = cases.read_trajectory(user=request.user, profile_id=profile_id)
    form = ClaimForm(
        request.POST or None, initial={"termination_date": trajectory.ended_on, "termination_kind": trajectory.end_kind}
    )
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.create_claim(actor=request.user, profile=trajectory.profile_id, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else _("Dat mag je corporatie niet."))
        else:
            return redirect("guarantee_fund:claim", claim_id=claim.pk)
    return render(request, "guarantee_fund/claim_new.html", {"form": form, "trajectory": trajectory})


# The detail page holds several forms with same-named fields ("Omschrijving" twice): each form gets
# its own element ids, so every label points at its own field. The posted names stay the same.
FORM_IDS = {
    "line_form": "regel_%s",
    "document_form": "document_%s",
    "file_form": "indienen_%s",
    "decision_form": "besluit_%s",
    "payment_form": "betaling_%s",
    "return_form": "terugsturen_%s",
}


def _context(request, claim, **forms):
    user = request.user
    is_owner = user.has_role(Role.CORPORATION) and user.organisation_id == claim.corporation_id
    return {
        "claim": claim,
        "lines": claim.lines.all(),
        "documents": claim.documents.all(),
        "claimed_cents": claim.claimed_cents,
        "problems": claim_problems(claim) if is_owner else [],
        "is_owner": is_owner,
        "editable": is_owner and claim.status in ("draft", "returned"),
        "can_file": is_owner and claim_allowed(ClaimTransition.FILE, claim.status),
        "can_submit": is_owner and claim_allowed(ClaimTransition.SUBMIT_TO_MGR, claim.status),
        "can_decide": selectors.can_decide(user, claim) and claim_allowed(ClaimTransition.APPROVE, claim.status),
        "can_pay": user.has_role(Role.TREASURER) and claim_allowed(ClaimTransition.PAY, claim.status),
        "line_form": forms.get("line_form") or ClaimLineForm(auto_id=FORM_IDS["line_form"]),
        "document_form": forms.get("document_form") or ClaimDocumentForm(auto_id=FORM_IDS["document_form"]),
        "file_form": forms.get("file_form") or FileClaimForm(auto_id=FORM_IDS["file_form"]),
        "decision_form": forms.get("decision_form") or DecisionForm(auto_id=FORM_IDS["decision_form"]),
        "payment_form": forms.get("payment_form")
        or PaymentForm(initial={"idempotency_key": uuid.uuid4().hex}, auto_id=FORM_IDS["payment_form"]),
        "return_form": forms.get("return_form") or ReasonForm(auto_id=FORM_IDS["return_form"]),
    }


@role_required(*CLAIM_ROLES)
def claim_detail(request, claim_id):
    claim = selectors.get_claim(user=request.user, claim_id=claim_id)
    return render(request, "guarantee_fund/claim_detail.html", _context(request, claim))


ACTIONS = {
    "regel": (
        "line_form",
        ClaimLineForm,
        lambda actor, claim, data: services.add_claim_line(actor=actor, claim=claim, **data),
        _("De kostenpost is toegevoegd."),
    ),
    "document": (
        "document_form",
        ClaimDocumentForm,
        lambda actor, claim, data: services.add_claim_document(
            actor=actor, claim=claim, description=data["description"], uploaded_file=data["file"]
        ),
        _("Het document is toegevoegd."),
    ),
    "indienen": (
        "file_form",
        FileClaimForm,
        lambda actor, claim, data: services.file_claim(actor=actor, claim=claim, **data),
        _("De claim is ingediend voor het Woonkans-overleg."),
    ),
    "besluit": (
        "decision_form",
        DecisionForm,
        lambda actor, claim, data: services.decide_claim(actor=actor, claim=claim, **data),
        _("Het besluit is vastgelegd."),
    ),
    "terugsturen": (
        "return_form",
        ReasonForm,
        lambda actor, claim, data: services.return_claim(actor=actor, claim=claim, reason=data["reason"]),
        _("De claim is teruggestuurd."),
    ),
    "betalen": (
        "payment_form",
        PaymentForm,
        lambda actor, claim, data: services.pay_claim(actor=actor, claim=claim, **data),
        _("De claim is uitbetaald en geboekt."),
    ),
}


@role_required(*CLAIM_ROLES)
@require_POST
def claim_action(request, claim_id, action):
    claim = selectors.get_claim(user=request.user, claim_id=claim_id)
    if action == "mgr":
        try:
            services.submit_to_mgr(actor=request.user, claim=claim)
            messages.success(request, _("De claim is ingediend bij de MGR."))
        except PermissionDenied as error:
            raise Http404 from error
        except ClaimTransitionNotAllowed:
            messages.error(request, _("Dat kan niet in de huidige status van de claim."))
        return redirect("guarantee_fund:claim", claim_id=claim.pk)
    if action not in ACTIONS:
        raise Http404
    name, form_class, perform, done = ACTIONS[action]
    form = form_class(request.POST, request.FILES, auto_id=FORM_IDS[name])
    if form.is_valid():
        try:
            perform(request.user, claim, form.cleaned_data)
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            form.add_error(None, error)
        except ClaimTransitionNotAllowed:
            form.add_error(None, _("Dat kan niet in de huidige status van de claim."))
        else:
            messages.success(request, done)
            return redirect("guarantee_fund:claim", claim_id=claim.pk)
    claim = selectors.get_claim(user=request.user, claim_id=claim_id)
    return render(request, "guarantee_fund/claim_detail.html", _context(request, claim, **{name: form}), status=200)


@role_required(*CLAIM_ROLES)
def claim_document(request, claim_id, document_id):
    claim = selectors.get_claim(user=request.user, claim_id=claim_id)
    document = claim.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    return private_file_response(document.path, filename=document.file_name, content_type=document.content_type)
