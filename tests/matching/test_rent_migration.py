"""Matching migration 0003 adds the rent CHECK to a table that may hold offers of € 0 (made before the
rule): it must not fail on them, and what it leaves must pass the CHECK."""

import datetime
import importlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from matching import services
from matching.models import Offer

from .conftest import make_shared, org

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("matching.migrations.0003_offer_rent_in_range")


def _offer(people, profile, corporation, rent_cents):
    share = profile.shares.get(corporation=org(corporation))
    services.respond_to_profile(
        actor=people[corporation.lower()],
        share=share,
        response="offer",
        offer={
            "dwelling_address": "Maasstraat 3, Venlo",
            "dwelling_type": "Appartement",
            "rent_cents": rent_cents,
            "available_from": datetime.date.today() + datetime.timedelta(days=30),
        },
    )
    return share.offers.get()


@pytest.mark.postgres_only
def test_offers_of_no_rent_from_before_the_rule_do_not_stop_the_migration(people):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    zero = _offer(people, profile, "Woonwenz", 61_250)
    fine = _offer(people, profile, "Antares", 61_250)
    constraint = Offer._meta.constraints[0]
    with connection.cursor() as cursor:  # PostgreSQL alters no table with deferred checks still pending
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        editor.remove_constraint(Offer, constraint)  # the table as it was before 0003
    Offer.objects.filter(pk=zero.pk).update(rent_cents=0)

    with pytest.raises(IntegrityError), transaction.atomic():  # the reported failure: the CHECK alone
        with connection.schema_editor() as editor:
            editor.add_constraint(Offer, constraint)

    apps = MigrationLoader(connection).project_state(("matching", "0002_alter_profile_contract_form")).apps
    MIGRATION.forget_impossible_rents(apps, None)
    with connection.schema_editor() as editor:
        editor.add_constraint(Offer, constraint)

    assert dict(Offer.objects.values_list("pk", "rent_cents")) == {zero.pk: None, fine.pk: 61_250}
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=fine.pk).update(rent_cents=0)  # the rule holds for every change
