"""The agreement's term as data (SOK Art. 10.3, 12): the dates, where they are shown, and the reminder.

The project has neither time-machine nor freezegun: the reminder task and the template tag take the
day as an argument, and the pages are read with ``timezone.localdate`` patched to a fixed day.
"""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from woonkans.notifications.models import OutboxMessage
from woonkans.parties.models import AgreementTerm, TermReminder
from woonkans.parties.tasks import REMIND_WEEKS_BEFORE, remind_non_renewal_date

pytestmark = pytest.mark.django_db
D = datetime.date
ANNOUNCE_BY = D(2027, 10, 14)


def test_the_real_dates_come_from_the_data_migration():
    term = AgreementTerm.objects.get()
    assert (term.starts_on, term.initial_years, term.renewal_years) == (D(2024, 4, 15), 4, 1)
    assert (term.non_renewal_notice_months, term.leaving_notice_months) == (6, 2)


@pytest.mark.parametrize(
    ("day", "number", "starts_on", "ends_on", "announce_by"),
    [
        (D(2024, 4, 15), 1, D(2024, 4, 15), D(2028, 4, 14), ANNOUNCE_BY),
        (D(2026, 12, 2), 1, D(2024, 4, 15), D(2028, 4, 14), ANNOUNCE_BY),
        (D(2028, 4, 14), 1, D(2024, 4, 15), D(2028, 4, 14), ANNOUNCE_BY),
        (D(2028, 4, 15), 2, D(2028, 4, 15), D(2029, 4, 14), D(2028, 10, 14)),
        (D(2031, 1, 1), 4, D(2030, 4, 15), D(2031, 4, 14), D(2030, 10, 14)),
    ],
)
def test_term_periods(day, number, starts_on, ends_on, announce_by):
    period = AgreementTerm.current().period_on(day)
    assert (period.number, period.starts_on, period.ends_on, period.announce_by) == (
        number,
        starts_on,
        ends_on,
        announce_by,
    )


def test_after_the_non_renewal_date_the_next_renewal_is_what_counts():
    term = AgreementTerm.current()
    assert term.next_decision(ANNOUNCE_BY).announce_by == ANNOUNCE_BY
    after = term.next_decision(ANNOUNCE_BY + datetime.timedelta(days=1))
    assert (after.number, after.ends_on, after.announce_by) == (2, D(2029, 4, 14), D(2028, 10, 14))
    assert term.leaving_on(D(2026, 12, 31)) == D(2027, 2, 28)  # two calendar months (Art. 10.3)


def test_changed_data_changes_every_date():
    AgreementTerm.objects.update(starts_on=D(2025, 1, 1), initial_years=2, non_renewal_notice_months=3)
    period = AgreementTerm.current().period_on(D(2025, 6, 1))
    assert (period.ends_on, period.announce_by) == (D(2026, 12, 31), D(2026, 9, 30))


def weeks_before(weeks, days=0):
    return ANNOUNCE_BY - datetime.timedelta(weeks=weeks, days=days)


def test_the_reminder_goes_eight_and_two_weeks_before_and_never_twice(people):
    assert REMIND_WEEKS_BEFORE == (8, 2)
    assert remind_non_renewal_date(today=weeks_before(8, days=1)) == 0
    assert not OutboxMessage.objects.exists()

    assert remind_non_renewal_date(today=weeks_before(8)) == 1
    assert remind_non_renewal_date(today=weeks_before(8)) == 0  # a rerun the same day
    assert remind_non_renewal_date(today=weeks_before(5)) == 0  # and the days after
    messages = list(OutboxMessage.objects.all())
    assert len(messages) == 2  # the werkgroep's and the treasurer's
    recipients = {user_id for message in messages for user_id in message.recipient_ids}
    assert recipients == {people["werkgroep_venlo"].pk, people["treasurer"].pk}
    assert {message.path for message in messages} == {
        reverse("monitoring:monitoring"),
        reverse("guarantee_fund:parties"),
    }
    for message in messages:
        assert "14-10-2027" in message.subject and "Art. 12.2" in message.intro and "Art. 10.3" in message.intro
        assert "14-04-2028" in message.intro

    assert remind_non_renewal_date(today=weeks_before(2)) == 1
    assert remind_non_renewal_date(today=ANNOUNCE_BY) == 0
    assert OutboxMessage.objects.count() == 4
    assert set(TermReminder.objects.values_list("announce_by", "weeks_before")) == {(ANNOUNCE_BY, 8), (ANNOUNCE_BY, 2)}


def test_a_late_start_sends_the_nearest_reminder_once(people):
    assert remind_non_renewal_date(today=weeks_before(1)) == 1
    assert OutboxMessage.objects.count() == 2
    assert remind_non_renewal_date(today=weeks_before(0)) == 0
    # The day after the date the next renewal's date is watched: nothing until eight weeks before it.
    assert remind_non_renewal_date(today=ANNOUNCE_BY + datetime.timedelta(days=1)) == 0
    assert remind_non_renewal_date(today=D(2028, 10, 14) - datetime.timedelta(weeks=8)) == 1


def render_tag(day):
    return Template("{% load agreement %}{% agreement_term today %}").render(Context({"today": day}))


def test_the_tag_shows_the_dates_and_warns_in_the_last_weeks():
    calm = render_tag(D(2026, 12, 2))
    assert "15-04-2024" in calm and "14-04-2028" in calm and "uiterlijk 14-10-2027" in calm
    assert "Art. 12.2" in calm and "Art. 10.3" in calm and "eerste termijn" in calm
    assert "utrecht-alert" not in calm
    soon = render_tag(weeks_before(3))
    assert "utrecht-alert" in soon and "Nog 21 dagen" in soon
    renewed = render_tag(D(2028, 12, 1))
    assert "verlenging 1" in renewed and "uiterlijk 14-10-2029" in renewed


@pytest.fixture
def on_day(monkeypatch):
    def freeze(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return freeze


def test_the_werkgroep_and_the_treasurer_see_the_term(client, signed_in, people, on_day):
    on_day(weeks_before(2))
    signed_in(people["werkgroep_venlo"])
    page = client.get(reverse("monitoring:monitoring")).content.decode()
    assert "Looptijd van de overeenkomst" in page and "Nog 14 dagen" in page
    client.logout()
    signed_in(people["treasurer"])
    for name in ("guarantee_fund:parties", "guarantee_fund:rounds"):
        page = client.get(reverse(name)).content.decode()
        assert "uiterlijk 14-10-2027" in page, name


def test_only_the_operator_changes_the_term_in_beheer(client, signed_in, people):
    term = AgreementTerm.objects.get()
    url = reverse("admin:parties_agreementterm_change", args=[term.pk])
    signed_in(people["treasurer"])
    assert client.get(url).status_code in (302, 403, 404)
    client.logout()
    signed_in(people["admin"])
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:parties_agreementterm_add")).status_code == 403  # one row only
