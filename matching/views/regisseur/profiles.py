"""The region's profiles: the list, a new profile, reading it (also as casusregisseur), versions, PDF."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from referrals import selectors as referral_selectors
from woonkans.accounts.permissions import role_required
from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.pdf import pdf_response, render_pdf
from woonkans.privacy.pii_scan import fingerprint, highlight

from ... import selectors, services
from ...forms import DateForm, EndForm, HandoverForm, MessageForm
from ...models import ProfileStatus, ShareResponse
from ...models.profile import SECTIONS
from ...permissions import CONSULTANT_ROLES, REGISSEUR_ROLES, is_chair_of

PAGE_SIZE = 25


def _to_profile(profile):
    return redirect("matching:profile", profile_id=profile.pk)


@role_required(*REGISSEUR_ROLES)
def profile_list(request):
    status = request.GET.get("status") or None
    if status not in ProfileStatus.values:
        status = None
    # ?shares__response=offer: the profiles a corporation offered a dwelling for (the home's count links so).
    share_response = request.GET.get("shares__response")
    if share_response not in ShareResponse.values or not share_response:
        share_response = None
    profiles = selectors.region_profiles(user=request.user, status=status, share_response=share_response)
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("pagina"))
    region = request.user.organisation.region
    year = timezone.localdate().year
    context = {
        "page": page,
        "statuses": ProfileStatus.choices,
        "status": status,
        "query": f"status={status or ''}" + (f"&shares__response={share_response}" if share_response else ""),
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
        "missing": services.fact_links(services.missing_facts(profile, stage=_next_stage(profile))),
    }
    return render(request, "matching/profile_detail.html", context)


def _next_stage(profile):
    return services.facts.MATCH if profile.status == ProfileStatus.SHARED else services.facts.SHARE


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
def profile_versions(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id, purpose="versies")
    versions = profile.versions.select_related("saved_by")
    return render(
        request, "matching/profile_versions.html", {"profile": profile, "versions": versions, "labels": dict(SECTIONS)}
    )


@role_required(*REGISSEUR_ROLES)
def profile_pdf(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id, purpose="afdrukken")
    return _profile_pdf(request, profile, full=True)


def _profile_pdf(request, profile, *, full=False):
    """The profile as PDF; ``full`` adds the regisseur's facts (provider, dates) a corporation never loads."""
    log_access(user=request.user, action=AccessAction.PRINT, obj=profile, subject=profile.code, purpose="pdf")
    pdf = render_pdf(
        "pdf/profile.html",
        {"profile": profile, "sections": profile.sections(), "full": full},
        title=f"Bemiddelingsprofiel {profile.code}",
    )
    return pdf_response(pdf, filename=f"{profile.code}.pdf")
