"""The Woonkans-overleg: meetings of the region, attendance, agenda, votes, decisions, minutes (codes only).

The chair runs the meeting; the corporations and providers at the table (SOK art. 1j) read the agenda and
minutes and record their own attendance and votes. A failed action shows the page again with what was
typed and the error next to its field.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from referrals.eligibility import CONDITION_LABELS
from woonkans import cases, confirm
from woonkans.accounts.permissions import role_required
from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.lists import list_page
from woonkans.parties.models import Organisation, OrganisationKind
from woonkans.pdf import pdf_response, render_pdf

from .. import filters, services
from .. import overleg_selectors as selectors
from ..forms import (
    AgendaItemForm,
    AttendanceForm,
    CorrectionForm,
    DecisionForm,
    DiscussionForm,
    HeldForm,
    MeetingForm,
    OwnVoteForm,
    VoteForm,
)
from ..models import AgendaItemKind, Outcome
from ..permissions import CHAIR_ROLES, PARTICIPANT_ROLES, REGISSEUR_ROLES, is_chair_of, is_participant, region_parties
from ..services.decisions import outcome_line

MEETING_ROLES = (*REGISSEUR_ROLES, *PARTICIPANT_ROLES)


@role_required(*MEETING_ROLES)
def meeting_list(request):
    region = request.user.organisation.region
    chair = region is not None and is_chair_of(request.user, region)
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        if not chair:
            raise Http404
        if form.is_valid():
            try:
                meeting = services.create_meeting(actor=request.user, region=region, date=form.cleaned_data["date"])
            except ValidationError as error:
                form.add_error("date", error)
            else:
                return redirect("matching:meeting", meeting_id=meeting.pk)
    page = list_page(
        request,
        selectors.region_meetings(user=request.user),
        filterset_class=filters.MeetingFilter,
        sorts=filters.MEETING_SORTS,
        default_sort="-date",
    )
    return render(
        request,
        "matching/meeting_list.html",
        {
            "page": page,
            "form": form,
            "region": region,
            "is_chair": chair,
        },
    )


def _decorate(item, *, meeting, present_ids, chair, own_organisation_id, present_organisations=()):
    """What the page shows per item, from what get_meeting loaded (no query per item)."""
    item.kind_label = AgendaItemKind(item.kind).label
    decisions = list(item.decisions.all())
    corrected = {decision.corrects_id for decision in decisions if decision.corrects_id}
    for decision in decisions:
        decision.outcome_text = outcome_line(decision)
        decision.is_current = decision.pk not in corrected
    item.decision_records = decisions
    item.current_decision = next((d for d in reversed(decisions) if d.is_current), None)
    item.vote_changes = [record for record in item.vote_records.all() if record.previous_choice]
    if item.exception_request_id:
        item.failed_labels = [
            str(CONDITION_LABELS.get(code, code)) for code in item.exception_request.failed_conditions
        ]
    if item.is_vote and not item.decided:
        votes_for, present, quorum = services.tally(item, attendances=present_ids, meeting=meeting)
        preview = Outcome.GRANTED if services.has_majority(votes_for=votes_for, present=present) else Outcome.REFUSED
        item.preview = {"for": votes_for, "present": present, "quorum": quorum, "outcome": Outcome(preview).label}
        own = next((vote for vote in item.votes.all() if vote.organisation_id == own_organisation_id), None)
        item.own_vote = own
    prefix = f"punt{item.pk}"
    if chair and not meeting.held:
        if item.is_vote and not item.decided:
            item.vote_form = VoteForm(
                present=Organisation.objects.filter(pk__in=present_ids),
                shown=present_organisations,
                auto_id=f"{prefix}_stem_%s",
            )
        if not item.decided and item.kind != AgendaItemKind.CLAIM:
            item.decision_form = DecisionForm(auto_id=f"{prefix}_besluit_%s")
        if item.discussed_at is None:
            item.discussion_form = DiscussionForm(auto_id=f"{prefix}_bespreking_%s")
    if chair and item.decided:
        item.correction_form = CorrectionForm(auto_id=f"{prefix}_correctie_%s")
    if not chair and own_organisation_id in present_ids and item.is_vote and not item.decided and not meeting.held:
        item.own_vote_form = OwnVoteForm(auto_id=f"{prefix}_eigenstem_%s")


def _page(request, meeting, items, attendances, *, bound=None, status=200):
    """The meeting page; ``bound`` = (form attribute, item id or None, bound form with errors)."""
    user = request.user
    chair = is_chair_of(user, meeting.region)
    regisseur = user.has_role(*REGISSEUR_ROLES)
    attendances = list(attendances)
    present_ids = [attendance.organisation_id for attendance in attendances]
    own_id = None if regisseur else user.organisation_id
    # Each vote item's picker lists these, loaded once with the attendance (a query per vote item before).
    present = sorted((attendance.organisation for attendance in attendances), key=lambda org: (org.kind, org.name))
    items = selectors.read_agenda(meeting, items)
    for item in items:
        _decorate(
            item,
            meeting=meeting,
            present_ids=present_ids,
            chair=chair,
            own_organisation_id=own_id,
            present_organisations=present,
        )
    context = {
        "meeting": meeting,
        "items": items,
        "attendances": attendances,
        "is_chair": chair,
        "is_regisseur": regisseur,
        "own_organisation": None if regisseur else user.organisation,
        "own_present": own_id in present_ids,
    }
    if chair and not meeting.held:
        parties = region_parties(meeting.region)
        context["attendance_form"] = AttendanceForm(parties=parties, initial={"organisations": present_ids})
        context["agenda_form"] = _agenda_form(None, meeting)
        context["held_form"] = HeldForm()
    if bound is not None:
        name, item_id, form = bound
        if item_id is None:
            context[name] = form
        else:
            for item in items:
                if item.pk == item_id:
                    setattr(item, name, form)
    return render(request, "matching/meeting_detail.html", context, status=status)


@role_required(*MEETING_ROLES)
def meeting_detail(request, meeting_id):
    meeting, items, attendances = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    return _page(request, meeting, items, attendances)


def _item(items, request):
    raw = request.POST.get("item", "")
    item = items.filter(pk=int(raw)).first() if raw.isdigit() else None
    if item is None:
        raise Http404
    return item


def _agenda_form(data, meeting):
    corporations = region_parties(meeting.region).filter(kind=OrganisationKind.CORPORATION).order_by("name")
    return AgendaItemForm(
        data,
        candidates=selectors.agenda_candidates(meeting=meeting),
        corporations=[(str(pk), name) for pk, name in corporations.values_list("pk", "name")],
    )


def _refused(message, field="profile_code"):
    """A lookup that found nothing: shown next to ``field``, with what was typed kept."""
    return ValidationError(message, code=field)


def _coded_subject(data, meeting):
    """The subject the chair named by a code: a profile, an offer or a signal by the profile's code, an
    exception request by its number. Unknown, not open and another region's are refused alike (the same
    rules as the service's check, services.overleg.open_offers ...), so a code says nothing of elsewhere."""
    kind, code = data["kind"], data["profile_code"]
    if kind == AgendaItemKind.PROFILE:
        profile = selectors.agenda_profile(meeting=meeting, code=code)
        if profile is None:
            raise _refused(_("Geen open profiel met deze code in de regio."))
        return {"kind": kind, "profile": profile}
    if kind == AgendaItemKind.OFFER:
        offers = selectors.agenda_offers(meeting=meeting, code=code)
        if not offers:
            raise _refused(_("Geen openstaand aanbod op een profiel met deze code in de regio."))
        if data["corporation"]:
            offers = [offer for offer in offers if str(offer.share.corporation_id) == data["corporation"]]
            if not offers:
                raise _refused(_("Deze corporatie heeft geen openstaand aanbod op dit profiel."), "corporation")
        if len(offers) > 1:
            names = ", ".join(offer.share.corporation.name for offer in offers)
            raise _refused(
                _("Meer corporaties bieden op dit profiel aan (%(names)s): kies de corporatie.") % {"names": names},
                "corporation",
            )
        return {"kind": kind, "offer": offers[0]}
    if kind == AgendaItemKind.SIGNAL:
        signal = selectors.agenda_signal(meeting=meeting, code=code)
        if signal is None:
            raise _refused(_("Geen open signaal op een profiel met deze code in de regio."))
        return {"kind": kind, "signal": signal}
    request = selectors.agenda_exception_request(meeting=meeting, number=code)
    if request is None:
        raise _refused(_("Geen open uitzonderingsverzoek met dit nummer in de regio."))
    return {"kind": AgendaItemKind.EXCEPTION, "exception_request": request}


