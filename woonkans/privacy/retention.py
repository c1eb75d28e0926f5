"""The retention purge of DPIA §10: personal data of closed cases goes after 5 or 15 years.

When is a case closed?
    Either the referral ended (status withdrawn, consent_withdrawn or closed; the day of
    ``Referral.closed_at``) or the case's profile ended (status ended_positive, ended_negative
    or stopped; ``Profile.ended_on``). If both apply, the later day counts. The closing day is
    computed in the database (``closed_on`` annotation), never in a Python loop over all cases.

How long is it kept?
    N calendar years after the closing day: N = 15 when the resident was eligible
    (``Referral.eligible is True``), otherwise 5 (not eligible, or never judged), as
    ``Referral.retention_years``. The years are calendar years (dateutil.relativedelta), so a
    case closed on 10 March 2020 with N = 5 is kept up to and including its anniversary,
    10 March 2025, and is due from 11 March 2025. In code: due when
    ``closed_on < today - relativedelta(years=N)``. (A case closed on 29 February reaches its
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
    entries of all those objects, which hold copies of the same data.
"""

import logging
from collections import Counter
from datetime import date

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, DateField, F, Q, When
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from guarantee_fund.models import Claim, ClaimDocument
from matching.models import (
    AgendaItem,
    CaseMeeting,
    Evaluation,
    Match,
    Offer,
    Profile,
    ProfileMessage,
    ProfileStatus,
    ProfileVersion,
    Signal,
)
from matching.models.profile import SECTION_FIELDS
from referrals.models import (
    ELIGIBLE_RETENTION_YEARS,
    NOT_ELIGIBLE_RETENTION_YEARS,
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

from .disclosure import sync_case_grants
from .files import delete_private_file

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
    return {
        years: today - relativedelta(years=years) for years in (ELIGIBLE_RETENTION_YEARS, NOT_ELIGIBLE_RETENTION_YEARS)
    }


def cases_due(*, today: date):
    """The referrals whose personal data must be purged on `today` (see the module docstring).

    Leaves out referrals under a legal hold, those already purged, and those with a pending
    data-subject request (``with_open_subject_request``).
    """
    cutoff = cutoffs(today)
    not_eligible = Q(eligible=False) | Q(eligible__isnull=True)
    due = (
        Referral.objects.filter(legal_hold=False, purged_at__isnull=True)
        .annotate(closed_on=closed_on_expression())
        .filter(
            Q(eligible=True, closed_on__lt=cutoff[ELIGIBLE_RETENTION_YEARS])
            | (not_eligible & Q(closed_on__lt=cutoff[NOT_ELIGIBLE_RETENTION_YEARS]))
        )
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


def _purge_profile(profile, counts, logged, paths):
    profile_id = profile.pk
    logged[Profile] = [profile_id]
    Profile.objects.filter(pk=profile_id).update(**dict.fromkeys(SECTION_FIELDS, ""), pii_overrides=[])
    counts["profiles"] += 1
    counts["profile_versions"] += ProfileVersion.objects.filter(profile_id=profile_id).delete()[0]

    messages = ProfileMessage.objects.filter(profile_id=profile_id)
    logged[ProfileMessage] = _ids(messages)
    counts["profile_messages"] += messages.delete()[0]

    offers = Offer.objects.filter(share__profile_id=profile_id)
    logged[Offer] = _ids(offers)
    counts["offers"] += offers.update(dwelling_address="")

    matches = Match.objects.filter(profile_id=profile_id)
    logged[Match] = _ids(matches)
    counts["matches"] += matches.update(dwelling_address="", end_evaluation="")

    evaluations = Evaluation.objects.filter(profile_id=profile_id)
    logged[Evaluation] = _ids(evaluations)
    counts["evaluations"] += evaluations.update(notes="")

    signals = Signal.objects.filter(profile_id=profile_id)
    logged[Signal] = _ids(signals)
    counts["signals"] += signals.update(text="")

    case_meetings = CaseMeeting.objects.filter(profile_id=profile_id)
    logged[CaseMeeting] = _ids(case_meetings)
    counts["case_meetings"] += case_meetings.update(outcome="", report_back="")

    claims = Claim.objects.filter(profile_id=profile_id)
    logged[Claim] = _ids(claims)
    # The chair's motivation and the MGR's return reason may describe the resident; amounts,
    # dates and the code stay for the money trail.
    counts["claims"] += claims.update(evaluation="", decision_motivation="", return_reason="")
    # Overleg decisions about this profile (or its claim) likewise; the meeting's own notes speak
    # of codes only and stay with the meeting.
    agenda_items = AgendaItem.objects.filter(profile_id=profile_id)
    logged[AgendaItem] = _ids(agenda_items)
    counts["agenda_items"] += agenda_items.update(decision="")
    claim_documents = ClaimDocument.objects.filter(claim__profile_id=profile_id)
    logged[ClaimDocument] = _ids(claim_documents)
    paths.extend(claim_documents.values_list("path", flat=True))
    counts["claim_documents"] += claim_documents.delete()[0]


def purge_case(*, referral) -> Counter:
    """Purge one case's personal data in one transaction; return the counts (no content).

    Files are deleted only after the transaction commits, so a rollback never leaves rows
    pointing at deleted files. Returns empty counts if the case is (no longer) purgeable:
    already purged or under a legal hold.
    """
    counts = Counter()
    paths = []
    with transaction.atomic(), disable_auditlog():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.purged_at is not None or referral.legal_hold:
            return counts
        referral_id = referral.pk
        # Deletes and blanks below must not write new change-log entries holding the old values.
        logged = {Referral: [referral_id], Identity: [referral_id], Research: [referral_id], Consent: [referral_id]}

        counts["identities"] = Identity.objects.filter(referral_id=referral_id).delete()[0]
        # [1]: per model, as the research's search-area links go with it.
        counts["research"] = Research.objects.filter(referral_id=referral_id).delete()[1].get(Research._meta.label, 0)
        counts["consents"] = Consent.objects.filter(referral_id=referral_id).delete()[0]
        feedbacks = Feedback.objects.filter(referral_id=referral_id)
        logged[Feedback] = _ids(feedbacks)
        counts["feedbacks"] = feedbacks.delete()[0]
        counts["form_drafts"] = FormDraft.objects.filter(referral_id=referral_id).delete()[0]
        counts["events"] = ReferralEvent.objects.filter(referral_id=referral_id).delete()[0]

        # An exception request on an overleg's agenda stays as a row (the meeting's decision
        # refers to it, PROTECT) but loses its motivation; the others are deleted.
        requests = ExceptionRequest.objects.filter(referral_id=referral_id)
        logged[ExceptionRequest] = _ids(requests)
        on_agenda = AgendaItem.objects.filter(exception_request__referral_id=referral_id).values("exception_request")
        requests.filter(pk__in=on_agenda).update(motivation="", failed_conditions=[])
        counts["exception_requests"] = requests.count()
        requests.exclude(pk__in=on_agenda).delete()

        documents = Document.objects.filter(referral_id=referral_id)
        logged[Document] = _ids(documents)
        paths.extend(documents.values_list("path", flat=True))
        counts["documents"] = documents.delete()[0]

        profile = Profile.objects.filter(referral_id=referral_id).first()
        if profile is not None:
            _purge_profile(profile, counts, logged, paths)

        counts["change_log_entries"] = _forget_change_log(logged)
        Referral.objects.filter(pk=referral_id).update(closed_reason="", purged_at=timezone.now())
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
