import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from leadtimes.models import LeadTimeReminder, ReminderKind, Step
from leadtimes.tasks import remind_lead_times
from referrals import services as referral_services
from referrals.models import FeedbackKind
from woonkans.notifications.models import OutboxMessage

from .cases import SETUP, set_waited

pytestmark = pytest.mark.django_db


def messages_to(user):
    return [m for m in OutboxMessage.objects.order_by("pk") if user.pk in m.recipient_ids]


def lead_time_messages():
    return OutboxMessage.objects.filter(subject__contains="doorlooptijd")


def test_the_responsible_party_is_reminded_once_then_weekly(people):
    referral = SETUP[Step.SUBMITTED](people)
    set_waited(Step.SUBMITTED, referral, 11)
    today = timezone.localdate()
    before = lead_time_messages().count()

    remind_lead_times(today)
    sent = list(lead_time_messages()[before:])
    # Submitted without profile and feedback 1 not yet given: both are the regisseurs' to do.
    assert {m.path for m in sent} == {
        f"/aanmeldingen/{referral.pk}/",
        f"/aanmeldingen/{referral.pk}/terugkoppeling/",
    }
    for message in sent:
        assert people["noord"].pk in message.recipient_ids
        assert people["midden"].pk not in message.recipient_ids
        assert people["woonwenz"].pk not in message.recipient_ids
        # Link only: neither the case's reference nor the resident's name in the e-mail.
        text = message.subject + message.intro
        assert referral.short_reference not in text and "Jansen" not in text and str(referral.pk) not in text

    for day in range(0, 7):
        remind_lead_times(today + datetime.timedelta(days=day))
    assert lead_time_messages().count() == before + 2, "no second reminder within the week"

    remind_lead_times(today + datetime.timedelta(days=7))
    assert lead_time_messages().count() == before + 4, "a week later it waits still: reminded again"


def test_the_corporation_is_reminded_of_its_own_share(people):
    referral = SETUP[Step.SHARED](people)
    set_waited(Step.SHARED, referral, 11)
    remind_lead_times()
    (message,) = [m for m in lead_time_messages() if m.path.startswith("/matchingstabel/")]
    assert people["woonwenz"].pk in message.recipient_ids
    assert people["antares"].pk not in message.recipient_ids
    assert people["noord"].pk not in message.recipient_ids


def test_the_chair_is_told_once_at_twice_the_target(people):
    referral = SETUP[Step.MATCHED](people)
    # Feedback 3 given: only the missing lease date waits.
    referral_services.give_feedback(
        actor=people["noord"], referral=referral, kind=FeedbackKind.PLACEMENT, text="Woonwenz, per 1 februari."
    )
    set_waited(Step.MATCHED, referral, 39)
    remind_lead_times()
    assert not LeadTimeReminder.objects.filter(kind=ReminderKind.CHAIR, step=Step.MATCHED).exists()

    set_waited(Step.MATCHED, referral, 41)
    remind_lead_times()
    (_told,) = LeadTimeReminder.objects.filter(kind=ReminderKind.CHAIR, step=Step.MATCHED)
    chair_messages = lead_time_messages().filter(subject__contains="twee keer")
    (message,) = chair_messages
    assert people["noord"].pk in message.recipient_ids  # the ketenregisseur chairs the overleg
    assert people["proces_midden"].pk not in message.recipient_ids
    assert people["woonwenz"].pk not in message.recipient_ids
    assert message.path == f"/profielen/{referral.profile.pk}/"

    remind_lead_times(timezone.localdate() + datetime.timedelta(days=14))
    assert chair_messages.count() == 1, "the chair is told once"


def test_the_command_runs_the_same_reminders(people, capsys):
    referral = SETUP[Step.SUBMITTED](people)
    set_waited(Step.SUBMITTED, referral, 11)
    call_command("remind_lead_times")
    assert "2 herinneringen" in capsys.readouterr().out
    call_command("remind_lead_times")
    assert "0 herinneringen" in capsys.readouterr().out


def test_housed_without_evaluation_reminds_the_regisseurs_and_the_casusregisseur(people):
    referral = SETUP[Step.HOUSED](people)
    set_waited(Step.HOUSED, referral, 6)
    before = lead_time_messages().count()
    remind_lead_times()
    sent = list(lead_time_messages()[before:])
    to_consultant = [m for m in sent if people["venlo"].pk in m.recipient_ids]
    to_regisseur = [m for m in sent if people["noord"].pk in m.recipient_ids]
    assert [m.path for m in to_consultant] == [f"/aanmeldingen/{referral.pk}/"]
    assert f"/profielen/{referral.profile.pk}/" in [m.path for m in to_regisseur]
    assert not [m for m in sent if people["venray"].pk in m.recipient_ids]
    remind_lead_times()
    assert lead_time_messages().count() == before + len(sent)


def test_the_reminders_run_daily():
    from django.conf import settings

    from woonkans.celery import app

    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "leadtimes.tasks.remind_lead_times")
    assert entry["schedule"].hour == {7}
    assert "leadtimes.tasks.remind_lead_times" in app.tasks
