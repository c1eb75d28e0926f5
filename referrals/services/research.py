"""The research steps the consultant fills in: identity, research, documents, consent, drafts."""

import json

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from woonkans.privacy import crypto
from woonkans.privacy.bsn import normalise_bsn
from woonkans.privacy.files import delete_private_file, store_upload

from .. import permissions
from ..models import Consent, Document, DocumentKind, EventKind, FormDraft, Identity, Research
from ..workflow import ACTIVE, EDITABLE
from .common import BSN_INDEX_PURPOSE, PRIVACY_STATEMENT_VERSION, _event, _lock, _require_consultant, _require_editable


@transaction.atomic
def save_identity(*, actor, referral, data):
    """Save the identity step; returns the municipalities that already hold an active referral for this BSN."""
    referral = _lock(referral)
    _require_consultant(actor, referral)
    _require_editable(referral)
    identity = Identity.objects.filter(referral=referral).first() or Identity(referral=referral)
    for field, value in data.items():
        setattr(identity, field, value)
    identity.bsn = normalise_bsn(identity.bsn)
    identity.bsn_index = crypto.blind_index(identity.bsn, purpose=BSN_INDEX_PURPOSE) if identity.bsn else ""
    identity.save()
    _clear_draft(referral, "persoon")
    return duplicate_holders(referral=referral, bsn_index=identity.bsn_index)


def duplicate_holders(*, referral, bsn_index):
    """Names of the municipalities with another active referral for the same BSN (compared by blind index)."""
    if not bsn_index:
        return []
    others = (
        Identity.objects.filter(bsn_index=bsn_index, referral__status__in=ACTIVE)
        .exclude(referral=referral)
        .values_list("referral__municipality__name", flat=True)
    )
    return sorted(set(others))


@transaction.atomic
def save_research(*, actor, referral, data, step):
    referral = _lock(referral)
    _require_consultant(actor, referral)
    _require_editable(referral)
    research, _created = Research.objects.get_or_create(referral=referral)
    search_area = data.pop("search_area", None)
    for field, value in data.items():
        setattr(research, field, value)
    research.save()
    if search_area is not None:
        research.search_area.set(search_area)
    _clear_draft(referral, step)
    return research


@transaction.atomic
def add_document(*, actor, referral, kind, uploaded_file):
    referral = _lock(referral)
    _require_consultant(actor, referral)
    _require_editable(referral)
    stored = store_upload(uploaded_file, folder=f"referrals/{referral.pk.hex}")
    try:
        document = Document.from_stored(stored, referral=referral, kind=kind, uploaded_by=actor)
        document.save()
        _event(referral, EventKind.DOCUMENT_ADDED, actor, note=str(DocumentKind(kind).label))
    except Exception:
        delete_private_file(stored.path)
        raise
    return document


@transaction.atomic
def remove_document(*, actor, document):
    referral = _lock(document.referral)
    _require_consultant(actor, referral)
    _require_editable(referral)
    path, label = document.path, str(DocumentKind(document.kind).label)
    document.delete()
    _event(referral, EventKind.DOCUMENT_REMOVED, actor, note=label)
    transaction.on_commit(lambda: delete_private_file(path))


@transaction.atomic
def record_consent(*, actor, referral, support_plan_signed_on, informed_of_sharing, informed_of_rights):
    referral = _lock(referral)
    _require_consultant(actor, referral)
    _require_editable(referral)
    Consent.objects.update_or_create(
        referral=referral,
        defaults={
            "support_plan_signed_on": support_plan_signed_on,
            "informed_of_sharing": informed_of_sharing,
            "informed_of_rights": informed_of_rights,
            "privacy_statement_version": PRIVACY_STATEMENT_VERSION,
            "recorded_by": actor,
            "recorded_at": timezone.now(),
            "withdrawn_at": None,
            "withdrawal_reason": "",
        },
    )
    _clear_draft(referral, "toestemming")
    _event(referral, EventKind.CONSENT_RECORDED, actor)


@transaction.atomic
def save_draft(*, actor, referral, step, data):
    """Keep what the user typed (encrypted), even when it is not valid yet.

    Under the case's row lock, as the submission: an autosave that reaches the server after
    the case was submitted finds it no longer editable and keeps nothing (returns None).
    """
    if not permissions.has(actor, permissions.CHANGE, referral, permissions.CONSULTANT_ROLES):
        raise PermissionDenied
    referral = _lock(referral)
    if referral.status not in EDITABLE:
        return None
    payload = {key: data.getlist(key) for key in data if key != "csrfmiddlewaretoken"}
    draft, _created = FormDraft.objects.update_or_create(
        referral=referral, step=step, defaults={"data": json.dumps(payload), "saved_by": actor}
    )
    return draft


def _clear_draft(referral, step):
    FormDraft.objects.filter(referral=referral, step=step).delete()
