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
