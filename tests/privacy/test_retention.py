"""The retention purge (DPIA §10): who is due when, what goes, what stays, and that it leaves no copies."""

import datetime
import os

import pytest
from auditlog.models import LogEntry
from dateutil.relativedelta import relativedelta
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone

from guarantee_fund import services as fund_services
from guarantee_fund.models import Claim, ClaimDocument
from matching import services as matching_services
from matching.models import AgendaItem, CaseMeeting, Evaluation, Match, Profile, ProfileMessage, ProfileVersion, Signal
from matching.models.profile import SECTION_FIELDS
from monitoring import figures
from monitoring.models import CaseFact
from referrals.models import Consent, Document, Feedback, Identity, Referral, ReferralEvent, Research
from subject_rights.models import SubjectRequest
from subject_rights.services import register_request
from woonkans.accounts.roles import Role
from woonkans.audit.models import AccessLog
from woonkans.privacy.retention import cases_due, purge_case, purge_due

from ..guarantee_fund.conftest import ended_negatively
from ..matching.conftest import org
from ..referrals.conftest import PDF, VALID_BSN, make_submitted

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2031, 3, 10)


def at_noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def close_referral(referral, day, *, eligible, status="withdrawn"):
    Referral.objects.filter(pk=referral.pk).update(status=status, closed_at=at_noon(day), eligible=eligible)


def end_profile(profile, day, *, status="ended_positive"):
    Profile.objects.filter(pk=profile.pk).update(status=status, ended_on=day)


def due_ids(today=TODAY):
    return set(cases_due(today=today).values_list("pk", flat=True))


def stored(path):
    return os.path.exists(os.path.join(django_settings.PRIVATE_MEDIA_ROOT, path))


@pytest.fixture
def closed_case(people, django_capture_on_commit_callbacks):
    """A submitted referral (identity, research, consent, three uploaded documents), withdrawn 6 years ago."""
    with django_capture_on_commit_callbacks(execute=True):  # with its monitoring fact (woonkans.events)
        referral = make_submitted(people["venlo"])
    close_referral(referral, TODAY - relativedelta(years=6), eligible=False)
    return Referral.objects.get(pk=referral.pk)


# --- who is due --------------------------------------------------------------------------


@pytest.mark.parametrize(("eligible", "years"), [(False, 5), (True, 15), (None, 5)])
def test_a_case_is_kept_through_the_anniversary_and_due_the_day_after(people, eligible, years):
    referral = make_submitted(people["venlo"])
    anniversary_of_closing = TODAY - relativedelta(years=years)  # closed exactly `years` years ago

    close_referral(referral, anniversary_of_closing + datetime.timedelta(days=1), eligible=eligible)
    assert referral.pk not in due_ids()  # a day short of the period
    close_referral(referral, anniversary_of_closing, eligible=eligible)
    assert referral.pk not in due_ids()  # the last day of the period
    close_referral(referral, anniversary_of_closing - datetime.timedelta(days=1), eligible=eligible)
    assert referral.pk in due_ids()  # a day past it
    # The purge and the case's own period (shown to the resident in the AVG export) are one rule.
    assert Referral.objects.get(pk=referral.pk).retention_years == years


def test_an_eligible_case_is_not_due_after_five_years(people):
    referral = make_submitted(people["venlo"])
    close_referral(referral, TODAY - relativedelta(years=10), eligible=True)
    assert referral.pk not in due_ids()
    assert Referral.objects.get(pk=referral.pk).retention_years == 15


def test_an_ended_profile_closes_the_case_on_its_end_date(people):
    profile = ended_negatively(people)
    referral_id = profile.referral_id
    # The referral says how the trajectory ended; it is not closed as a referral (no closed_at).
    assert Referral.objects.get(pk=referral_id).status == "ended_negative"
    assert Referral.objects.get(pk=referral_id).closed_at is None
    Referral.objects.filter(pk=referral_id).update(eligible=True)

    end_profile(profile, TODAY - relativedelta(years=15), status="ended_negative")
    assert referral_id not in due_ids()
    end_profile(profile, TODAY - relativedelta(years=15, days=1), status="ended_negative")
    assert referral_id in due_ids()

    # A running trajectory (housed) with an old date is not closed.
    Profile.objects.filter(pk=profile.pk).update(status="housed")
    assert referral_id not in due_ids()


def test_the_later_of_referral_closing_and_profile_end_counts(people):
    profile = ended_negatively(people)
    close_referral(profile.referral, TODAY - relativedelta(years=20), eligible=False, status="closed")
    end_profile(profile, TODAY - relativedelta(years=2), status="stopped")
    assert profile.referral_id not in due_ids()


