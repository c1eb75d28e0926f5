"""The retention purge of DPIA §10: personal data of closed cases goes after 5 or 15 years.

When is a case closed?
    Either the referral ended (status withdrawn, consent_withdrawn or closed; the day of
    ``Referral.closed_at``) or the case's profile ended (status ended_positive, ended_negative
    or stopped; ``Profile.ended_on``). If both apply, the later day counts. The closing day is
    computed in the database (``closed_on`` annotation), never in a Python loop over all cases.

How long is it kept?
    N calendar years after the closing day: N = 15 when the resident was eligible
    (``Referral.eligible is True``), otherwise 5 (not eligible, or never judged). The rule is
    ``referrals.models.RETENTION_YEARS_BY_ELIGIBLE``, which ``Referral.retention_years`` also reads.
    The years are calendar years (dateutil.relativedelta), so a case closed on 10 March 2020
    with N = 5 is kept up to and including its anniversary, 10 March 2025, and is due from 11 March 2025.
    In code: due when ``closed_on < today - relativedelta(years=N)``. (A case closed on 29 February reaches its
    anniversary on 28 February of a common year.)

What stays?
    The referral row (status, dates, region, municipality, eligibility, the link to its
    anonymous monitoring fact) and the profile row with its categories and its code. The code
    is a random pseudonym (``WK-N-XXXXXX``) with nothing derived from the resident; claims and
    the guarantee-fund ledger name the case by it, so the money trail stays readable. Once the
    identity is gone the code leads nowhere. The monitoring facts (``monitoring.CaseFact``)
    are not touched: the werkgroep's figures survive the purge unchanged.

What goes?
    Identity, research, consent, feedback, form drafts, exception requests, the case's
    timeline (events with their notes), documents (rows, and the files after commit), every
    free-text section of the profile and its versions and messages, the free text of offers,
    the match, evaluations, signals and case meetings, claim documents (rows and files) and
    the claim's evaluation, decision motivation and return reason, the overleg's decisions on the
    profile's agenda items, the referral's closing reason, and the django-auditlog change-log
    entries of all those objects, which hold copies of the same data. Which rows are deleted and
    which fields are emptied is each model's ``personal_data`` declaration
    (woonkans/privacy/personal_data.py); this module only finds the case's rows (``CASE_ROWS``).
"""

import logging
import operator
from collections import Counter
from datetime import date
from functools import reduce

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, DateField, F, Q, When
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from guarantee_fund.models import Claim, ClaimConsultation, ClaimDeviation, ClaimDocument
from matching.models import (
    AgendaItem,
    CaseMeeting,
    Decision,
    Evaluation,
    Handover,
    Match,
    Offer,
    Profile,
    ProfileMessage,
    ProfileStatus,
    ProfileVersion,
    ProviderChange,
    Signal,
)
from referrals.models import (
    RETENTION_YEARS_BY_ELIGIBLE,
    Consent,
    Document,
    ExceptionRequest,
    Feedback,
    FormDraft,
    Identity,
    Referral,
    ReferralEvent,
    Research,
)
from referrals.workflow import Status
from subject_rights.models import SubjectRequest
from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access

from . import personal_data
from .disclosure import sync_case_grants
from .files import delete_private_file
from .models import StoredFileFields

logger = logging.getLogger(__name__)

CLOSED_REFERRAL_STATUSES = (Status.WITHDRAWN, Status.CONSENT_WITHDRAWN, Status.CLOSED)
ENDED_PROFILE_STATUSES = (ProfileStatus.ENDED_POSITIVE, ProfileStatus.ENDED_NEGATIVE, ProfileStatus.STOPPED)
AUDIT_OBJECT_TYPE = "privacy.retention"


def with_open_subject_request():
    """Referrals whose resident has a pending request (AVG art. 15–18, 21): the answer needs the data,
    and a restriction in effect means the data is kept as it is. ``cases_due`` leaves them out."""
    return SubjectRequest.objects.pending().values("referral_id")


def closed_on_expression():
    """The day the case closed, per referral, in SQL; NULL while the case is still open."""
    referral_closed = Case(
        When(status__in=CLOSED_REFERRAL_STATUSES, then=TruncDate("closed_at")),
        default=None,
        output_field=DateField(),
    )
    profile_ended = Case(
        When(profile__status__in=ENDED_PROFILE_STATUSES, then=F("profile__ended_on")),
        default=None,
        output_field=DateField(),
    )
    # The later of the two when both are set. GREATEST ignores NULLs on PostgreSQL but not on
    # SQLite, so each argument falls back to the other: NULL only when both are NULL.
    return Greatest(
        Coalesce(referral_closed, profile_ended),
        Coalesce(profile_ended, referral_closed),
        output_field=DateField(),
    )


