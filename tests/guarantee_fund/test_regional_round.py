"""A round bills the municipalities per municipality or as one regional payment, as the treasurer chooses
(Art. 7.3; council advice of 16 April 2024, argument 2.3); the payment requests follow the choice."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from guarantee_fund import services
from guarantee_fund.models import ContributionRound, LedgerEntry
from woonkans.parties.models import Organisation

from ..matching.conftest import org
from ..pdftext import pdf_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
URL = reverse("guarantee_fund:rounds")


def open_regional(client, payer="Gemeente Venlo"):
    return client.post(
        URL,
        {"ronde-kind": "initial", "ronde-municipal_billing": "regional", "ronde-regional_payer": org(payer).pk},
    )


def test_a_regional_round_has_one_request_for_the_municipalities(client, signed_in, people):
    signed_in(people["treasurer"])
    response = open_regional(client)
    round_ = ContributionRound.objects.get()
    assert response.status_code == 302 and round_.is_regional and round_.regional_payer == org("Gemeente Venlo")
    municipal = round_.contributions.filter(party__kind="municipality")
    assert municipal.count() == 13 and sum(c.amount_cents for c in municipal) == 5_000_000

    pdf = client.get(reverse("guarantee_fund:regional_payment_request", args=[round_.pk]))
    text = pdf_text(pdf.content)
    assert pdf.status_code == 200
    assert "regionale begroting BW, MO en B&P" in text and "€\u00a050.000,00" in text and "WK-R1-REGIO" in text
    assert "Gemeente Weert" in text and "€\u00a010.240,00" in text  # each municipality's key share, itemised
    # No municipality gets a request of its own; corporations and providers still do.
    roermond = municipal.get(party__name="Gemeente Roermond")
    assert client.get(reverse("guarantee_fund:payment_request", args=[round_.pk, roermond.pk])).status_code == 404
    woonwenz = round_.contributions.get(party__name="Woonwenz")
    assert client.get(reverse("guarantee_fund:payment_request", args=[round_.pk, woonwenz.pk])).status_code == 200

    page = client.get(reverse("guarantee_fund:round", args=[round_.pk])).content.decode()
    assert page.count("Via de regionale betaling") == 13
    assert page.count("/betaalverzoek.pdf") == 1 + round_.contributions.exclude(party__kind="municipality").count()


def test_the_regional_payment_is_booked_once_per_municipality_by_the_key(client, signed_in, people):
    round_ = services.open_round(
        actor=people["treasurer"], municipal_billing="regional", regional_payer=org("Gemeente Roermond")
    )
    roermond = round_.contributions.get(party__name="Gemeente Roermond")
    with pytest.raises(ValidationError, match="regionale betaling"):
        services.record_contribution_received(actor=people["treasurer"], contribution=roermond, received_on=TODAY)
    signed_in(people["treasurer"])
    url = reverse("guarantee_fund:regional_received", args=[round_.pk])
    response = client.post(url, {"received_on": TODAY.isoformat(), "reference": "NL-REGIO-7"}, follow=True)
    assert "De regionale betaling van €\u00a050.000,00 is geboekt" in response.content.decode()
    entries = LedgerEntry.objects.filter(reference="NL-REGIO-7")
    assert entries.count() == 13 and sum(e.amount_cents for e in entries) == 5_000_000
    assert not round_.contributions.filter(party__kind="municipality", received_on__isnull=True).exists()
    client.post(url, {"received_on": TODAY.isoformat(), "reference": "NL-REGIO-7"})  # a double click
    assert LedgerEntry.objects.count() == 13


def test_a_round_per_municipality_has_thirteen_requests_and_no_regional_one(client, signed_in, people):
    signed_in(people["treasurer"])
    client.post(URL, {"ronde-kind": "initial", "ronde-municipal_billing": "per_municipality"})
    round_ = ContributionRound.objects.get()
    assert not round_.is_regional and round_.regional_payer is None
    assert client.get(reverse("guarantee_fund:regional_payment_request", args=[round_.pk])).status_code == 404
    assert client.post(reverse("guarantee_fund:regional_received", args=[round_.pk])).status_code == 404
    venlo = round_.contributions.get(party__name="Gemeente Venlo")
    pdf = client.get(reverse("guarantee_fund:payment_request", args=[round_.pk, venlo.pk]))
    assert "€\u00a010.240,00" in pdf_text(pdf.content)
    assert (
        "Via de regionale betaling"
        not in client.get(reverse("guarantee_fund:round", args=[round_.pk])).content.decode()
    )


def test_a_regional_round_needs_its_payer(client, signed_in, people):
    signed_in(people["treasurer"])
    page = client.post(URL, {"ronde-kind": "top_up", "ronde-municipal_billing": "regional"}).content.decode()
    assert "Kies de gemeente die de regionale betaling doet." in page
    assert 'value="regional" id="id_ronde-municipal_billing_1" checked' in page or "checked" in page
    assert not ContributionRound.objects.exists()
    # A payer that does not take part is refused by the service too.
    gone = org("Gemeente Beesel")
    gone.left_on = TODAY
    gone.save()
    with pytest.raises(ValidationError, match="namens de regio"):
        services.open_round(actor=people["treasurer"], municipal_billing="regional", regional_payer=gone)
    assert not ContributionRound.objects.exists()


def test_a_top_up_opened_by_a_payout_bills_as_the_last_round(people):
    services.open_round(actor=people["treasurer"], municipal_billing="regional", regional_payer=org("Gemeente Venlo"))
    top_up = services.open_round(actor=None, kind="top_up")
    assert top_up.is_regional and top_up.regional_payer == org("Gemeente Venlo")


@pytest.mark.parametrize("outsider", ["venlo", "noord", "woonwenz", "werkgroep_venlo", "admin"])
def test_only_the_treasurer_opens_a_round(client, signed_in, people, outsider):
    with pytest.raises(PermissionDenied):
        services.open_round(actor=people[outsider])
    signed_in(people[outsider])
    assert client.post(URL, {"ronde-kind": "initial", "ronde-municipal_billing": "per_municipality"}).status_code == 404
    assert not ContributionRound.objects.exists()


def test_no_round_after_dissolution(people):
    services.dissolve_fund(actor=people["treasurer"], on_date=TODAY)
    with pytest.raises(ValidationError, match="opgeheven"):
        services.open_round(actor=people["treasurer"])
    with pytest.raises(ValidationError, match="opgeheven"):
        services.join_party(
            actor=people["treasurer"],
            party=Organisation.objects.create(name="Laat", slug="laat", kind="care_provider"),
            joined_on=TODAY,
        )


@pytest.mark.parametrize("rows", [5, 50])
def test_round_pages_do_not_grow_in_queries(client, signed_in, people, rows, django_assert_max_num_queries):
    for number in range(rows):
        newcomer = Organisation.objects.create(name=f"Zorg {number}", slug=f"zorg-{number}", kind="care_provider")
        services.join_party(actor=people["treasurer"], party=newcomer, joined_on=TODAY)
    round_ = services.open_round(
        actor=people["treasurer"], municipal_billing="regional", regional_payer=org("Gemeente Venlo")
    )
    signed_in(people["treasurer"])
    with django_assert_max_num_queries(14):
        page = client.get(URL).content.decode()
    assert f"Zorg {rows - 1}" in page and "Regionaal, via Gemeente Venlo" in page
    with django_assert_max_num_queries(14):
        assert client.get(reverse("guarantee_fund:round", args=[round_.pk])).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("guarantee_fund:parties")).status_code == 200
