"""Every read of referral data: filtered to what the user may see, and written to the access log.

A referral the user may not see is logged as denied and answers 404 (ids cannot be probed).
"""

from django.db.models import Prefetch
from django.http import Http404

from woonkans.audit.models import AccessAction, AccessOutcome
from woonkans.audit.services import log_access
from woonkans.privacy import disclosure

from . import permissions
from .models import Document, Referral, ReferralEvent
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


def municipality_referrals(*, user, status=None):
    """The referrals of the consultant's municipality (the team's list)."""
    referrals = permissions.visible_referrals(
        user,
        Referral.objects.select_related("identity", "reported_by"),
        permissions.CONSULTANT_ROLES,
        perm=permissions.CHANGE,
    )
    if status:
        referrals = referrals.filter(status=status)
    log_access(user=user, action=AccessAction.SEARCH, object_type=OBJECT_TYPE, purpose="werkvoorraad Wmo")
    return referrals.order_by("-created_at")


def regisseur_inbox(*, user):
    """Submitted referrals of the regisseur's region: the 'Nieuwe aanmeldingen' inbox."""
    referrals = permissions.visible_referrals(
        user, Referral.objects.select_related("identity", "municipality"), permissions.REGISSEUR_ROLES
    ).filter(status=Status.SUBMITTED, profile__isnull=True)
    log_access(user=user, action=AccessAction.SEARCH, object_type=OBJECT_TYPE, purpose="nieuwe aanmeldingen")
    return referrals.order_by("submitted_at", "created_at")


def provider_reports(*, user, coarse_status=None):
    """A care provider's own reports: who, to which municipality, when, and the coarse status only."""
    reports = permissions.visible_referrals(
        user,
        Referral.objects.select_related("identity", "municipality").only(
            "id",
            "status",
            "created_at",
            "municipality__name",
            "identity__given_name",
            "identity__family_name",
        ),
        permissions.REPORTER_ROLES,
        perm=permissions.VIEW_STATUS,
    )
    if coarse_status:
        reports = reports.filter(status__in=[s for s, c in COARSE.items() if c == CoarseStatus(coarse_status)])
    log_access(user=user, action=AccessAction.SEARCH, object_type=OBJECT_TYPE, purpose="eigen meldingen")
    return reports.order_by("-created_at")


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