def cutoffs(today: date) -> dict[int, date]:
    """Per retention period in years: cases that closed before this day are due."""
    return {years: today - relativedelta(years=years) for years in set(RETENTION_YEARS_BY_ELIGIBLE.values())}


def _past_retention(cutoff):
    """Cases closed before their period's cutoff, one condition per value of ``eligible``."""
    return reduce(
        operator.or_,
        (
            (Q(eligible__isnull=True) if eligible is None else Q(eligible=eligible)) & Q(closed_on__lt=cutoff[years])
            for eligible, years in RETENTION_YEARS_BY_ELIGIBLE.items()
        ),
    )


def cases_due(*, today: date):
    """The referrals whose personal data must be purged on `today` (see the module docstring).

    Leaves out referrals under a legal hold, those already purged, and those with a pending
    data-subject request (``with_open_subject_request``).
    """
    due = (
        Referral.objects.filter(legal_hold=False, purged_at__isnull=True)
        .annotate(closed_on=closed_on_expression())
        .filter(_past_retention(cutoffs(today)))
        .exclude(pk__in=with_open_subject_request())
        .order_by("closed_on", "pk")
    )
    return due


def _ids(queryset):
    return list(queryset.values_list("pk", flat=True))


def _delete_files_after_commit(paths):
    def delete():
        for path in paths:
            try:
                delete_private_file(path)
            except (OSError, ValueError):
                # The row is gone already; leave the stray file to the administrators.
                logger.exception("Retention purge: could not delete a stored file")

    if paths:
        transaction.on_commit(delete)


def _forget_change_log(objects):
    """Delete the change-log entries (auditlog) of the given {model: [pk, ...]}; return the count."""
    deleted = 0
    for model, pks in objects.items():
        if not pks:
            continue
        content_type = ContentType.objects.get_for_model(model)
        deleted += LogEntry.objects.filter(content_type=content_type, object_pk__in=[str(pk) for pk in pks]).delete()[0]
    return deleted


# Where one case's rows are, per model, in purge order: (count name, model, lookup of the referral id).
# What happens to the rows (deleted, emptied, kept) and which fields are emptied is each model's
# ``personal_data`` declaration; this table only says where to find them.
CASE_ROWS = (
    ("identities", Identity, "referral_id"),
    ("research", Research, "referral_id"),
    ("consents", Consent, "referral_id"),
    ("feedbacks", Feedback, "referral_id"),
    ("form_drafts", FormDraft, "referral_id"),
    ("events", ReferralEvent, "referral_id"),
    ("documents", Document, "referral_id"),
    ("profiles", Profile, "referral_id"),
    ("profile_versions", ProfileVersion, "profile__referral_id"),
    ("profile_messages", ProfileMessage, "profile__referral_id"),
    ("offers", Offer, "share__profile__referral_id"),
    ("matches", Match, "profile__referral_id"),
    ("evaluations", Evaluation, "profile__referral_id"),
    ("signals", Signal, "profile__referral_id"),
    ("case_meetings", CaseMeeting, "profile__referral_id"),
    ("provider_changes", ProviderChange, "profile__referral_id"),
    ("handovers", Handover, "profile__referral_id"),
    # The chair's motivation and the MGR's return reason may describe the resident; amounts, dates
    # and the code stay for the money trail.
    ("claims", Claim, "profile__referral_id"),
    # Overleg decisions about this profile likewise; the meeting's own notes speak of codes only.
    ("agenda_items", AgendaItem, "profile__referral_id"),
    # The decisions on them and their corrections, and those on the case's exception request.
    ("agenda_decisions", Decision, "item__profile__referral_id"),
    ("exception_decisions", Decision, "item__exception_request__referral_id"),
    ("claim_documents", ClaimDocument, "claim__profile__referral_id"),
    # The chair's consultation outcome and a deviation's motivation are free text about the case.
    ("claim_consultations", ClaimConsultation, "claim__profile__referral_id"),
    ("claim_deviations", ClaimDeviation, "claim__profile__referral_id"),
)