def _subject(data, meeting):
    """The typed code or the chosen claim of a new agenda item as service arguments (kind and object)."""
    if data["profile_code"]:
        return _coded_subject(data, meeting)
    kind, _sep, rest = data["subject"].partition(":")
    if kind in ("claim", "deviation"):
        purpose = "discussion" if kind == "claim" else "deviation"
        for claim in cases.claims_for_agenda(meeting.region_id):
            key = str(claim.claim_id) if kind == "claim" else f"{claim.claim_id}:{claim.deviation_id}"
            if claim.purpose == purpose and key == rest:
                item_kind = AgendaItemKind.CLAIM if kind == "claim" else AgendaItemKind.CLAIM_DEVIATION
                return {"kind": item_kind, "claim": claim}
    raise ValidationError(_("Kies een claim uit de lijst."))


# action -> (form class, form attribute on the page, per item?)
FORMS = {  # the chair's actions, and "eigen-stem" (a participant's own vote)
    "agendapunt": ("agenda_form", False),
    "stem": ("vote_form", True),
    "eigen-stem": ("own_vote_form", True),
    "besluit": ("decision_form", True),
    "correctie": ("correction_form", True),
    "bespreking": ("discussion_form", True),
    "afgerond": ("held_form", False),
    "aanwezigheid": ("attendance_form", False),
}


