"""Every read of referral data: filtered to what the user may see, and written to the access log.

A referral the user may not see is logged as denied and answers 404 (ids cannot be probed).
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from woonkans import worklist
from woonkans.audit.models import AccessAction, AccessOutcome
from woonkans.audit.services import log_access
from woonkans.privacy import disclosure
from woonkans.privacy.disclosure.grants import member_of_own_organisation

from . import permissions
from .models import WAITING_IN_INBOX, Document, Referral, ReferralEvent
from .workflow import COARSE, CoarseStatus, Status

OBJECT_TYPE = "referrals.referral"
# Step 6 names the documents the matched corporation receives; nothing else of the file (the policy).
TENANT_DOCUMENT_KINDS = disclosure.document_kinds(disclosure.Relation.MATCHED_CORPORATION)


def _subject(referral):
    return str(referral.pk)


def _denied(user, object_id, purpose):
    log_access(
        user=user,
        action=AccessAction.READ,
        object_type=OBJECT_TYPE,
        object_id=str(object_id),
        outcome=AccessOutcome.DENIED,
        purpose=purpose,
    )
    raise Http404


def _get_checked(*, user, referral_id, perm, roles, purpose, queryset=None):
    queryset = queryset if queryset is not None else Referral.objects.all()
    referral = queryset.select_related("municipality", "region", "reported_by").filter(pk=referral_id).first()
    if referral is None or not permissions.has(user, perm, referral, roles):
        _denied(user, referral_id, purpose)
    log_access(user=user, action=AccessAction.READ, obj=referral, subject=_subject(referral), purpose=purpose)
    return referral


def get_case(*, user, referral_id, purpose="Wmo-onderzoek en bemiddeling"):
    """The whole referral, for the municipality's consultants and the region's regisseurs."""
    queryset = Referral.objects.select_related("identity", "research", "consent").prefetch_related(
        "research__search_area",
        Prefetch("documents", queryset=Document.objects.select_related("uploaded_by")),
        "feedbacks__corporation",
        Prefetch("events", queryset=ReferralEvent.objects.select_related("actor")),
    )
    return _get_checked(
        user=user,
        referral_id=referral_id,
        perm=permissions.VIEW,
        roles=permissions.CASE_ROLES,
        purpose=purpose,
        queryset=queryset,
    )


def get_case_for_editing(*, user, referral_id, purpose="Wmo-onderzoek"):
    return _get_checked(
        user=user,
        referral_id=referral_id,
        perm=permissions.CHANGE,
        roles=permissions.CONSULTANT_ROLES,
        purpose=purpose,
        queryset=Referral.objects.select_related("identity", "research", "consent"),
    )


def _municipality_referrals(user, status=None, queryset=None):
    """The consultant's cases: ``change_referral`` is granted to the case's own municipality only
    (disclosure.policy, relation CONSULTANT), so naming that municipality changes no row; it lets the
    list walk its index ``(municipality, <sort>)`` and probe each row's grant (``probe``) instead of
    reading every case of the municipality and sorting them (benchmarks/NOTES.md)."""
    queryset = queryset if queryset is not None else Referral.objects.all()
    referrals = permissions.visible_referrals(
        user,
        queryset.filter(municipality_id=user.organisation_id),
        permissions.CONSULTANT_ROLES,
        perm=permissions.CHANGE,
        probe=True,
    )
    return referrals.filter(status=status) if status else referrals


def municipality_referrals(*, user, status=None):
    """The referrals of the consultant's municipality (the team's list)."""
    referrals = _municipality_referrals(user, status, Referral.objects.select_related("identity", "reported_by"))
    log_access(user=user, action=AccessAction.SEARCH, object_type=OBJECT_TYPE, purpose="werkvoorraad Wmo")
    return referrals.order_by("-created_at")


def _inbox(user, queryset=None):
    """What waits in the inbox (the model's WAITING_IN_INBOX) and the user may see: the list and the home's counter.

    The partial index holds the waiting cases only; the region's regisseurs hold a grant on most of them,
    so each is probed for its grant (``probe``) instead of reading every grant of the organisation first."""
    queryset = (queryset if queryset is not None else Referral.objects.all()).filter(WAITING_IN_INBOX)
    return permissions.visible_referrals(user, queryset, permissions.REGISSEUR_ROLES, probe=True)


def regisseur_inbox(*, user):
    """Submitted referrals of the regisseur's region: the 'Nieuwe aanmeldingen' inbox."""
    # The region's regisseurs hold the grant (disclosure.policy: the chain direction of the case's region),
    # so naming the region changes no row; the list walks the region's part of the inbox (its indexes).
    queryset = Referral.objects.select_related("identity", "municipality").only(*INBOX_COLUMNS)
    referrals = _inbox(user, queryset.filter(region_id=getattr(user.organisation, "region_id", None)))
    log_access(user=user, action=AccessAction.SEARCH, object_type=OBJECT_TYPE, purpose="nieuwe aanmeldingen")
    return referrals.order_by("submitted_at", "created_at")


# What the inbox shows and sorts by. Not the rest of the identity: each row decrypted the resident's BSN
# (and carried the address and contact data) into memory for a list that shows the name only.
INBOX_COLUMNS = (
    "id",
    "number",
    "status",
    "created_at",
    "submitted_at",
    "municipality__name",
    "identity__given_name",
    "identity__family_name",
)


def provider_reports(*, user, coarse_status=None):
    """A care provider's own reports: who, to which municipality, when, and the coarse status only.

    ``view_report_status`` is granted to the reporting provider only, at every stage (disclosure.policy,
    relation REPORTING_PROVIDER: the case's ``reported_by``), so naming that organisation changes no row;
    it lets the list walk its index ``(reported_by, created_at, id)`` and probe each row's grant
    (``probe``) instead of walking every case of every provider by date (benchmarks/NOTES.md)."""
    reports = permissions.visible_referrals(
        user,
        Referral.objects.filter(reported_by_id=user.organisation_id)
        .select_related("identity", "municipality")
        .only(
            "id",
            "status",
            "created_at",
            "municipality__name",
            "identity__given_name",
            "identity__family_name",
        ),
        permissions.REPORTER_ROLES,
        perm=permissions.VIEW_STATUS,
        probe=True,
    )
    if coarse_status:
        reports = reports.filter(status__in=[s for s, c in COARSE.items() if c == CoarseStatus(coarse_status)])
    log_access(user=user, action=AccessAction.SEARCH, object_type=OBJECT_TYPE, purpose="eigen meldingen")
    return reports.order_by("-created_at")


def counted_reports(*, user):
    """What the provider's list counts (``list_page(count_queryset=...)``): the organisation's reports that are
    not restricted, read from the index ``referrals_reporter_created`` alone. The policy grants the coarse
    status to the reporting provider at every stage and to nobody else (tests/referrals/test_access.py), so
    these are the rows ``provider_reports`` probes one by one (1 001 probes for a provider with many
    reports: the count grew with the cases). A user counts only as a member of the organisation's group (the
    grants are the group's): one uncorrelated check, run once."""
    if not user.has_role(*permissions.REPORTER_ROLES) or not user.organisation_id:
        return Referral.objects.none()
    member = member_of_own_organisation(user)
    return Referral.objects.filter(member, reported_by_id=user.organisation_id, restricted_at__isnull=True)


# ---- 'Mijn werkvoorraad': the counts of these lists (woonkans.worklist), not logged: no case is read ----

# The consultant's statuses that wait for the own team: (status, label, order).
CONSULTANT_WORK = (
    (Status.REPORTED, _("Meldingen om op te pakken"), 10),
    (Status.IN_RESEARCH, _("Onderzoeken in uitvoering"), 20),
)


def worklist_counts(user):
    rows = []
    if user.has_role(*permissions.REGISSEUR_ROLES):
        role = worklist.role_of(user, permissions.REGISSEUR_ROLES)
        inbox = reverse("referrals:inbox")
        rows.append(
            worklist.row(
                role,
                "referrals.inbox",
                _("Nieuwe aanmeldingen"),
                _inbox(user),
                "submitted_at",
                inbox,
                step="submitted",
                order=10,
            )
        )
    if user.has_role(*permissions.CONSULTANT_ROLES):
        role = permissions.CONSULTANT_ROLES[0]
        for status, label, order in CONSULTANT_WORK:
            url = f"{reverse('referrals:list')}?status={status}"
            queryset = _municipality_referrals(user, status)
            rows.append(
                worklist.row(
                    role, f"referrals.{status}", label, queryset, "created_at", url, age_unit="days", order=order
                )
            )
    return rows


def get_document(*, user, document_id):
    document = Document.objects.select_related("referral").filter(pk=document_id).first()
    allowed = document is not None and (
        permissions.has(user, permissions.VIEW, document.referral, permissions.CASE_ROLES)
        or (
            document.kind in TENANT_DOCUMENT_KINDS
            and permissions.has(user, permissions.VIEW_IDENTITY, document.referral, permissions.CORPORATION_ROLES)
        )
    )
    if not allowed:
        log_access(
            user=user,
            action=AccessAction.READ,
            object_type="referrals.document",
            object_id=str(document_id),
            outcome=AccessOutcome.DENIED,
            purpose="document",
        )
        raise Http404
    log_access(
        user=user, action=AccessAction.EXPORT, obj=document, subject=_subject(document.referral), purpose="document"
    )
    return document


def get_identity_for_tenant(*, user, referral_id):
    """Step 6: the matched corporation sees the identity and the lease documents, nothing of the research."""
    queryset = Referral.objects.select_related("identity").prefetch_related(
        Prefetch("documents", queryset=Document.objects.filter(kind__in=TENANT_DOCUMENT_KINDS))
    )
    return _get_checked(
        user=user,
        referral_id=referral_id,
        perm=permissions.VIEW_IDENTITY,
        roles=permissions.CORPORATION_ROLES,
        purpose="huurovereenkomst",
        queryset=queryset,
    )


def get_contact_for_provider(*, user, referral_id):
    """The linked care provider sees the resident's name and contact data only."""
    queryset = Referral.objects.select_related("identity").only(
        "id",
        "municipality__name",
        "region__name",
        "reported_by__name",
        "identity__given_name",
        "identity__family_name",
        "identity__street_address",
        "identity__postcode",
        "identity__city",
        "identity__phone",
        "identity__email",
    )
    return _get_checked(
        user=user,
        referral_id=referral_id,
        perm=permissions.VIEW_CONTACT,
        roles=permissions.PROVIDER_ROLES,
        purpose="begeleiding",
        queryset=queryset,
    )


# ---- the case's place on the route, for the consultant who follows it (the casusregisseur) ----

# The referral's own status ends at "matched"; after the share the case moves on in matching. Its stage
# comes from the disclosure module's case facts (matching reports them through its registry), so this
# module reads the route without importing matching.
ROUTE_LABELS = {
    disclosure.Stage.PROFILE_DRAFT: _("Bemiddelingsprofiel in opstelling"),
    disclosure.Stage.SHARED: _("Profiel gedeeld met corporaties"),
    disclosure.Stage.MATCHED: _("Gematcht met een corporatie"),
    disclosure.Stage.HOUSED: _("Gehuisvest"),
}
# The trajectory's outcome, as the profile's status in matching's facts says it.
END_LABELS = {
    "ended_positive": _("Traject goed afgesloten"),
    "ended_negative": _("Traject negatief beëindigd"),
}
STOPPED_BY_REFERRAL = {Status.WITHDRAWN, Status.CONSENT_WITHDRAWN}


@dataclass(frozen=True)
class RoutePosition:
    stage: str
    label: str
    profile_url: str = ""  # set only when the user may open the profile (the policy's view_profile)


def _route_label(state, stage, fallback):
    if stage == disclosure.Stage.ENDED:
        return END_LABELS.get(state.profile_status, fallback)
    if (
        stage in (disclosure.Stage.STOPPED, disclosure.Stage.STOPPED_IN_DRAFT)
        and state.referral_status not in STOPPED_BY_REFERRAL
    ):
        return _("Traject gestopt")  # e.g. an erasure or objection stopped the running trajectory
    return ROUTE_LABELS.get(stage, fallback)


def _may_open_profile(user, state, stage):
    """The policy decides: a relation of the user's organisation that the user acts for holds view_profile."""
    return any(
        user.has_role(*disclosure.RELATION_ROLES[relation])
        and disclosure.VIEW_PROFILE in disclosure.grants_for(stage, relation, restricted=state.restricted)
        for relation in disclosure.relations_of(state, user.organisation_id)
    )


def route_position(*, user, referral):
    """Where a case the user already opened (get_case logged the read) stands on the route."""
    state = disclosure.case_states([referral.pk]).get(referral.pk)
    fallback = referral.get_status_display()
    if state is None:
        return RoutePosition(stage="", label=fallback)
    stage = disclosure.stage_of(state)
    profile_url = ""
    if state.profile_id and _may_open_profile(user, state, stage):
        profile_url = reverse("matching:profile", kwargs={"profile_id": state.profile_id})
    return RoutePosition(stage=stage, label=str(_route_label(state, stage, fallback)), profile_url=profile_url)


def route_labels(referrals):
    """{referral id: label} for a page of a list the selector already logged."""
    by_id = {referral.pk: referral for referral in referrals}
    states = disclosure.case_states(list(by_id))
    labels = {}
    for pk, referral in by_id.items():
        fallback = referral.get_status_display()
        state = states.get(pk)
        labels[pk] = str(_route_label(state, disclosure.stage_of(state), fallback)) if state else fallback
    return labels
