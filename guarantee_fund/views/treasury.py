"""The MGR treasurer's pages: ledger (and CSV), rounds, payment requests; the chair's accountability overview."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from woonkans import confirm
from woonkans.accounts.permissions import role_required
from woonkans.accounts.roles import Role
from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.lists import list_page, row_urls
from woonkans.money import format_euro, format_plain
from woonkans.pdf import pdf_response, render_pdf

from .. import filters, selectors, services
from ..forms import DissolveForm, IbanForm, NoticeForm, OpenRoundForm, PartyChangeForm, PeriodForm, ReceivedForm
from ..models import Claim, ClaimStatus, Contribution, EntryKind, MunicipalBilling


@role_required(Role.TREASURER)
def ledger(request):
    entries = selectors.ledger(user=request.user)
    if request.GET.get("formaat") == "csv":
        log_access(
            user=request.user,
            action=AccessAction.EXPORT,
            object_type="guarantee_fund.ledgerentry",
            purpose="grootboek csv",
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="grootboek-garantiefonds.csv"'
        writer = csv.writer(response, delimiter=";")
        writer.writerow(
            [
                _("Nummer"),
                _("Datum"),
                _("Soort"),
                _("Partij"),
                _("Kenmerk"),
                _("Omschrijving"),
                _("Bedrag"),
                _("Saldo"),
                _("Corrigeert"),
            ]
        )
        for entry in entries.order_by("id").iterator(chunk_size=2000):
            writer.writerow(
                [
                    entry.pk,
                    entry.booked_on.isoformat(),
                    entry.get_kind_display(),
                    entry.party.name if entry.party else "",
                    entry.reference,
                    entry.description,
                    format_plain(entry.amount_cents),
                    format_plain(entry.balance_after_cents),
                    entry.reverses_id or "",
                ]
            )
        return response
    page = list_page(
        request,
        entries,
        filterset_class=filters.LedgerFilter,
        sorts=filters.LEDGER_SORTS,
        default_sort="-id",
    )
    _prepare_entries(page)
    return render(request, "guarantee_fund/ledger.html", {"page": page, "balance": selectors.fund_balance()})


def _prepare_entries(page):
    """Each entry's cells as text, what every row shares worked out once a page (as the claims list).

    A row used to translate its eight column labels and its form's words, translate every kind
    (``get_kind_display``), reverse the correction URL, localise the date and run ``euro`` twice: ~0.4 ms
    of CPU a row, most of the page. Same text: the kind's label, ``date:"d-m-Y"``, ``format_euro``."""
    if not page.rows:
        return
    kinds = {value: str(label) for value, label in EntryKind.choices}
    correct_url = row_urls("guarantee_fund:entry_correct", page.rows)
    for entry in page:
        entry.kind_label = kinds.get(entry.kind, entry.kind)  # as get_kind_display
        entry.correct_url = correct_url(entry.pk)
        entry.booked_text = entry.booked_on.strftime("%d-%m-%Y")
        entry.amount_text = format_euro(entry.amount_cents)
        entry.balance_text = format_euro(entry.balance_after_cents)