def test_open_cases_held_cases_and_purged_cases_are_not_due(people, closed_case, make_user):
    open_case = make_submitted(people["venlo"])
    Referral.objects.filter(pk=open_case.pk).update(closed_at=at_noon(TODAY - relativedelta(years=30)))
    assert due_ids() == {closed_case.pk}  # status still submitted: not closed, whatever the date

    Referral.objects.filter(pk=closed_case.pk).update(legal_hold=True)
    assert due_ids() == set()
    assert purge_due(today=TODAY)["cases"] == 0
    assert Identity.objects.filter(referral=closed_case).exists()
    assert purge_case(referral=closed_case)["cases"] == 0  # also when called directly

    Referral.objects.filter(pk=closed_case.pk).update(legal_hold=False)
    officer = make_user(Role.PRIVACY_OFFICER, "Gemeente Venlo")
    request = register_request(
        actor=officer,
        referral=closed_case,
        kind="access",
        received_on=timezone.localdate(),
        request_text="Wat hebben jullie?",
    )
    assert due_ids() == set()  # a pending data-subject request keeps the data
    SubjectRequest.objects.filter(pk=request.pk).update(status="granted")
    assert due_ids() == {closed_case.pk}

    Referral.objects.filter(pk=closed_case.pk).update(purged_at=timezone.now())
    assert due_ids() == set()


# --- what the purge does ------------------------------------------------------------------


def test_purge_removes_the_personal_data_and_the_files(closed_case, django_capture_on_commit_callbacks):
    paths = list(Document.objects.filter(referral=closed_case).values_list("path", flat=True))
    assert len(paths) == 3 and all(stored(path) for path in paths)
    fact_id = closed_case.fact_id

    with django_capture_on_commit_callbacks(execute=True):
        counts = purge_due(today=TODAY)

    assert counts["cases"] == 1 and counts["identities"] == 1 and counts["research"] == 1
    assert counts["documents"] == 3 and counts["files"] == 3 and counts["consents"] == 1
    assert not Identity.objects.filter(referral=closed_case).exists()
    assert not Research.objects.filter(referral=closed_case).exists()
    assert not Consent.objects.filter(referral=closed_case).exists()
    assert not Document.objects.filter(referral=closed_case).exists()
    assert not ReferralEvent.objects.filter(referral=closed_case).exists()
    assert not any(stored(path) for path in paths)
    # The row stays, marked, with its dates and its anonymous fact.
    referral = Referral.objects.get(pk=closed_case.pk)
    assert referral.purged_at is not None and referral.status == "withdrawn"
    assert referral.closed_at == closed_case.closed_at and referral.fact_id == fact_id
    assert referral.closed_reason == ""


def test_files_are_deleted_only_after_commit(closed_case, django_capture_on_commit_callbacks):
    paths = list(Document.objects.filter(referral=closed_case).values_list("path", flat=True))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        purge_due(today=TODAY)
    assert all(stored(path) for path in paths)  # not yet: the transaction could still roll back
    assert len(callbacks) == 1
    callbacks[0]()
    assert not any(stored(path) for path in paths)


def test_a_file_that_is_already_gone_does_not_stop_the_purge(closed_case, django_capture_on_commit_callbacks):
    paths = list(Document.objects.filter(referral=closed_case).values_list("path", flat=True))
    os.remove(os.path.join(django_settings.PRIVATE_MEDIA_ROOT, paths[0]))

    with django_capture_on_commit_callbacks(execute=True):
        counts = purge_due(today=TODAY)

    assert counts["cases"] == 1 and counts.get("failed", 0) == 0
    assert not Document.objects.filter(referral=closed_case).exists()
    assert not any(stored(path) for path in paths)


