"""Claims: the corporation files, the overleg discusses, the chair consults and decides, the treasurer pays.

One detail page, actions per role. Paying takes two posts: the first shows payee, IBAN, amount and
reference for the treasurer to confirm, only the second books (an irreversible ledger entry).
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from woonkans import cases, confirm
from woonkans.accounts.permissions import role_required
from woonkans.accounts.roles import Role
from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.lists import list_page, row_urls
from woonkans.money import format_euro
from woonkans.pdf import pdf_response, render_pdf
from woonkans.privacy.files import private_file_response

from .. import filters, selectors, services
from ..forms import (
    ClaimDocumentForm,
    ClaimForm,
    ClaimLineForm,
    ConsultationForm,
    DecisionForm,
    DeviationForm,
    FileClaimForm,
    PaymentForm,
    ReasonForm,
)
from ..models import ClaimStatus, DeviationStatus
from ..rules import rule_labels
from ..services.claims import claim_problems, lifted_rules
from ..workflow import OPEN_FOR_DEVIATION, ClaimTransition, ClaimTransitionNotAllowed, claim_allowed

CLAIM_ROLES = (Role.CORPORATION, Role.KETENREGISSEUR, Role.PROCESREGISSEUR, Role.TREASURER)


# Column headers of the list: (sort key, label); the keys are selectors.CLAIM_SORTS's.
@role_required(*CLAIM_ROLES)
def claim_list(request):
    claims, _sort = selectors.claim_list(user=request.user)
    page = list_page(
        request,
        claims,
        filterset_class=filters.ClaimFilter,
        sorts=filters.CLAIM_SORTS,
        default_sort="-filed_at",
        aliases=filters.CLAIM_ALIASES,
    )
    _prepare_rows(page)
    return render(request, "guarantee_fund/claim_list.html", {"page": page})


def _prepare_rows(page):
    """Each row's cells as text, with what every row shares worked out once a page.

    The template used to reverse the detail URL, localise and format the date and run ``euro`` twice in
    every row: ~4 template lookups and filters per cell, most of a full page's rendering (a page of 25
    at 10 000 cases against 2-11 rows at 1 000 made the page grow with the fund). The text is the same:
    the URL (reversed once a page: ``lists.row_urls``), ``date:"d-m-Y"`` in the current time
    zone, ``format_euro``; the template still escapes every value."""
    if not page.rows:
        return
    # Each status translated once a page, not per row (``get_status_display`` translates every choice).
    labels = {value: str(label) for value, label in ClaimStatus.choices}
    draft = _("concept")
    claim_url = row_urls("guarantee_fund:claim", page.rows)
    for claim in page:
        claim.status_label = labels.get(claim.status, claim.status)  # as get_status_display
        claim.url = claim_url(claim.pk)
        claim.filed_text = timezone.localtime(claim.filed_at).strftime("%d-%m-%Y") if claim.filed_at else draft
        claim.claimed_text = format_euro(claim.claimed_cents)
        claim.approved_text = format_euro(claim.approved_cents) if claim.approved_cents else "–"


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
    "consultation_form": "raadpleging_%s",
    "deviation_form": "maatwerk_%s",
    "decision_form": "besluit_%s",
    "payment_form": "betaling_%s",
    "return_form": "terugsturen_%s",
}


def _context(request, claim, **forms):
    audience = selectors.claim_audience(user=request.user, claim=claim)
    is_owner, is_chair, is_treasurer = audience.is_owner, audience.is_chair, audience.is_treasurer
    deviations = list(claim.deviations.all())
    lifted = lifted_rules(claim, deviations)
    parties = services.case_parties(claim) if is_chair else None
    # The chair's form lists the case's parties only while consulting is open; read them for the
    # chair whatever the status, so the page runs the same queries for every claim.
    party_options = list(parties) if parties is not None else None
    return {
        "claim": claim,
        "lines": claim.lines.all(),
        "documents": claim.documents.all(),
        "consultations": selectors.claim_consultations(claim),
        "deviations": deviations,
        "lifted_labels": rule_labels(lifted),
        "claimed_cents": claim.claimed_cents,
        "problems": claim_problems(claim, lifted) if (is_owner or is_chair) else [],
        "is_owner": is_owner,
        "is_chair": is_chair,
        "show_payee": audience.sees_payee,
        "show_case_text": audience.sees_case_text,  # the same rule as the claim form PDF
        "editable": is_owner and claim.status in ("draft", "returned"),
        "can_file": is_owner and claim_allowed(ClaimTransition.FILE, claim.status),
        "can_submit": is_owner and claim_allowed(ClaimTransition.SUBMIT_TO_MGR, claim.status),
        "can_consult": is_chair and claim.status in (ClaimStatus.DISCUSSED, ClaimStatus.CONSULTED),
        "can_request_deviation": is_chair
        and claim.status in OPEN_FOR_DEVIATION
        and not any(d.status == DeviationStatus.REQUESTED for d in deviations),
        "can_decide": is_chair and claim_allowed(ClaimTransition.APPROVE, claim.status),
        "awaiting_overleg": is_chair and claim.status in (ClaimStatus.FILED, ClaimStatus.DISCUSSED),
        "can_pay": is_treasurer and claim_allowed(ClaimTransition.PAY, claim.status),
        "line_form": forms.get("line_form") or ClaimLineForm(auto_id=FORM_IDS["line_form"]),
        "document_form": forms.get("document_form") or ClaimDocumentForm(auto_id=FORM_IDS["document_form"]),
        "file_form": forms.get("file_form") or FileClaimForm(auto_id=FORM_IDS["file_form"]),
        "consultation_form": forms.get("consultation_form")
        or ConsultationForm(parties=parties, options=party_options, auto_id=FORM_IDS["consultation_form"]),
        "deviation_form": forms.get("deviation_form") or DeviationForm(auto_id=FORM_IDS["deviation_form"]),
        "decision_form": forms.get("decision_form") or DecisionForm(auto_id=FORM_IDS["decision_form"]),
        "payment_form": forms.get("payment_form")
        or PaymentForm(initial={"idempotency_key": uuid.uuid4().hex}, auto_id=FORM_IDS["payment_form"]),
        "return_form": forms.get("return_form") or ReasonForm(auto_id=FORM_IDS["return_form"]),
    }


@role_required(*CLAIM_ROLES)
def claim_detail(request, claim_id):
    claim = selectors.get_claim(user=request.user, claim_id=claim_id)
    return render(request, "guarantee_fund/claim_detail.html", _context(request, claim))


def _form(form_class, **extra):
    return lambda request, claim, auto_id: form_class(request.POST, request.FILES, auto_id=auto_id, **extra)


ACTIONS = {
    "regel": (
        "line_form",
        _form(ClaimLineForm),
        lambda actor, claim, form: services.add_claim_line(actor=actor, claim=claim, **form.cleaned_data),
        _("De kostenpost is toegevoegd."),
    ),
    "document": (
        "document_form",
        _form(ClaimDocumentForm),
        lambda actor, claim, form: services.add_claim_document(
            actor=actor,
            claim=claim,
            description=form.cleaned_data["description"],
            uploaded_file=form.cleaned_data["file"],
        ),
        _("Het document is toegevoegd."),
    ),
    "indienen": (
        "file_form",
        _form(FileClaimForm),
        lambda actor, claim, form: services.file_claim(actor=actor, claim=claim, **form.cleaned_data),
        _("De claim is ingediend voor het Woonkans-overleg."),
    ),
    "raadpleging": (
        "consultation_form",
        lambda request, claim, auto_id: ConsultationForm(
            request.POST, parties=services.case_parties(claim), auto_id=auto_id
        ),
        lambda actor, claim, form: services.record_consultation(actor=actor, claim=claim, **form.cleaned_data),
        _("De raadpleging van de partijen is vastgelegd."),
    ),
    "maatwerk": (
        "deviation_form",
        _form(DeviationForm),
        lambda actor, claim, form: services.request_deviation(actor=actor, claim=claim, **form.cleaned_data),
        _("Het verzoek om maatwerk staat ter stemming op de agenda van het Woonkans-overleg."),
    ),
    "besluit": (
        "decision_form",
        _form(DecisionForm),
        lambda actor, claim, form: services.decide_claim(actor=actor, claim=claim, **form.service_arguments()),
        _("Het besluit is vastgelegd."),
    ),
    "terugsturen": (
        "return_form",
        _form(ReasonForm),
        lambda actor, claim, form: services.return_claim(actor=actor, claim=claim, reason=form.cleaned_data["reason"]),
        _("De claim is teruggestuurd."),
    ),
}


def _decision_confirmation(claim, form):
    data = form.cleaned_data
    choice = dict(form.fields["decision"].choices)[data["decision"]]
    amount = data.get("approved_cents") if data["decision"] == "part" else claim.claimed_cents
    facts = [(_("Claim"), claim.code), (_("Besluit"), choice)]
    if data["decision"] != "refuse":
        facts.append((_("Toegekend bedrag"), format_euro(amount)))
    facts.append((_("Motivering"), data["motivation"]))
    if data["negligence_found"]:
        facts.append((_("Ernstige nalatigheid"), data.get("negligence_reason")))
    return confirm.Confirmation(
        title=_("Besluit over de claim vastleggen"),
        action=_("Het besluit over claim %(code)s wordt vastgelegd.") % {"code": claim.code},
        facts=facts,
        recipients=[(claim.corporation.name, _("het besluit en de motivering"))],
        button=_("Besluit vastleggen"),
    )


# Claim actions that cannot be undone: asked once more on the confirmation page (woonkans/confirm.py).
CONFIRMED_ACTIONS = {"besluit": _decision_confirmation}


@role_required(*CLAIM_ROLES)
@require_POST
def claim_action(request, claim_id, action):
    claim = selectors.get_claim(user=request.user, claim_id=claim_id)
    if action == "mgr":
        return _submit_to_mgr(request, claim)
    if action == "betalen":
        return _pay(request, claim)
    if action not in ACTIONS:
        raise Http404
    name, make_form, perform, done = ACTIONS[action]
    form = make_form(request, claim, FORM_IDS[name])
    step = confirm.step(request) if action in CONFIRMED_ACTIONS else confirm.CONFIRMED
    if step is not confirm.BACK and form.is_valid():
        try:
            if step is confirm.ASK:
                confirm.rehearse(lambda: perform(request.user, claim, form))
                return confirm.ask(request, CONFIRMED_ACTIONS[action](claim, form))
            perform(request.user, claim, form)
        except PermissionDenied as error:
            raise Http404 from error
        except ClaimTransitionNotAllowed as error:
            # The stage does not allow it (e.g. deciding before the overleg): said above the page,
            # where the action's form no longer stands.
            messages.error(request, str(error))
            return redirect("guarantee_fund:claim", claim_id=claim.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("guarantee_fund:claim", claim_id=claim.pk)
    claim = selectors.get_claim(user=request.user, claim_id=claim_id)
    return render(request, "guarantee_fund/claim_detail.html", _context(request, claim, **{name: form}), status=200)


def _submit_to_mgr(request, claim):
    """First post: the confirmation page (what goes to the MGR). Confirmed post: submit, once."""
    step = confirm.step(request)
    if step is confirm.BACK:
        return redirect("guarantee_fund:claim", claim_id=claim.pk)
    try:
        if step is confirm.ASK:
            confirm.rehearse(lambda: services.submit_to_mgr(actor=request.user, claim=claim))
            return confirm.ask(request, _mgr_confirmation(claim))
        services.submit_to_mgr(actor=request.user, claim=claim)
        messages.success(request, _("De claim is ingediend bij de MGR."))
    except PermissionDenied as error:
        raise Http404 from error
    except ClaimTransitionNotAllowed:
        messages.error(request, _("Dat kan niet in de huidige status van de claim."))
    return redirect("guarantee_fund:claim", claim_id=claim.pk)


def _mgr_confirmation(claim):
    corporation = claim.corporation
    mgr = ", ".join(selectors.mgr_names()) or _("De MGR")
    return confirm.Confirmation(
        title=_("Claim indienen bij de MGR"),
        action=_("Claim %(code)s gaat ter betaling naar de MGR; je kunt hem daarna niet meer wijzigen.")
        % {"code": claim.code},
        consequence=_("Alleen de MGR kan de claim nog terugsturen voor correctie."),
        facts=[
            (_("Claim"), claim.code),
            (_("Toegekend bedrag"), format_euro(claim.approved_cents)),
            (_("Begunstigde"), corporation.legal_name or corporation.name),
            (_("IBAN"), corporation.iban_display),
        ],
        # The MGR's treasurer sees what it needs to pay, never the case's own words (see _context).
        recipients=[(mgr, _("de claim met bedragen, kostenposten en documenten, zonder de tekst over de zaak"))],
        button=_("Indienen bij de MGR"),
        back_url=reverse("guarantee_fund:claim", kwargs={"claim_id": claim.pk}),
    )


def _pay(request, claim):
    """First post: check and show what will be paid, to whom (woonkans/confirm.py). Confirmed post: book it."""
    if not request.user.has_role(Role.TREASURER):
        raise Http404
    approved_on = timezone.localtime(claim.decided_at).date() if claim.decided_at else None
    form = PaymentForm(request.POST, approved_on=approved_on, auto_id=FORM_IDS["payment_form"])
    if form.is_valid():
        data = form.cleaned_data
        step = confirm.step(request)
        try:
            services.check_payment(claim=claim, paid_on=data["paid_on"], reference=data["reference"])
            if step is confirm.CONFIRMED:
                services.pay_claim(actor=request.user, claim=claim, **data)
        except ValidationError as error:  # ClaimTransitionNotAllowed and InsufficientFunds included
            form.add_error(None, error)
        else:
            if step is confirm.CONFIRMED:
                messages.success(request, _("De claim is uitbetaald en geboekt."))
                return redirect("guarantee_fund:claim", claim_id=claim.pk)
            if step is confirm.ASK:
                return confirm.ask(request, _payment_confirmation(claim, data))
    claim = selectors.get_claim(user=request.user, claim_id=claim.pk)
    return render(request, "guarantee_fund/claim_detail.html", _context(request, claim, payment_form=form))


def _payment_confirmation(claim, data):
    corporation = claim.corporation
    return confirm.Confirmation(
        title=_("Betaling bevestigen"),
        action=_("De uitbetaling van claim %(code)s wordt in het grootboek geboekt.") % {"code": claim.code},
        consequence=_(
            "Controleer de gegevens met de bankopdracht. Een boeking kan alleen nog met een tegenboeking worden "
            "gecorrigeerd."
        ),
        facts=[
            (_("Claim"), claim.code),
            (_("Begunstigde"), corporation.legal_name or corporation.name),
            (_("IBAN"), corporation.iban_display),
            (_("Bedrag"), format_euro(claim.approved_cents)),
            (_("Betaaldatum"), data["paid_on"].strftime("%d-%m-%Y")),
            (_("Bankkenmerk"), data["reference"]),
        ],
        recipients=[(corporation.name, _("de uitbetaling op de eigen rekening en de boeking in het grootboek"))],
        button=_("Bevestigen en boeken"),
    )


@role_required(*CLAIM_ROLES)
def claim_document(request, claim_id, document_id):
    claim = selectors.get_claim(user=request.user, claim_id=claim_id)
    document = claim.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    return private_file_response(document.path, filename=document.file_name, content_type=document.content_type)


@role_required(*CLAIM_ROLES)
def claim_pdf(request, claim_id):
    """The standard claim form for the MGR's file (art. 7.10): costs, inspection-form items, the decision.

    Generated from the claim each time rather than stored: after the decision the claim's lines and
    decision no longer change, so the same claim gives the same form; and a stored copy would be a
    second place for the motivation that the retention purge (DPIA) would have to find. The case is
    named by its code only.
    """
    claim = selectors.get_claim(user=request.user, claim_id=claim_id)
    log_access(user=request.user, action=AccessAction.EXPORT, obj=claim, subject=claim.code, purpose="claimformulier")
    lines = list(claim.lines.all())
    audience = selectors.claim_audience(user=request.user, claim=claim)
    pdf = render_pdf(
        "pdf/claim_form.html",
        {
            "claim": claim,
            "show_case_text": audience.sees_case_text,  # the same rule as the claim page
            "lines": lines,
            "inspection_lines": [line for line in lines if line.inspection_item],
            "claimed_cents": claim.claimed_cents,
            "consultations": selectors.claim_consultations(claim),
            "deviations": [d for d in claim.deviations.all() if d.status == DeviationStatus.CONSENTED],
        },
        title=f"Aanvraagformulier garantiefonds {claim.code}",
    )
    return pdf_response(pdf, filename=f"claim-garantiefonds-{claim.code}")
