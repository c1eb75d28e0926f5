"""The treasurer records notice, joining (Art. 9, 10) and dissolution (Art. 10.5) in the portal."""

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from guarantee_fund import services
from guarantee_fund.models import EntryKind, Fund, LedgerEntry
from woonkans.audit.models import AccessLog
from woonkans.parties.models import Organisation

from ..confirming import asks, post_confirmed
from ..matching.conftest import org

pytestmark = pytest.mark.django_db
URL = reverse("guarantee_fund:parties")


def test_notice_and_joining_are_recorded_with_their_dates_and_logged(client, signed_in, people):
    signed_in(people["treasurer"])
    venray = org("Gemeente Venray")
    today = timezone.localdate()
    response = client.post(
        URL, {"action": "opzeggen", "opzeggen-party": venray.pk, "opzeggen-on_date": today.isoformat()}, follow=True
    )
    venray.refresh_from_db()
    assert venray.notice_given_on == today and venray.left_on == today + relativedelta(months=2)
    assert AccessLog.objects.filter(username=people["treasurer"].username, object_id=str(venray.pk)).exists()
    page = response.content.decode()
    leaving = venray.left_on.strftime("%d-%m-%Y")
    assert f"treedt uit per {leaving}" in page and "Art. 10.3" in page
    assert "opzegtermijn van 2 kalendermaanden, Art. 10.3" in page and "Art. 10.3, 12.2" not in page

    # A second notice is refused next to the form, the chosen party kept.
    page = client.post(
        URL, {"action": "opzeggen", "opzeggen-party": venray.pk, "opzeggen-on_date": today.isoformat()}
    ).content.decode()
    assert "al opgezegd" in page and f'value="{venray.pk}" selected' in page

    # Until it has left, Venray still takes part: joining again is refused.
    page = client.post(
        URL, {"action": "toetreden", "toetreden-party": venray.pk, "toetreden-on_date": today.isoformat()}
    ).content.decode()
    assert "neemt op" in page and "al deel" in page
    venray.refresh_from_db()
    assert venray.left_on is not None

    # After its leaving date it may join again, and is billed on joining.
    after = venray.left_on
    response = client.post(
        URL,
        {"action": "toetreden", "toetreden-party": venray.pk, "toetreden-on_date": after.isoformat()},
        follow=True,
    )
    venray.refresh_from_db()
    assert venray.joined_on == after and venray.left_on is None and venray.notice_given_on is None
    assert "Het betaalverzoek van €\u00a0" in response.content.decode()


def test_the_mgr_and_the_werkgroep_cannot_take_part(people):
    mgr = Organisation.objects.get(kind="mgr")
    with pytest.raises(Exception, match="neemt geen deel"):
        services.give_notice(actor=people["treasurer"], party=mgr, notice_on=timezone.localdate())


def test_dissolution_needs_the_confirmation_and_happens_once(client, signed_in, people):
    round_ = services.open_round(actor=people["treasurer"])
    for contribution in round_.contributions.all():
        services.record_contribution_received(
            actor=people["treasurer"], contribution=contribution, received_on=timezone.localdate()
        )
    balance = Fund.get().balance_cents
    signed_in(people["treasurer"])
    today = timezone.localdate().isoformat()
    page = client.post(URL, {"action": "opheffen", "opheffen-on_date": today}).content.decode()
    assert "Dit veld is verplicht." in page and f'value="{today}"' in page
    assert Fund.get().dissolved_at is None

    data = {"action": "opheffen", "opheffen-on_date": today, "opheffen-confirm": "on"}
    assert asks(client.post(URL, data)) and Fund.get().dissolved_at is None  # woonkans/confirm.py first
    response = post_confirmed(client, URL, data)
    assert response.status_code == 302
    assert Fund.get().dissolved_at is not None and Fund.get().balance_cents == 0
    distributed = LedgerEntry.objects.filter(kind=EntryKind.DISTRIBUTION)
    assert -sum(distributed.values_list("amount_cents", flat=True)) == balance
    with pytest.raises(Exception, match="al opgeheven"):
        services.dissolve_fund(actor=people["treasurer"], on_date=timezone.localdate())
    assert "Fonds opheffen" not in client.get(URL).content.decode()


@pytest.mark.parametrize("outsider", ["venlo", "noord", "woonwenz", "moveoo", "werkgroep_venlo", "admin"])
def test_only_the_treasurer_opens_the_page(client, signed_in, people, outsider):
    signed_in(people[outsider])
    assert client.get(URL).status_code == 404
    venray = org("Gemeente Venray")
    response = client.post(URL, {"action": "opzeggen", "opzeggen-party": venray.pk, "opzeggen-on_date": "2026-12-01"})
    assert response.status_code == 404
    venray.refresh_from_db()
    assert venray.left_on is None


def test_the_page_takes_a_fixed_number_of_queries(client, signed_in, people, django_assert_max_num_queries):
    signed_in(people["treasurer"])
    # One query for the parties and one for what they paid in, whatever their number; one for the
    # agreement's term; the rest is session, user and fund.
    with django_assert_max_num_queries(16):
        assert client.get(URL).status_code == 200
