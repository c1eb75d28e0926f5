"""The signed-in user as every request reads it (accounts.backends.PortalModelBackend.get_user).

On PostgreSQL the row is read with one prepared statement instead of building the ORM query on every
request; these tests hold it equal to the ORM's reading, field by field, for every kind of user.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory, organisation
from woonkans.accounts.backends import PortalModelBackend
from woonkans.accounts.models import User
from woonkans.accounts.roles import Role

pytestmark = pytest.mark.django_db


def fields(instance):
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def orm_reading(user_id):
    return User.objects.select_related("organisation__region").get(pk=user_id)


@pytest.mark.parametrize(
    ("organisation_name", "roles"),
    [
        ("Ketenregie Noord-Limburg", [Role.KETENREGISSEUR, Role.PROCESREGISSEUR]),  # organisation with a region
        ("MGR sociaal domein Limburg-Noord", [Role.TREASURER]),  # organisation without a region
        (None, []),  # no organisation, no role
    ],
)
def test_the_user_is_read_as_the_orm_reads_it_with_organisation_region_and_roles(organisation_name, roles):
    user = UserFactory(organisation=organisation(organisation_name) if organisation_name else None, roles=roles)
    user.last_login = user.date_joined  # a datetime column read back with its time zone
    user.save(update_fields=["last_login"])
    expected = orm_reading(user.pk)

    with CaptureQueriesContext(connection) as queries:
        loaded = PortalModelBackend().get_user(user.pk)
    if connection.vendor == "postgresql":
        assert len(queries) == 1  # the user, organisation, region and role codes in one row

    assert fields(loaded) == fields(expected)
    assert loaded.role_codes == sorted(str(role) for role in roles)
    assert not loaded._state.adding and loaded._state.db == "default"
    with CaptureQueriesContext(connection) as queries:
        reached = loaded.organisation
        region = reached.region if reached else None
        assert loaded.has_role(*roles) == bool(roles)
    assert len(queries) == 0  # read with the user, as select_related reads them
    if expected.organisation is None:
        assert reached is None
    else:
        assert fields(reached) == fields(expected.organisation)
        if expected.organisation.region is None:
            assert region is None
        else:
            assert fields(region) == fields(expected.organisation.region)


def test_an_unknown_or_inactive_user_is_not_signed_in():
    user = UserFactory(roles=[Role.WMO_CONSULTANT])
    assert PortalModelBackend().get_user(user.pk + 10_000) is None
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert PortalModelBackend().get_user(user.pk) is None


def test_a_role_taken_away_counts_on_the_next_request():
    user = UserFactory(
        roles=[Role.KETENREGISSEUR, Role.PROCESREGISSEUR], organisation=organisation("Ketenregie Noord-Limburg")
    )
    assert PortalModelBackend().get_user(user.pk).has_role(Role.PROCESREGISSEUR)
    user.role_assignments.filter(role=Role.PROCESREGISSEUR).delete()
    loaded = PortalModelBackend().get_user(user.pk)
    assert not loaded.has_role(Role.PROCESREGISSEUR)
    assert loaded.role_codes == [str(Role.KETENREGISSEUR)]