def _purge_rows(queryset, *, logged, paths):
    """Delete or empty the rows as their model's declaration says; return the number of rows."""
    model = queryset.model
    spec = personal_data.declared(model)
    logged.setdefault(model, []).extend(_ids(queryset))
    if spec.on_purge is personal_data.OnPurge.DELETE:
        if issubclass(model, StoredFileFields):
            paths.extend(queryset.values_list("path", flat=True))
        # [1]: per model, as cascaded rows (the research's search-area links) go with it.
        return queryset.delete()[1].get(model._meta.label, 0)
    if spec.on_purge is personal_data.OnPurge.BLANK:
        return queryset.update(**personal_data.purge_values(model))
    return 0


def _purge_exception_requests(referral_id, counts, logged):
    """A request on an overleg's agenda stays as a row (the meeting's decision refers to it, PROTECT)
    but loses its declared personal data; the others are deleted."""
    requests = ExceptionRequest.objects.filter(referral_id=referral_id)
    logged[ExceptionRequest] = _ids(requests)
    counts["exception_requests"] = len(logged[ExceptionRequest])
    on_agenda = AgendaItem.objects.filter(exception_request__referral_id=referral_id).values("exception_request")
    requests.filter(pk__in=on_agenda).update(**personal_data.purge_values(ExceptionRequest))
    requests.exclude(pk__in=on_agenda).delete()


def purge_case(*, referral) -> Counter:
    """Purge one case's personal data in one transaction; return the counts (no content).

    Files are deleted only after the transaction commits, so a rollback never leaves rows
    pointing at deleted files. Returns empty counts if the case is (no longer) purgeable:
    already purged or under a legal hold.
    """
    counts = Counter()
    paths = []
    # Deletes and blanks below must not write new change-log entries holding the old values.
    with transaction.atomic(), disable_auditlog():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.purged_at is not None or referral.legal_hold:
            return counts
        referral_id = referral.pk
        logged = {Referral: [referral_id]}
        _purge_exception_requests(referral_id, counts, logged)
        for name, model, lookup in CASE_ROWS:
            counts[name] += _purge_rows(model.objects.filter(**{lookup: referral_id}), logged=logged, paths=paths)

        counts["change_log_entries"] = _forget_change_log(logged)
        Referral.objects.filter(pk=referral_id).update(**personal_data.purge_values(Referral), purged_at=timezone.now())
        # Nobody but the municipality keeps a grant on an erased case (the policy's ERASED stage). The
        # purge handles the case's rows itself (an agenda item the overleg refers to stays): grants only.
        sync_case_grants(referral_id, settle=False)
        counts["files"] = len(paths)
        _delete_files_after_commit(paths)
    counts["cases"] = 1
    return counts


def purge_due(*, today: date | None = None, dry_run: bool = False) -> dict:
    """Purge every case due on `today` (default: the local date); return the counts.

    Each case is purged in its own transaction, so one failing case (logged by id, counted as
    ``failed``) does not keep the others. With ``dry_run`` the same purge runs inside one
    transaction that is rolled back (the after-commit file deletions are dropped with it and
    no audit entry is written), so the counts are exactly what a real run would report, plus
    ``referral_ids``: the ids of the cases that would be purged (ids only, never names).

    A real run writes one access-log entry with the totals only. No user runs the purge, so
    ``log_access(user=None)`` records it with an empty username.
    """
    today = today or timezone.localdate()
    totals = Counter()
    if dry_run:
        with transaction.atomic():
            due = [str(pk) for pk in cases_due(today=today).values_list("pk", flat=True)]
            for referral_id in due:
                totals += purge_case(referral=Referral(pk=referral_id))
            transaction.set_rollback(True)
        return {"cases": 0, **totals, "referral_ids": due}

    for referral_id in cases_due(today=today).values_list("pk", flat=True):
        try:
            totals += purge_case(referral=Referral(pk=referral_id))
        except Exception:  # noqa: BLE001 - one broken case must not stop the nightly purge of the others
            logger.exception("Retention purge failed for referral %s", referral_id)
            totals["failed"] += 1
    result = {"cases": 0, **totals}
    rows = sum(
        count for name, count in result.items() if name not in ("cases", "files", "change_log_entries", "failed")
    )
    log_access(
        user=None,
        action=AccessAction.DELETE,
        object_type=AUDIT_OBJECT_TYPE,
        purpose=(
            f"Bewaartermijn verstreken: {result['cases']} zaken opgeschoond, {rows} rijen verwijderd of geleegd, "
            f"{result.get('files', 0)} bestanden, {result.get('change_log_entries', 0)} wijzigingslogregels, "
            f"{result.get('failed', 0)} mislukt"
        ),
    )
    return result
