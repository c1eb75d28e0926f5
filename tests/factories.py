import functools

import factory
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from woonkans.accounts.models import LoggingAcceptance, RoleAssignment, User
from woonkans.parties.models import Organisation, OrganisationKind

PASSWORD = "correct-horse-battery-staple"


def organisation(name):
    """A reference organisation loaded by the data migration."""
    return Organisation.objects.get(name=name)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testorganisatie {n}")
    slug = factory.Sequence(lambda n: f"testorganisatie-{n}")
    kind = OrganisationKind.CARE_PROVIDER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    organisation = factory.LazyFunction(lambda: organisation("Gemeente Venlo"))
    # Hashed once and saved with the first insert: a second save per user (and its signals) is not needed.
    password = factory.LazyFunction(lambda: password_hash())

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            RoleAssignment.objects.create(user=self, role=role)

    @factory.post_generation
    def with_device(self, create, extracted, **kwargs):
        if extracted:
            TOTPDevice.objects.create(user=self, name="default", confirmed=True)

    @factory.post_generation
    def accepted_logging(self, create, extracted, **kwargs):
        if extracted:
            from django.conf import settings

            LoggingAcceptance.objects.create(user=self, notice_version=settings.LOGGING_NOTICE_VERSION)


@functools.cache
def password_hash():
    """PASSWORD hashed once with the suite's fast hasher (conftest's PASSWORD_HASHERS), reused by every user."""
    return MD5PasswordHasher().encode(PASSWORD, MD5PasswordHasher().salt())


def make_people(spec):
    """Users for {key: (role, organisation name)} in bulk, with email `<key>@example.org`.

    The same rows as UserFactory(roles=[role], accepted_logging=True, email=...) per user, in six
    queries: users, roles, logging acceptances, and the groups sync_memberships would give them.
    Bulk writes send no signals, so the change log (auditlog) of their creation is not written.
    """
    from django.conf import settings

    from woonkans.accounts.roles import Role, role_group_name

    organisations = Organisation.objects.in_bulk([name for _role, name in spec.values()], field_name="name")
    users = {}
    for key, (role, organisation_name) in spec.items():
        number = UserFactory._meta.next_sequence()
        users[key] = User(
            username=f"gebruiker{number}",
            first_name="Test",
            last_name=f"Gebruiker {number}",
            email=f"{key}@example.org",
            organisation=organisations[organisation_name],
            password=password_hash(),
            is_staff=role == Role.ADMINISTRATOR,
        )
    User.objects.bulk_create(users.values())
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=users[key], role=role) for key, (role, _name) in spec.items()
    )
    LoggingAcceptance.objects.bulk_create(
        LoggingAcceptance(user=user, notice_version=settings.LOGGING_NOTICE_VERSION) for user in users.values()
    )
    role_groups = Group.objects.in_bulk([role_group_name(role) for role, _name in spec.values()], field_name="name")
    Membership = User.groups.through
    Membership.objects.bulk_create(
        Membership(user_id=users[key].pk, group_id=group_id)
        for key, (role, organisation_name) in spec.items()
        for group_id in (role_groups[role_group_name(role)].pk, organisations[organisation_name].group_id)
    )
    return users


def record_profile_facts(profile, *, provider="Moveoo", **overrides):
    """Test set-up: the facts a profile needs before sharing and the match (matching/services/facts.py),
    as the regisseur records them: no safety plan needed, the provider (ZIN) registered the resident."""
    import datetime

    from matching.models import Profile

    provider = provider if isinstance(provider, Organisation) else Organisation.objects.get(name=provider)
    facts = {
        "safety_plan_needed": False,
        "care_provider": provider,
        "care_funding": "zin",
        "registered_on": datetime.date(2026, 1, 5),
        "registered_by": provider,
        "failure_agreements": "Bij terugval belt de begeleider de corporatie binnen een week.",
        **overrides,
    }
    Profile.objects.filter(pk=profile.pk).update(**facts)
    profile.refresh_from_db()
    return profile