def test_purging_twice_purges_nothing_the_second_time(closed_case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = purge_due(today=TODAY)
        second = purge_due(today=TODAY)
    assert first["cases"] == 1
    assert second == {"cases": 0}
    assert purge_case(referral=closed_case)["cases"] == 0


def test_a_dry_run_changes_nothing_and_reports_the_same_counts(closed_case, django_capture_on_commit_callbacks):
    paths = list(Document.objects.filter(referral=closed_case).values_list("path", flat=True))
    log_entries, access_entries = LogEntry.objects.count(), AccessLog.objects.count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dry = purge_due(today=TODAY, dry_run=True)

    assert callbacks == []
    assert dry["referral_ids"] == [str(closed_case.pk)]
    assert Identity.objects.filter(referral=closed_case).exists()
    assert Document.objects.filter(referral=closed_case).count() == 3
    assert all(stored(path) for path in paths)
    assert Referral.objects.get(pk=closed_case.pk).purged_at is None
    assert (LogEntry.objects.count(), AccessLog.objects.count()) == (log_entries, access_entries)

    with django_capture_on_commit_callbacks(execute=True):
        real = purge_due(today=TODAY)
    assert real == {key: value for key, value in dry.items() if key != "referral_ids"}


def test_a_whole_trajectory_is_purged_and_the_code_stays(people, django_capture_on_commit_callbacks):
    profile = ended_negatively(people)
    corporation, regisseur = people["woonwenz"], people["noord"]
    matching_services.record_evaluation(actor=regisseur, profile=profile, held_on=TODAY, notes="Jan gaat goed.")
    meeting = matching_services.raise_signal(
        actor=corporation,
        profile=profile,
        kind="situation_changed",
        text="Jan Jansen heeft schulden.",
        about=org("Moveoo"),
    )
    CaseMeeting.objects.filter(pk=meeting.pk).update(outcome="Besproken met Jan.", report_back="Jan krijgt hulp.")
    # Written while the profile was still shared (the thread closes when the trajectory ends).
    ProfileMessage.objects.create(
        profile=profile, corporation=org("Woonwenz"), author=regisseur, text="Jan zoekt een tweekamerwoning."
    )
    claim = fund_services.create_claim(
        actor=corporation,
        profile=profile,
        termination_date=TODAY,
        termination_kind="evicted",
        evaluation="Jan Jansen is ontruimd.",
        deposit_cents=50_000,
    )
    claim_document = fund_services.add_claim_document(
        actor=corporation,
        claim=claim,
        description="Factuur",
        uploaded_file=SimpleUploadedFile("factuur-jansen.pdf", PDF, content_type="application/pdf"),
    )
    Feedback.objects.create(referral=profile.referral, kind=1, text="Jan heeft een bewindvoerder.", author=regisseur)
    Claim.objects.filter(pk=claim.pk).update(
        decision_motivation="Jan had geen schuld.", return_reason="Factuur van Jan ontbreekt."
    )
    overleg = matching_services.create_meeting(actor=regisseur, region=profile.region, date=TODAY)
    item = matching_services.add_agenda_item(
        actor=regisseur, meeting=overleg, kind="profile", title=profile.code, profile=profile
    )
    AgendaItem.objects.filter(pk=item.pk).update(decision="Jan krijgt een tweede kans.")
    code = profile.code
    end_profile(profile, TODAY - relativedelta(years=5, days=1), status="ended_negative")
    Referral.objects.filter(pk=profile.referral_id).update(eligible=False)

    with django_capture_on_commit_callbacks(execute=True):
        counts = purge_due(today=TODAY)

    assert counts["cases"] == 1 and counts["claim_documents"] == 1 and counts["files"] == 4
    purged = Profile.objects.get(pk=profile.pk)
    assert purged.code == code and purged.status == "ended_negative"
    assert all(getattr(purged, field) == "" for field in SECTION_FIELDS) and purged.pii_overrides == []
    assert not ProfileVersion.objects.filter(profile=profile).exists()
    assert not ProfileMessage.objects.filter(profile=profile).exists()
    assert not Feedback.objects.filter(referral_id=profile.referral_id).exists()
    assert Match.objects.get(profile=profile).dwelling_address == ""
    assert Match.objects.get(profile=profile).end_evaluation == ""
    assert set(Evaluation.objects.filter(profile=profile).values_list("notes", flat=True)) == {""}
    assert set(Signal.objects.filter(profile=profile).values_list("text", flat=True)) == {""}
    assert CaseMeeting.objects.filter(profile=profile, outcome="", report_back="").count() == 1
    kept_claim = Claim.objects.get(pk=claim.pk)
    assert kept_claim.code == code and kept_claim.evaluation == "" and kept_claim.lines.count() == 0
    assert kept_claim.decision_motivation == "" and kept_claim.return_reason == ""
    assert AgendaItem.objects.get(pk=item.pk).decision == "" and AgendaItem.objects.get(pk=item.pk).title == code
    assert not ClaimDocument.objects.filter(pk=claim_document.pk).exists()
    assert not stored(claim_document.path)
    # No change-log entry anywhere still holds a copy of the case's text.
    copies = ["Jansen", "Maasstraat", "tweekamerwoning", "Jan gaat goed", "Besproken met Jan", "factuur-jansen"]
    logged = " ".join(f"{entry.changes} {entry.object_repr}" for entry in LogEntry.objects.all())
    assert not [text for text in copies if text in logged]


# --- what must survive, and what is logged ------------------------------------------------


def test_monitoring_facts_and_figures_are_unchanged(people, closed_case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the facts follow the route after each commit
        profile = ended_negatively(people)
    end_profile(profile, TODAY - relativedelta(years=6), status="ended_negative")
    Referral.objects.filter(pk=profile.referral_id).update(eligible=False)
    period = (datetime.date(2000, 1, 1), datetime.date(2100, 12, 31))
    facts_before = [model_to_dict(fact) for fact in CaseFact.objects.order_by("pk")]
    totals_before = figures.totals(*period)
    assert len(facts_before) == 2 and totals_before["reports"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_due(today=TODAY)["cases"] == 2

    assert [model_to_dict(fact) for fact in CaseFact.objects.order_by("pk")] == facts_before
    assert figures.totals(*period) == totals_before


def test_the_audit_entry_has_counts_and_no_personal_data(closed_case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        purge_due(today=TODAY)

    entry = AccessLog.objects.get(object_type="privacy.retention")
    assert entry.action == "delete" and entry.user is None
    assert "1 zaken opgeschoond" in entry.purpose and "3 bestanden" in entry.purpose
    text = " ".join(str(value) for value in model_to_dict(entry).values())
    for personal in ("Jan", "Jansen", VALID_BSN, "Kerkstraat", str(closed_case.pk)):
        assert personal not in text


def test_the_change_log_of_the_identity_is_gone(closed_case, django_capture_on_commit_callbacks):
    identity_type = ContentType.objects.get_for_model(Identity)
    assert LogEntry.objects.filter(content_type=identity_type, object_pk=str(closed_case.pk)).exists()
    assert any("Jansen" in str(entry.changes) for entry in LogEntry.objects.all())

    with django_capture_on_commit_callbacks(execute=True):
        counts = purge_due(today=TODAY)

    assert counts["change_log_entries"] > 0
    assert not LogEntry.objects.filter(content_type=identity_type, object_pk=str(closed_case.pk)).exists()
    assert not any("Jansen" in str(entry.changes) + entry.object_repr for entry in LogEntry.objects.all())


# --- how it runs ---------------------------------------------------------------------------


def test_the_purge_is_scheduled_nightly(settings):
    jobs = [job for job in settings.CELERY_BEAT_SCHEDULE.values() if job["task"] == retention_task_name()]
    assert len(jobs) == 1
    assert jobs[0]["schedule"].hour == {2} and jobs[0]["schedule"].minute == {0}


def retention_task_name():
    from woonkans.privacy.tasks import purge_personal_data

    return purge_personal_data.name


def test_the_command_dry_run_prints_counts_and_ids_only(closed_case, capsys):
    Referral.objects.filter(pk=closed_case.pk).update(closed_at=timezone.now() - relativedelta(years=6))
    call_command("purge_personal_data", "--dry-run")
    out = capsys.readouterr().out
    assert "cases: 1" in out and str(closed_case.pk) in out and "Jansen" not in out
    assert Identity.objects.filter(referral=closed_case).exists()


def test_an_exception_request_on_an_agenda_loses_its_motivation_and_the_others_go(
    people, closed_case, django_capture_on_commit_callbacks
):
    from matching.models import AgendaItem, Meeting
    from referrals.models import ExceptionRequest

    regisseur = people["noord"]
    on_agenda, loose = (
        ExceptionRequest.objects.create(
            referral=closed_case, region=closed_case.region, motivation=text, requested_by=people["venlo"]
        )
        for text in ("Jan Jansen woont op straat.", "Jan Jansen heeft schulden.")
    )
    meeting = Meeting.objects.create(region=closed_case.region, date=TODAY, chair=regisseur)
    item = AgendaItem.objects.create(
        meeting=meeting, kind="exception", title="Uitzonderingsverzoek", exception_request=on_agenda
    )

    with django_capture_on_commit_callbacks(execute=True):
        counts = purge_due(today=TODAY)

    assert counts["exception_requests"] == 2
    assert list(ExceptionRequest.objects.filter(referral=closed_case).values_list("pk", "motivation")) == [
        (on_agenda.pk, "")
    ]
    assert not ExceptionRequest.objects.filter(pk=loose.pk).exists()
    assert AgendaItem.objects.filter(pk=item.pk, exception_request=on_agenda).exists()
