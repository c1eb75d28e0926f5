import factory
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
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
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
