"""The Woonkans-overleg: meetings of the region, attendance, agenda, votes, decisions, PDFs (codes only)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from referrals.models import ExceptionRequest
from woonkans.accounts.permissions import role_required
from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.pdf import pdf_response, render_pdf

from .. import selectors, services
from ..forms import AgendaItemForm, AttendanceForm, DecisionForm, MeetingForm, VoteForm
from ..models import AgendaItemKind, Profile, ProfileStatus
from ..permissions import REGISSEUR_ROLES, is_chair_of


@role_required(*REGISSEUR_ROLES)
def meeting_list(request):
    region = request.user.organisation.region
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(actor=request.user, region=region, date=form.cleaned_data["date"])
        except PermissionDenied:
            form.add_error(None, _("Alleen de voorzitter (ketenregisseur) plant een Woonkans-overleg."))
        else:
            return redirect("matching:meeting", meeting_id=meeting.pk)
    return render(
        request,
        "matching/meeting_list.html",
        {
            "meetings": selectors.region_meetings(user=request.user)[:100],
            "form": form,
            "region": region,
            "is_chair": is_chair_of(request.user, region),
        },
    )


def _agenda_candidates(meeting):
    profiles = Profile.objects.filter(
        region=meeting.region, status__in=[ProfileStatus.DRAFT, ProfileStatus.SHARED, ProfileStatus.HOUSED]
    ).only("id", "code")
    requests = ExceptionRequest.objects.filter(
        region=meeting.region, decision=ExceptionRequest.Decision.OPEN
    ).select_related("referral__municipality")
    return profiles, requests


@role_required(*REGISSEUR_ROLES)
def meeting_detail(request, meeting_id):
    meeting, items, attendances = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    present = [attendance.organisation for attendance in attendances]
    profiles, requests = _agenda_candidates(meeting)
    present_queryset = _present_queryset(attendances)
    items = list(items)
    for item in items:
        # One vote and decision form per agenda item, each with its own ids for the labels.
        item.vote_form = VoteForm(present=present_queryset, auto_id=f"punt{item.pk}_stem_%s")
        item.decision_form = DecisionForm(auto_id=f"punt{item.pk}_besluit_%s")
    context = {
        "meeting": meeting,
        "items": items,
        "present": present,
        "is_chair": is_chair_of(request.user, meeting.region),
        "attendance_form": AttendanceForm(initial={"organisations": present}),
        "agenda_form": AgendaItemForm(profiles=profiles, exception_requests=requests),
    }
    return render(request, "matching/meeting_detail.html", context)


def _present_queryset(attendances):
    from woonkans.parties.models import Organisation

    return Organisation.objects.filter(pk__in=[attendance.organisation_id for attendance in attendances])


@role_required(*REGISSEUR_ROLES)
@require_POST
def meeting_action(request, meeting_id, action):
    meeting, items, attendances = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    try:
        _perform(request, meeting, items, attendances, action)
    except PermissionDenied:
        messages.error(request, _("Alleen de voorzitter van dit overleg kan dat doen."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("matching:meeting", meeting_id=meeting.pk)


def _perform(request, meeting, items, attendances, action):
    user = request.user
    if action == "aanwezigheid":
        form = AttendanceForm(request.POST)
        if form.is_valid():
            chosen = set(form.cleaned_data["organisations"])
            for organisation in chosen:
                services.check_in(actor=user, meeting=meeting, organisation=organisation)
            for attendance in attendances:
                if attendance.organisation not in chosen:
                    services.check_in(actor=user, meeting=meeting, organisation=attendance.organisation, present=False)
    elif action == "agendapunt":
        profiles, requests = _agenda_candidates(meeting)
        form = AgendaItemForm(request.POST, profiles=profiles, exception_requests=requests)
        if not form.is_valid():
            raise ValidationError(_("Kies een onderwerp voor het agendapunt."))
        kind, _sep, pk = form.cleaned_data["subject"].partition(":")
        if kind == "profile":
            profile = profiles.get(pk=pk)
            services.add_agenda_item(
                actor=user,
                meeting=meeting,
                kind=form.cleaned_data["kind"],
                profile=profile,
                title=f"{AgendaItemKind(form.cleaned_data['kind']).label} {profile.code}",
            )
        else:
            request_obj = requests.get(pk=pk)
            services.add_agenda_item(
                actor=user,
                meeting=meeting,
                kind=AgendaItemKind.EXCEPTION,
                exception_request=request_obj,
                title=_("Uitzonderingsverzoek %(ref)s") % {"ref": str(request_obj.pk)[:8].upper()},
            )
    elif action in ("stem", "besluit"):
        item = items.filter(pk=request.POST.get("item")).first()
        if item is None:
            raise Http404
        if action == "stem":
            form = VoteForm(request.POST, present=_present_queryset(attendances))
            if not form.is_valid():
                raise ValidationError(_("Kies een aanwezige organisatie en een stem."))
            services.record_vote(actor=user, item=item, **form.cleaned_data)
        else:
            form = DecisionForm(request.POST)
            form.is_valid()
            services.decide_item(actor=user, item=item, decision=form.cleaned_data.get("decision", ""))
    elif action == "afgerond":
        services.mark_held(actor=user, meeting=meeting, notes=request.POST.get("notes", ""))
    else:
        raise Http404


@role_required(*REGISSEUR_ROLES)
def meeting_pdf(request, meeting_id, document):
    meeting, items, attendances = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    if document not in ("agenda", "verslag"):
        raise Http404
    log_access(user=request.user, action=AccessAction.PRINT, obj=meeting, purpose=f"overleg {document}")
    title = _("Agenda") if document == "agenda" else _("Verslag")
    pdf = render_pdf(
        "pdf/meeting.html",
        {
            "meeting": meeting,
            "items": items,
            "attendances": attendances,
            "minutes": document == "verslag",
            "document_title": title,
        },
        title=f"{title} Woonkans-overleg {meeting.region} {meeting.date:%d-%m-%Y}",
    )
    return pdf_response(pdf, filename=f"woonkans-overleg-{meeting.date:%Y-%m-%d}-{document}.pdf")
