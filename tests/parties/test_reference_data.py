import pytest
from django.contrib.auth.models import Group

from woonkans.parties.models import DistributionKeyShare, HousingStock, Organisation, OrganisationKind, Region

pytestmark = pytest.mark.django_db

NOORD = {"Beesel", "Bergen", "Horst aan de Maas", "Peel en Maas", "Venlo", "Venray"}
MIDDEN = {"Echt-Susteren", "Leudal", "Maasgouw", "Nederweert", "Roerdalen", "Roermond", "Weert"}


def test_regions_with_their_annual_targets():
    targets = dict(Region.objects.values_list("name", "annual_housing_target"))
    assert targets == {"Noord-Limburg": 120, "Midden-Limburg": 100}


def test_thirteen_municipalities_in_their_regions():
    municipalities = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).select_related("region")
    by_region = {}
    for municipality in municipalities:
        by_region.setdefault(municipality.region.name, set()).add(municipality.name.removeprefix("Gemeente "))
    assert by_region == {"Noord-Limburg": NOORD, "Midden-Limburg": MIDDEN}


def test_parties_of_the_agreement():
    count = dict.fromkeys(OrganisationKind.values, 0)
    for kind in Organisation.objects.values_list("kind", flat=True):
        count[kind] += 1
    assert count == {
        "municipality": 13,
        "corporation": 8,
        "care_provider": 18,
        "mgr": 1,
        "chain_direction": 2,
        "operator": 1,
    }
    corporations = set(Organisation.objects.filter(kind="corporation").values_list("name", flat=True))
    assert corporations == {
        "Antares",
        "Destion",
        "Nester",
        "Wonen Limburg",
        "Wonen Zuid",
        "Woonik",
        "Woonwenz",
        "ZOwonen",
    }
    numbers = sorted(Organisation.objects.filter(kind="care_provider").values_list("sok_party_number", flat=True))
    assert numbers == list(range(22, 40))
    assert set(Organisation.objects.filter(kind="chain_direction").values_list("region__name", flat=True)) == {
        "Noord-Limburg",
        "Midden-Limburg",
    }


def test_demo_figures_are_marked_and_the_key_is_whole():
    assert HousingStock.objects.exists()
    assert not HousingStock.objects.filter(is_demo_figure=False).exists()
    assert sum(DistributionKeyShare.objects.values_list("basis_points", flat=True)) == 10000
    assert DistributionKeyShare.objects.count() == 13
    assert not DistributionKeyShare.objects.filter(is_demo_figure=False).exists()


def test_every_corporation_has_stock_somewhere():
    for corporation in Organisation.objects.filter(kind="corporation"):
        assert corporation.housing_stock.exists(), corporation.name


def test_each_organisation_has_its_own_group_kept_in_sync():
    for organisation in Organisation.objects.all():
        assert organisation.group.name == f"org:{organisation.slug}"
    new = Organisation.objects.create(name="Nieuwe Partner", slug="nieuwe-partner", kind="care_provider")
    assert Group.objects.filter(name="org:nieuwe-partner", organisation=new).exists()
    new.slug = "nieuwe-partner-bv"
    new.save()
    new.group.refresh_from_db()
    assert new.group.name == "org:nieuwe-partner-bv"