@role_required(Role.TREASURER)
@require_POST
def entry_correct(request, entry_id):
    entry = selectors.ledger(user=request.user).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    try:
        services.correct_entry(actor=request.user, entry=entry, reason=request.POST.get("reason", ""))
        messages.success(request, _("De correctieboeking is gemaakt; de oorspronkelijke boeking blijft staan."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("guarantee_fund:ledger")


def _open_round_form(data=None):
    payers = selectors.regional_payers()
    last = selectors.rounds().exclude(kind="joining").first()
    initial = {}
    if last is not None:  # the last round's choice is the likely one again
        initial = {"municipal_billing": last.municipal_billing, "regional_payer": last.regional_payer_id}
    return OpenRoundForm(data, payers=payers, initial=initial, prefix="ronde")


@role_required(Role.TREASURER)
def round_list(request):
    form = _open_round_form()
    if request.method == "POST":
        form = _open_round_form(request.POST)
        if form.is_valid():
            try:
                round_ = services.open_round(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            except ValueError as error:  # the split's Dutch message: an empty key or housing stock
                form.add_error(None, str(error))
            else:
                if round_.is_regional:
                    message = _(
                        "De ronde is geopend. De gemeenten betalen samen één keer via %(payer)s; de corporaties en "
                        "zorgaanbieders hebben elk een betaalverzoek."
                    ) % {"payer": round_.regional_payer.name}
                else:
                    message = _("De ronde is geopend; elke partij heeft een betaalverzoek.")
                messages.success(request, message)
                return redirect("guarantee_fund:round", round_id=round_.pk)
    page = list_page(
        request,
        selectors.rounds(),
        filterset_class=filters.RoundFilter,
        sorts=filters.ROUND_SORTS,
        default_sort="-number",
    )
    return render(
        request,
        "guarantee_fund/round_list.html",
        {"page": page, "balance": selectors.fund_balance(), "form": form},
    )


@role_required(Role.TREASURER)
def round_detail(request, round_id):
    round_, contributions = selectors.round_detail(round_id)
    contributions = list(contributions)
    today = timezone.localdate()
    regional = [c for c in contributions if c.paid_regionally]
    return render(
        request,
        "guarantee_fund/round_detail.html",
        {
            "round": round_,
            "contributions": contributions,
            "today": today,
            "form": ReceivedForm(initial={"received_on": today}),
            "total": sum(c.amount_cents for c in contributions),
            "received": sum(c.amount_cents for c in contributions if c.received_on),
            "regional_total": sum(c.amount_cents for c in regional),
            "regional_open": any(c.received_on is None for c in regional),
            "regional_received_on": max((c.received_on for c in regional if c.received_on), default=None),
        },
    )


@role_required(Role.TREASURER)
@require_POST
def contribution_received(request, round_id, contribution_id):
    contribution = Contribution.objects.filter(pk=contribution_id, round_id=round_id).select_related("party").first()
    form = ReceivedForm(request.POST)
    if contribution is not None and form.is_valid():
        try:
            services.record_contribution_received(actor=request.user, contribution=contribution, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("guarantee_fund:round", round_id=round_id)


@role_required(Role.TREASURER)
@require_POST
def regional_received(request, round_id):
    """The region's one payment for all municipalities of a regional round."""
    round_, _contributions = selectors.round_detail(round_id)
    if not round_.is_regional:
        raise Http404
    form = ReceivedForm(request.POST)
    if form.is_valid():
        entries = services.record_regional_payment_received(actor=request.user, round_=round_, **form.cleaned_data)
        if entries:
            messages.success(
                request,
                _("De regionale betaling van %(amount)s is geboekt, per gemeente volgens de verdeelsleutel.")
                % {"amount": format_euro(sum(entry.amount_cents for entry in entries))},
            )
    else:
        messages.error(request, _("Vul de datum van ontvangst in."))
    return redirect("guarantee_fund:round", round_id=round_id)


@role_required(Role.TREASURER)
def payment_request(request, round_id, contribution_id):
    contribution = (
        Contribution.objects.filter(pk=contribution_id, round_id=round_id).select_related("party", "round").first()
    )
    if contribution is None or contribution.paid_regionally:
        raise Http404  # in a regional round a municipality gets no request of its own
    pdf = render_pdf(
        "pdf/payment_request.html",
        {"contribution": contribution},
        title=f"Betaalverzoek garantiefonds {contribution.party.name}",
    )
    return pdf_response(pdf, filename=f"betaalverzoek-ronde-{contribution.round.number}-{contribution.party.slug}")


@role_required(Role.TREASURER)
def regional_payment_request(request, round_id):
    """One request to the region's budget holder for all municipalities' key shares (council advice 2.3)."""
    round_, contributions = selectors.round_detail(round_id)
    if round_.municipal_billing != MunicipalBilling.REGIONAL:
        raise Http404
    shares = [c for c in contributions if c.paid_regionally]
    pdf = render_pdf(
        "pdf/payment_request_regional.html",
        {"round": round_, "shares": shares, "total": sum(c.amount_cents for c in shares)},
        title=f"Betaalverzoek garantiefonds regionale begroting ronde {round_.number}",
    )
    return pdf_response(pdf, filename=f"betaalverzoek-ronde-{round_.number}-regionaal")


@role_required(Role.KETENREGISSEUR, Role.TREASURER)
def accountability(request):
    """Per period: approved and paid claims per region, for the fund manager (PDF and CSV)."""
    form = PeriodForm(request.GET or None)
    rows = []
    if form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        claims = Claim.objects.filter(
            decided_at__date__gte=date_from,
            decided_at__date__lte=date_to,
            status__in=[ClaimStatus.APPROVED, ClaimStatus.AT_MGR, ClaimStatus.RETURNED, ClaimStatus.PAID],
        ).select_related("region", "corporation")
        if not request.user.has_role(Role.TREASURER):
            claims = claims.filter(region_id=request.user.organisation.region_id)
        rows = list(claims.order_by("region__name", "decided_at"))
        log_access(
            user=request.user, action=AccessAction.EXPORT, object_type="guarantee_fund.claim", purpose="verantwoording"
        )
        context = {
            "rows": rows,
            "date_from": date_from,
            "date_to": date_to,
            "approved": sum(c.approved_cents or 0 for c in rows),
            "paid": sum(c.approved_cents or 0 for c in rows if c.status == ClaimStatus.PAID),
        }
        if request.GET.get("formaat") == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="verantwoording-garantiefonds.csv"'
            writer = csv.writer(response, delimiter=";")
            writer.writerow(
                [_("Code"), _("Regio"), _("Corporatie"), _("Besluit op"), _("Toegekend"), _("Status"), _("Betaald op")]
            )
            for claim in rows:
                writer.writerow(
                    [
                        claim.code,
                        claim.region.name,
                        claim.corporation.name,
                        claim.decided_at.date().isoformat(),
                        format_plain(claim.approved_cents or 0),
                        claim.get_status_display(),
                        claim.paid_on.isoformat() if claim.paid_on else "",
                    ]
                )
            return response
        if request.GET.get("formaat") == "pdf":
            pdf = render_pdf("pdf/accountability.html", context, title=_("Verantwoording garantiefonds"))
            return pdf_response(pdf, filename=f"verantwoording-{date_from}-{date_to}")
        return render(
            request, "guarantee_fund/accountability.html", {"form": form, **context, "query": request.GET.urlencode()}
        )
    return render(request, "guarantee_fund/accountability.html", {"form": form, "rows": rows})


PARTY_ACTIONS = {
    # action: (its form, the service, the service's date argument, the Dutch message of what happened)
    "opzeggen": (NoticeForm, services.give_notice, "notice_on", services.notice_message),
    "toetreden": (PartyChangeForm, services.join_party, "joined_on", services.joining_message),
}


def _dissolve_confirmation(user, on_date):
    """Who gets what back (Art. 10.5), from the same preview the parties page shows."""
    fund = selectors.fund()
    preview = selectors.dissolution_preview(
        parties=selectors.contributing_parties(user=user), fund=fund, on_date=on_date
    )
    rows = [row for row in preview["rows"] if row["share"]] if preview else []
    return confirm.Confirmation(
        title=_("Garantiefonds opheffen"),
        action=ngettext(
            "Het garantiefonds wordt opgeheven; het saldo van %(total)s gaat terug naar %(count)s partij.",
            "Het garantiefonds wordt opgeheven; het saldo van %(total)s gaat naar rato terug naar %(count)s partijen.",
            len(rows),
        )
        % {"total": format_euro(fund.balance_cents), "count": len(rows)},
        consequence=_(
            "Daarna kan niemand meer toetreden, inleggen of een claim laten uitbetalen. Dit kan niet ongedaan worden "
            "gemaakt."
        ),
        facts=[(_("Datum van opheffing"), on_date.strftime("%d-%m-%Y")), (_("Saldo"), format_euro(fund.balance_cents))],
        recipients=[
            (row["party"].name, _("%(amount)s terug op de eigen rekening") % {"amount": format_euro(row["share"])})
            for row in rows
        ],
        button=_("Fonds definitief opheffen"),
        danger=True,
    )


@role_required(Role.TREASURER)
def parties(request):
    """Who takes part in the fund, notice and joining (Art. 9, 10.3), and dissolution (Art. 10.5)."""
    forms_by_action = {name: form_class(prefix=name) for name, (form_class, *_rest) in PARTY_ACTIONS.items()}
    dissolve_form = DissolveForm(prefix="opheffen")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in PARTY_ACTIONS:
                form_class, service, date_argument, message = PARTY_ACTIONS[action]
                form = forms_by_action[action] = form_class(request.POST, prefix=action)
                if form.is_valid():
                    extra = {"ground": form.cleaned_data["ground"]} if "ground" in form.cleaned_data else {}
                    result = service(
                        actor=request.user,
                        party=form.cleaned_data["party"],
                        **{date_argument: form.cleaned_data["on_date"]},
                        **extra,
                    )
                    messages.success(request, message(result, **extra))
                    return redirect("guarantee_fund:parties")
            elif action == "opheffen":
                form = dissolve_form = DissolveForm(request.POST, prefix="opheffen")
                step = confirm.step(request)
                if step is not confirm.BACK and form.is_valid():
                    on_date = form.cleaned_data["on_date"]
                    if step is confirm.ASK:
                        confirm.rehearse(lambda: services.dissolve_fund(actor=request.user, on_date=on_date))
                        return confirm.ask(request, _dissolve_confirmation(request.user, on_date))
                    services.dissolve_fund(actor=request.user, on_date=on_date)
                    messages.success(request, _("Het garantiefonds is opgeheven; het saldo is naar rato teruggeboekt."))
                    return redirect("guarantee_fund:ledger")
        except ValidationError as error:
            form.add_error(None, error)
    today = timezone.localdate()
    fund = selectors.fund()
    party_rows = selectors.contributing_parties(user=request.user)
    return render(
        request,
        "guarantee_fund/parties.html",
        {
            "parties": party_rows,
            "forms": forms_by_action,
            "dissolve_form": dissolve_form,
            "fund": fund,
            "today": today,
            "dissolution": selectors.dissolution_preview(parties=party_rows, fund=fund, on_date=today),
        },
    )


@role_required(Role.TREASURER)
def party_iban(request, party_id):
    """The account a party's payouts and refunds go to: a form with the mod-97 check, audited."""
    party = selectors.get_contributing_party(user=request.user, party_id=party_id)
    form = IbanForm(request.POST or None, initial={"iban": party.iban_display if party.iban else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_iban(actor=request.user, party=party, iban=form.cleaned_data["iban"])
        except ValidationError as error:
            form.add_error("iban", error)
        else:
            messages.success(request, _("Het IBAN van %(party)s is opgeslagen.") % {"party": party.name})
            return redirect("guarantee_fund:parties")
    return render(request, "guarantee_fund/party_iban.html", {"party": party, "form": form})