OWN_ACTIONS = frozenset({"eigen-aanwezigheid", "eigen-stem"})  # a corporation or provider for itself


@role_required(*CHAIR_ROLES, *PARTICIPANT_ROLES)
def meeting_action(request, meeting_id, action):
    # Who may post this action decides first (404 for anyone else), then the method, then the meeting.
    own = action in OWN_ACTIONS
    if not (own or action in FORMS) or not request.user.has_role(*(PARTICIPANT_ROLES if own else CHAIR_ROLES)):
        selectors.deny_action(user=request.user, meeting_id=meeting_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    meeting, items, attendances = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    allowed = is_participant(request.user, meeting) if own else is_chair_of(request.user, meeting.region)
    if not allowed:
        selectors.deny_action(user=request.user, meeting_id=meeting.pk)
    if action == "eigen-aanwezigheid":
        return _own_attendance(request, meeting)
    if action not in FORMS:
        raise Http404
    name, per_item = FORMS[action]
    item = _item(items, request) if per_item else None
    form = _bound_form(action, request, meeting, attendances)
    try:
        if not form.is_valid():
            raise ValidationError("")
        if action in CONFIRMED_ACTIONS:
            step = confirm.step(request)
            if step is confirm.ASK:
                confirm.rehearse(lambda: _perform(action, request.user, meeting, item, form, attendances))
                return confirm.ask(request, _confirmation(action, meeting, item, form.cleaned_data, attendances))
            if step is confirm.BACK:
                return _page(request, meeting, items, attendances, bound=(name, item.pk if item else None, form))
        _perform(action, request.user, meeting, item, form, attendances)
    except PermissionDenied:
        selectors.deny_action(user=request.user, meeting_id=meeting.pk)
    except ValidationError as error:
        messages = [message for message in error.messages if message]
        if messages:
            # A code that found nothing belongs next to its field (the error's code names it); other
            # refusals to the whole form.
            code = getattr(error, "code", None)
            field = code if code in ("profile_code", "corporation") and name == "agenda_form" else None
            form.add_error(field, messages)
        return _page(request, meeting, items, attendances, bound=(name, item.pk if item else None, form), status=400)
    return redirect(f"{meeting_url(meeting)}#{'punt-' + str(item.pk) if item else 'agenda'}")


# Chair's actions that cannot be undone: asked once more on a confirmation page (woonkans/confirm.py).
CONFIRMED_ACTIONS = frozenset({"besluit", "correctie", "afgerond"})


def _confirmation(action, meeting, item, data, attendances):
    present = [(attendance.organisation.name, _("het verslag, met dit besluit")) for attendance in attendances]
    if action == "afgerond":
        return confirm.Confirmation(
            title=_("Overleg afronden"),
            action=_("Het %(meeting)s wordt als gehouden vastgelegd; daarna kan er niets meer aan worden veranderd.")
            % {"meeting": str(meeting)},
            facts=[(_("Datum"), meeting.date.strftime("%d-%m-%Y")), (_("Notities bij het verslag"), data["notes"])],
            recipients=[(name, _("het definitieve verslag")) for name, _what in present],
            button=_("Overleg afronden"),
        )
    if action == "correctie":
        return confirm.Confirmation(
            title=_("Correctie vastleggen"),
            action=_(
                "De correctie van het besluit over “%(item)s” wordt vastgelegd; het oorspronkelijke besluit "
                "blijft in het verslag staan."
            )
            % {"item": item.title},
            facts=[
                (_("Agendapunt"), item.title),
                (_("Gecorrigeerde motivering"), data["decision"]),
                (_("Reden van de correctie"), data["reason"]),
            ],
            recipients=present,
            button=_("Correctie vastleggen"),
        )
    facts = [(_("Agendapunt"), item.title), (_("Besluit"), data["decision"])]
    if item.is_vote:
        ids = [attendance.organisation_id for attendance in attendances]
        votes_for, present_count, quorum = services.tally(item, attendances=ids, meeting=meeting)
        if quorum:
            granted = services.has_majority(votes_for=votes_for, present=present_count)
            facts.append(
                (
                    _("Uitkomst volgens de stemmen"),
                    _("%(outcome)s: %(for)s van %(present)s aanwezige organisaties voor")
                    % {
                        "outcome": (Outcome.GRANTED if granted else Outcome.REFUSED).label.capitalize(),
                        "for": votes_for,
                        "present": present_count,
                    },
                )
            )
    return confirm.Confirmation(
        title=_("Besluit vastleggen"),
        action=_(
            "Het besluit over “%(item)s” wordt vastgelegd; een besluit kan daarna alleen met een correctie "
            "worden aangevuld."
        )
        % {"item": item.title},
        facts=facts,
        recipients=present,
        button=_("Besluit vastleggen"),
    )


def meeting_url(meeting):
    return reverse("matching:meeting", kwargs={"meeting_id": meeting.pk})


def _bound_form(action, request, meeting, attendances):
    data = request.POST
    item_prefix = f"punt{data.get('item', '')}"
    if action == "agendapunt":
        return _agenda_form(data, meeting)
    if action == "stem":
        present = Organisation.objects.filter(pk__in=[attendance.organisation_id for attendance in attendances])
        return VoteForm(data, present=present, auto_id=f"{item_prefix}_stem_%s")
    if action == "eigen-stem":
        return OwnVoteForm(data, auto_id=f"{item_prefix}_eigenstem_%s")
    if action == "besluit":
        return DecisionForm(data, auto_id=f"{item_prefix}_besluit_%s")
    if action == "correctie":
        return CorrectionForm(data, auto_id=f"{item_prefix}_correctie_%s")
    if action == "bespreking":
        return DiscussionForm(data, auto_id=f"{item_prefix}_bespreking_%s")
    if action == "afgerond":
        return HeldForm(data)
    return AttendanceForm(data, parties=region_parties(meeting.region))


def _perform(action, user, meeting, item, form, attendances):
    data = form.cleaned_data
    if action == "aanwezigheid":
        if not is_chair_of(user, meeting.region):
            raise PermissionDenied
        chosen = set(data["organisations"])
        for organisation in chosen:
            services.check_in(actor=user, meeting=meeting, organisation=organisation)
        for attendance in attendances:
            if attendance.organisation not in chosen:
                services.check_in(actor=user, meeting=meeting, organisation=attendance.organisation, present=False)
    elif action == "agendapunt":
        services.add_agenda_item(actor=user, meeting=meeting, **_subject(data, meeting))
    elif action == "stem":
        services.record_vote(actor=user, item=item, organisation=data["organisation"], choice=data["choice"])
    elif action == "eigen-stem":
        services.record_vote(actor=user, item=item, organisation=user.organisation, choice=data["choice"])
    elif action == "besluit":
        services.decide_item(actor=user, item=item, decision=data["decision"])
    elif action == "correctie":
        services.correct_decision(actor=user, item=item, text=data["decision"], reason=data["reason"])
    elif action == "bespreking":
        services.record_discussion(actor=user, item=item, text=data["discussion"])
    elif action == "afgerond":
        services.mark_held(actor=user, meeting=meeting, notes=data["notes"])


def _own_attendance(request, meeting):
    """A corporation or provider at the table records its own organisation present (or not)."""
    present = request.POST.get("present") == "1"
    try:
        services.check_in(actor=request.user, meeting=meeting, organisation=request.user.organisation, present=present)
    except PermissionDenied:
        selectors.deny_action(user=request.user, meeting_id=meeting.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(meeting_url(meeting))


@role_required(*MEETING_ROLES)
def meeting_pdf(request, meeting_id, document):
    if document not in ("agenda", "verslag"):
        raise Http404
    meeting, items, attendances = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    log_access(user=request.user, action=AccessAction.PRINT, obj=meeting, purpose=f"overleg {document}")
    items = selectors.read_agenda(meeting, items)
    attendances = list(attendances)
    present_ids = [attendance.organisation_id for attendance in attendances]
    for item in items:
        _decorate(item, meeting=meeting, present_ids=present_ids, chair=False, own_organisation_id=None)
    title = _("Agenda") if document == "agenda" else _("Verslag")
    pdf = render_pdf(
        "pdf/meeting.html",
        {
            "meeting": meeting,
            "items": items,
            "attendances": attendances,
            "minutes": document == "verslag",
            "document_title": title,
            "is_regisseur": request.user.has_role(*REGISSEUR_ROLES),
        },
        title=f"{title} Woonkans-overleg {meeting.region} {meeting.date:%d-%m-%Y}",
    )
    return pdf_response(pdf, filename=f"woonkans-overleg-{meeting.date:%Y-%m-%d}-{document}.pdf")
