import pytest

from matching import services
from woonkans.parties.models import Organisation

from ..factories import record_profile_facts
from ..referrals.conftest import make_submitted


def org(name):
    return Organisation.objects.get(name=name)


def make_profile(regisseur, consultant, **kwargs):
    referral = make_submitted(consultant, **kwargs)
    return record_profile_facts(services.create_profile(actor=regisseur, referral=referral))


def make_shared(regisseur, consultant, corporations, **kwargs):
    profile = make_profile(regisseur, consultant, **kwargs)
    return services.share_profile(actor=regisseur, profile=profile, corporations=[org(c) for c in corporations])


def make_matched(people, corporation="Woonwenz", shared_with=("Woonwenz", "Antares")):
    profile = make_shared(people["noord"], people["venlo"], shared_with)
    corp_user = {"Woonwenz": people["woonwenz"], "Antares": people["antares"]}[corporation]
    services.record_match(
        actor=people["noord"],
        profile=profile,
        corporation=org(corporation),
        dwelling_address="Maasstraat 3, Venlo",
        intended_date="2027-02-01",
        care_provider=org("Moveoo"),
        corporation_contact=corp_user,
        provider_contact=people["moveoo"],
    )
    profile.refresh_from_db()
    return profile


@pytest.fixture
def shared_profile(people):
    return make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
