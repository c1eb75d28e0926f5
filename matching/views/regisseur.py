"""The regisseur's pages: profiles of the region, writing and scanning, sharing, match, trajectory."""

import difflib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from referrals import selectors as referral_selectors
from woonkans.accounts.permissions import role_required
from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.parties.models import Organisation
from woonkans.pdf import pdf_response, render_pdf
from woonkans.privacy.pii_scan import fingerprint, highlight

from .. import selectors, services
from ..forms import (
    CaseMeetingOutcomeForm,
    CaseMeetingPlanForm,
    DateForm,
    EndForm,
    HandoverForm,
    MatchForm,
    MessageForm,
    OverrideForm,
    ProfileForm,
    ShareForm,
)
from ..models import ProfileStatus
from ..models.profile import SECTIONS
from ..permissions import CHAIR_ROLES, CONSULTANT_ROLES, REGISSEUR_ROLES, is_chair_of

PAGE_SIZE = 25


def _to_profile(profile):
    return redirect("matching:profile", profile_id=profile.pk)


@role_required(*REGISSEUR_ROLES)
def profile_list(request):
    status = request.GET.get("status") or None
    if status not in ProfileStatus.values:
        status = None
    page = Paginator(selectors.region_profiles(user=request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    region = request.user.organisation.region
    year = timezone.localdate().year
    context = {
        "page": page,
        "statuses": ProfileStatus.choices,
        "status": status,
        "query": f"status={status or ''}",
        "region": region,
        "year": year,
        "housed": selectors.housed_this_year(region=region, year=year),
        "exception_requests": selectors.open_exception_requests(user=request.user),
    }
    return render(request, "matching/profile_list.html", context)


@role_required(*REGISSEUR_ROLES)
@require_POST
def profile_create(request, referral_id):
    referral = referral_selectors.get_case(user=request.user, referral_id=referral_id, purpose="profiel opstellen")
    try:
        profile = services.create_profile(actor=request.user, referral=referral)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("referrals:detail", referral_id=referral.pk)
    return redirect("matching:profile_edit", profile_id=profile.pk)


def _findings_view(profile):
    names = services.profiles.resident_names(profile)
    findings = services.open_findings(profile, names=names)
    sections = []
    for field, label in SECTIONS:
        items = findings.get(field, [])
        text = getattr(profile, field)
        sections.append(
            {
                "field": field,
                "label": label,
                "text": text,
                "highlighted": highlight(text, items) if items else None,
                "findings": [{"finding": item, "fingerprint": fingerprint(item)} for item in items],
            }
        )
    return sections, sum(len(items) for items in findings.values())


@role_required(*REGISSEUR_ROLES, *CONSULTANT_ROLES)
def profile_detail(request, profile_id):
    if not request.user.has_role(*REGISSEUR_ROLES):
        return _profile_for_consultant(request, profile_id)
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    sections, finding_count = _findings_view(profile)
    shares = list(profile.shares.all())
    context = {
        "profile": profile,
        "sections": sections,
        "finding_count": finding_count,
        "shares": shares,
        "threads": _threads(profile, shares),
        "message_form": MessageForm(),
        "is_chair": is_chair_of(request.user, profile.region),
        "match": getattr(profile, "match", None),
        "date_form": DateForm(),
        "end_form": EndForm(),
        "handover_form": HandoverForm(),
    }
    return render(request, "matching/profile_detail.html", context)


def _profile_for_consultant(request, profile_id):
    """The casusregisseur reads the profile as the regisseur wrote it (feedback 2), read only."""
    profile = selectors.get_profile_for_consultant(user=request.user, profile_id=profile_id)
    sections = [(field, label, getattr(profile, field)) for field, label in SECTIONS]
    context = {"profile": profile, "sections": sections, "match": getattr(profile, "match", None)}
    return render(request, "matching/profile_read.html", context)


def _threads(profile, shares):
    by_corporation = {share.corporation_id: [] for share in shares}
    for message in profile.messages.all():
        by_corporation.setdefault(message.corporation_id, []).append(message)
    return [(share, by_corporation.get(share.corporation_id, [])) for share in shares]


@role_required(*REGISSEUR_ROLES)
def profile_edit(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id, purpose="profiel")
    form = ProfileForm(request.POST or None, instance=profile)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "version"}
        try:
            saved = services.update_profile(
                actor=request.user, profile=profile, expected_version=form.cleaned_data["version"], data=data
            )
        except services.ConcurrentEdit as error:
            conflict = _diff(error.current, form.cleaned_data)
            form.add_error(
                None,
                _(
                    "Iemand anders heeft dit profiel opgeslagen nadat je het opende. Jouw tekst is niet opgeslagen "
                    "en staat nog in het formulier; vergelijk hieronder en sla opnieuw op."
                ),
            )
            form.data = form.data.copy()
            form.data["version"] = error.current.version
        except services.IdentifyingDataFound as error:
            form.add_error(None, error)
            # Show the findings of the text as typed, which was not saved.
            for field, value in data.items():
                setattr(profile, field, value)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            remaining = services.profiles.open_finding_count(saved)
            if remaining:
                # Saved, but not ready to share: a green "opgeslagen" would hide that.
                messages.warning(
                    request,
                    ngettext(
                        "Het profiel is opgeslagen, maar er staat nog %(count)d mogelijk identificerend gegeven in. "
                        "Pas de gemarkeerde tekst aan of leg uit waarom het geen identificerend gegeven is; "
                        "delen kan pas als er geen meldingen meer open staan.",
                        "Het profiel is opgeslagen, maar er staan nog %(count)d mogelijk identificerende gegevens in. "
                        "Pas de gemarkeerde tekst aan of leg uit waarom het geen identificerend gegeven is; "
                        "delen kan pas als er geen meldingen meer open staan.",
                        remaining,
                    )
                    % {"count": remaining},
                )
            else:
                messages.success(request, _("Het profiel is opgeslagen."))
            return redirect("matching:profile_edit", profile_id=profile.pk)
    sections, finding_count = _findings_view(profile)
    context = {
        "profile": profile,
        "form": form,
        "sections": sections,
        "finding_count": finding_count,
        "conflict": conflict,
        "override_form": OverrideForm(),
    }
    return render(request, "matching/profile_edit.html", context)


def _diff(current, mine):
    changes = []
    for field, label in SECTIONS:
        theirs, yours = getattr(current, field), mine.get(field, "")
        if theirs != yours:
            lines = difflib.unified_diff(
                theirs.splitlines(), yours.splitlines(), _("opgeslagen versie"), _("jouw versie"), lineterm=""
            )
            changes.append({"label": label, "diff": "\n".join(lines)})
    return changes


@role_required(*REGISSEUR_ROLES)
@require_POST
def finding_override(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    form = OverrideForm(request.POST)
    if form.is_valid():
        services.override_finding(
            actor=request.user,
            profile=profile,
            finding_fingerprint=form.cleaned_data["fingerprint"],
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("De melding is genegeerd; de reden is vastgelegd."))
    else:
        messages.error(request, _("Geef een reden om de melding te negeren."))
    return redirect("matching:profile_edit", profile_id=profile.pk)


@role_required(*REGISSEUR_ROLES)
def profile_share(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id, purpose="delen")
    corporations = services.eligible_corporations(profile)
    form = ShareForm(request.POST or None, corporations=corporations)
    if request.method == "POST" and form.is_valid():
        try:
            services.share_profile(
                actor=request.user, profile=profile, corporations=list(form.cleaned_data["corporations"])
            )
        except services.IdentifyingDataFound as error:
            messages.error(request, " ".join(error.messages))
            return redirect("matching:profile_edit", profile_id=profile.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Het profiel staat in de matchingstabel van de gekozen corporaties."))
            return _to_profile(profile)
    _sections, finding_count = _findings_view(profile)
    return render(
        request, "matching/profile_share.html", {"profile": profile, "form": form, "finding_count": finding_count}
    )


@role_required(*REGISSEUR_ROLES)
@require_POST
def message_post(request, profile_id, corporation_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    share = profile.shares.filter(corporation_id=corporation_id).select_related("corporation").first()
    if share is None:
        raise Http404
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.post_message(
                actor=request.user, profile=profile, corporation=share.corporation, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            # The thread closed with the share (placed elsewhere, stopped, ended): say so, change nothing.
            messages.error(request, " ".join(error.messages))
    return _to_profile(profile)


@role_required(*REGISSEUR_ROLES)
def profile_match(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id, purpose="match")
    shares = profile.shares.select_related("corporation")
    corporations = Organisation.objects.filter(pk__in=shares.values("corporation"))
    offer = None
    initial = {}
    offer_share = shares.filter(response="offer").first()
    if offer_share is not None:
        offer = offer_share.offers.first()
        initial = (
            {
                "corporation": offer_share.corporation_id,
                "dwelling_address": offer.dwelling_address,
                "intended_date": offer.available_from,
            }
            if offer
            else {}
        )
    form = MatchForm(request.POST or None, corporations=corporations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matched_offer = offer if offer and offer_share.corporation_id == data["corporation"].pk else None
        try:
            match = services.record_match(actor=request.user, profile=profile, offer=matched_offer, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "De match is vastgelegd. Stuur de consulent nu terugkoppeling 3: de corporatie en de beoogde "
                    "datum staan al ingevuld."
                ),
            )
            return redirect(f"{_feedback_url(profile)}?{_feedback_query(match)}")
    return render(request, "matching/profile_match.html", {"profile": profile, "form": form})


def _feedback_url(profile):
    return reverse("referrals:feedback", kwargs={"referral_id": profile.referral_id})


def _feedback_query(match):
    return urlencode({"kind": 3, "corporation": match.corporation_id, "intended_date": match.intended_date.isoformat()})


@role_required(*REGISSEUR_ROLES)
@require_POST
def profile_housed(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    form = DateForm(request.POST)
    if form.is_valid():
        try:
            services.record_housing(actor=request.user, profile=profile, lease_signed_on=form.cleaned_data["date"])
            messages.success(request, _("De inwoner is gehuisvest."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return _to_profile(profile)


@role_required(*REGISSEUR_ROLES)
def profile_end(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_trajectory(actor=request.user, profile=profile, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Het traject is beëindigd."))
            return _to_profile(profile)
    return render(
        request,
        "matching/simple_form.html",
        {"profile": profile, "form": form, "title": _("Traject beëindigen"), "button": _("Beëindigen")},
    )


# Warm handover is the chair's: the procesregisseur is refused (and logged) before the profile is read.
@role_required(*CHAIR_ROLES)
def profile_handover(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    if not is_chair_of(request.user, profile.region):
        raise Http404
    form = HandoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.hand_over(actor=request.user, profile=profile, to_region=form.cleaned_data["region"])
        messages.success(request, _("Het traject is overgedragen. Je hebt er geen toegang meer toe."))
        return redirect("matching:profiles")
    return render(
        request,
        "matching/simple_form.html",
        {
            "profile": profile,
            "form": form,
            "title": _("Warme overdracht naar de andere regio"),
            "button": _("Overdragen"),
        },
    )


@role_required(*REGISSEUR_ROLES)
def case_meeting(request, profile_id, case_meeting_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    meeting = profile.case_meetings.filter(pk=case_meeting_id).select_related("signal").first()
    if meeting is None:
        raise Http404
    plan_form = CaseMeetingPlanForm(request.POST if "plan" in request.POST else None, profile=profile)
    outcome_form = CaseMeetingOutcomeForm(request.POST if "outcome" in request.POST else None)
    try:
        if "plan" in request.POST and plan_form.is_valid():
            services.plan_case_meeting(actor=request.user, case_meeting=meeting, **plan_form.cleaned_data)
            return _to_profile(profile)
        if "outcome" in request.POST and outcome_form.is_valid():
            services.record_case_meeting_outcome(actor=request.user, case_meeting=meeting, **outcome_form.cleaned_data)
            return _to_profile(profile)
    except ValidationError as error:
        (plan_form if "plan" in request.POST else outcome_form).add_error(None, error)
    return render(
        request,
        "matching/case_meeting.html",
        {"profile": profile, "meeting": meeting, "plan_form": plan_form, "outcome_form": outcome_form},
    )


@role_required(*REGISSEUR_ROLES)
def profile_versions(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id, purpose="versies")
    versions = profile.versions.select_related("saved_by")
    return render(
        request, "matching/profile_versions.html", {"profile": profile, "versions": versions, "labels": dict(SECTIONS)}
    )


@role_required(*REGISSEUR_ROLES)
def profile_pdf(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id, purpose="afdrukken")
    return _profile_pdf(request, profile)


def _profile_pdf(request, profile):
    log_access(user=request.user, action=AccessAction.PRINT, obj=profile, subject=profile.code, purpose="pdf")
    pdf = render_pdf(
        "pdf/profile.html",
        {"profile": profile, "sections": profile.sections()},
        title=f"Bemiddelingsprofiel {profile.code}",
    )
    return pdf_response(pdf, filename=f"{profile.code}.pdf")
