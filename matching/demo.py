"""Demo cases at route steps 5 and 6, housed and ended negatively, in both regions; Noord's overleg of today;
bulk profiles for --scale."""

import datetime
import random

from django.utils import timezone

from monitoring.models import CaseFact
from referrals import demo as referral_demo
from referrals.models import ExceptionRequest, Identity, Referral
from referrals.workflow import Status
from woonkans.accounts.models import User
from woonkans.parties.models import HousingStock, Organisation
from woonkans.privacy import disclosure

from . import services
from .models import AgeBand, AgendaItemKind, Meeting, Profile, ProfileShare, ProfileStatus
from .models.profile import new_code

# key, consultant, regisseur, person, share with, match (corporation user, provider user), outcome
DEMO_CASES = [
    (
        "gedeeld-venlo",
        "consulent.venlo",
        "ketenregisseur.noord",
        ("Ilse", "Koopmans", "100000095", 2000, "Tegelseweg 40", "5912 BH", "Venlo"),
        ["Woonwenz", "Antares"],
        None,
        None,
    ),
    (
        "gematcht-venlo",
        "consulent.venlo",
        "ketenregisseur.noord",
        ("Ruben", "Smits", "100000101", 1996, "Eindhovenseweg 7", "5914 AA", "Venlo"),
        ["Woonwenz", "Antares", "Nester"],
        ("corporatie.woonwenz", "zorg.moveoo"),
        None,
    ),
    (
        "gehuisvest-venlo",
        "consulent.venlo",
        "ketenregisseur.noord",
        ("Emma", "Peeters", "100000113", 2002, "Straelseweg 101", "5911 GH", "Venlo"),
        ["Antares", "Woonwenz"],
        ("corporatie.antares", "zorg.legerdesheils"),
        "housed",
    ),
    (
        "gedeeld-roermond",
        "consulent.roermond",
        "procesregisseur.midden",
        ("Yasmina", "Bakkali", "100000125", 1993, "Kapellerlaan 15", "6041 JA", "Roermond"),
        ["Wonen Limburg", "Wonen Zuid"],
        None,
        None,
    ),
    (
        "gematcht-roermond",
        "consulent.roermond",
        "procesregisseur.midden",
        ("Thijs", "Hendrix", "100000137", 1999, "Maastrichterweg 2", "6041 NA", "Roermond"),
        ["Wonen Limburg", "Wonen Zuid"],
        ("corporatie.wonenlimburg", "zorg.moveoo"),
        None,
    ),
    (
        "negatief-roermond",
        "consulent.roermond",
        "ketenregisseur.midden",
        ("Marco", "de Wit", "100000149", 1987, "Roerkade 9", "6041 KL", "Roermond"),
        ["Wonen Limburg"],
        ("corporatie.wonenlimburg", "zorg.legerdesheils"),
        "evicted",
    ),
]

STAGE = {ProfileStatus.SHARED: 5}

# The facts of Bijlage 2 step 4 and SOK art. 5.3a/9.2b per demo case (matching/services/facts.py):
# one needs a safety plan, one is supported by a pgb provider outside the agreement (chair's exception).
SAFETY_PLAN_CASES = {"gematcht-roermond"}
PGB_NON_PARTY_CASES = {"gedeeld-roermond": ("Begeleiding Op Maat Roermond", "ketenregisseur.midden")}


def _facts(users, key, match):
    provider = users[match[1]].organisation if match else Organisation.objects.get(name="Moveoo")
    today = timezone.localdate()
    facts = {
        "care_provider": provider,
        "care_funding": "zin",
        "safety_plan_needed": key in SAFETY_PLAN_CASES,
        "registered_on": today - datetime.timedelta(days=60),
        "registered_by": provider,
    }
    if key in SAFETY_PLAN_CASES:
        facts.update(safety_plan_provider=provider, safety_plan_agreed_on=today - datetime.timedelta(days=20))
    if key in PGB_NON_PARTY_CASES:
        facts.update(care_provider=None, care_provider_other=PGB_NON_PARTY_CASES[key][0], care_funding="pgb")
    return facts


def _aftercare(users, key, profile):
    """After-care to show (docs/after-care.md): an open signal, and a handover waiting for the other chair."""
    if key == "gehuisvest-venlo":
        services.raise_signal(
            actor=users["corporatie.antares"],
            profile=profile,
            kind="support_stalls",
            text="De begeleiding is al drie weken niet langs geweest.",
            about=profile.match.care_provider,
        )
    elif key == "gematcht-roermond":
        noord = Organisation.objects.get(name="Ketenregie Noord-Limburg").region
        services.propose_handover(
            actor=users["ketenregisseur.midden"],
            profile=profile,
            to_region=noord,
            note="Wil dichter bij familie in Venlo wonen; begeleiding door Moveoo loopt door.",
        )


def _progress(users, regisseur, referral, share_with, match, outcome, key=""):
    organisations = {org.name: org for org in Organisation.objects.filter(name__in=share_with)}
    profile = services.create_profile(actor=regisseur, referral=referral)
    profile = services.update_profile(
        actor=regisseur,
        profile=profile,
        expected_version=profile.version,
        data={
            "conclusion": "Kan met ambulante begeleiding zelfstandig wonen.",
            "failure_agreements": "Bij twee maanden huurachterstand volgt direct een casusoverleg.",
            **_facts(users, key, match),
        },
    )
    if key in PGB_NON_PARTY_CASES:
        services.grant_pgb_exception(
            actor=users[PGB_NON_PARTY_CASES[key][1]],
            profile=profile,
            reason="De inwoner krijgt al jaren begeleiding van deze aanbieder; overstappen zou het traject schaden.",
        )
    profile = services.share_profile(
        actor=regisseur, profile=profile, corporations=[organisations[name] for name in share_with]
    )
    if match is None:
        return profile
    corporation_user, provider_user = users[match[0]], users[match[1]]
    share = profile.shares.get(corporation=corporation_user.organisation)
    services.respond_to_profile(
        actor=corporation_user,
        share=share,
        response="offer",
        offer={
            "dwelling_address": "Demostraat 1",
            "dwelling_type": "Eenpersoonsappartement",
            "rent_cents": 61250,
            "available_from": timezone.localdate() + datetime.timedelta(days=30),
        },
    )
    services.record_match(
        actor=regisseur,
        profile=profile,
        corporation=corporation_user.organisation,
        dwelling_address="Demostraat 1",
        intended_date=timezone.localdate() + datetime.timedelta(days=30),
        care_provider=provider_user.organisation,
        corporation_contact=corporation_user,
        provider_contact=provider_user,
        offer=share.offers.first(),
    )
    if outcome in ("housed", "evicted"):
        services.record_housing(
            actor=regisseur, profile=profile, lease_signed_on=timezone.localdate() - datetime.timedelta(days=240)
        )
    if outcome == "evicted":
        services.end_trajectory(
            actor=regisseur,
            profile=profile,
            kind="evicted",
            ended_on=timezone.localdate(),
            evaluation="Huurachterstand van vier maanden; begeleiding kwam niet van de grond.",
        )
    return Profile.objects.get(pk=profile.pk)


def manifest_entry(profile):
    referral = Referral.objects.select_related("identity", "region", "municipality", "reported_by").get(
        pk=profile.referral_id
    )
    entry = referral_demo.manifest_entry(referral)
    match = getattr(profile, "match", None)
    entry.update(
        {
            "code": profile.code,
            "stage": 5 if profile.status == ProfileStatus.SHARED else 6,
            "status": profile.status,
            "region": profile.region.name,
            "shared_with": sorted(profile.shares.values_list("corporation__name", flat=True)),
            "matched_corporation": match.corporation.name if match else None,
            "care_provider": match.care_provider.name if match else None,
        }
    )
    return entry


def seed_demo_cases(*, scale=0):
    users = {user.username: user for user in User.objects.filter(is_demo=True).select_related("organisation")}
    entries = []
    for key, consultant, regisseur, person, share_with, match, outcome in DEMO_CASES:
        existing = (
            Identity.objects.filter(given_name=person[0], family_name=person[1], referral__created_by__is_demo=True)
            .select_related("referral")
            .first()
        )
        if existing is not None and hasattr(existing.referral, "profile"):
            profile = existing.referral.profile
        else:
            referral = (
                existing.referral
                if existing
                else referral_demo.build_case(users, consultant, None, Status.SUBMITTED, person, {})
            )
            profile = _progress(users, users[regisseur], referral, share_with, match, outcome, key)
            _aftercare(users, key, profile)
        entries.append(
            manifest_entry(
                Profile.objects.select_related("region", "match__corporation", "match__care_provider").get(
                    pk=profile.pk
                )
            )
        )
    seed_demo_overleg(users)
    if scale:
        create_synthetic_profiles()
    return entries


def seed_demo_overleg(users):
    """Noord's overleg of today: attendance, a discussed and decided profile item whose decision was
    corrected, and an exception request with votes (one changed) that the chair can still decide."""
    chair = users["ketenregisseur.noord"]
    region = chair.organisation.region
    if Meeting.objects.filter(region=region, chair=chair).exists():
        return
    today = timezone.localdate()
    meeting = services.create_meeting(actor=chair, region=region, date=today)
    parties = {org.name: org for org in Organisation.objects.filter(name__in=DEMO_ATTENDANCE)}
    for name in DEMO_ATTENDANCE:
        services.check_in(actor=chair, meeting=meeting, organisation=parties[name])
    profile = Profile.objects.filter(region=region, status=ProfileStatus.SHARED).order_by("created_at").first()
    if profile is not None:
        item = services.add_agenda_item(actor=chair, meeting=meeting, kind=AgendaItemKind.PROFILE, profile=profile)
        services.record_discussion(
            actor=chair, item=item, text="Woonwenz en Antares zoeken een benedenwoning in Venlo-Zuid."
        )
        services.decide_item(actor=chair, item=item, decision="Het profiel blijft gedeeld met Woonwenz en Antares.")
        services.correct_decision(
            actor=chair,
            item=item,
            text="Het profiel blijft gedeeld met Woonwenz en Antares; Nester kijkt ook mee.",
            reason="Nester was vergeten in het besluit.",
        )
    request = ExceptionRequest.objects.filter(region=region, decision=ExceptionRequest.Decision.OPEN).first()
    if request is not None:
        item = services.add_agenda_item(
            actor=chair, meeting=meeting, kind=AgendaItemKind.EXCEPTION, exception_request=request
        )
        votes = [("Gemeente Venray", "for"), ("Woonwenz", "for"), ("Antares", "against"), ("Antares", "for")]
        for name, choice in votes:
            services.record_vote(actor=chair, item=item, organisation=parties[name], choice=choice)


DEMO_ATTENDANCE = ("Ketenregie Noord-Limburg", "Gemeente Venlo", "Gemeente Venray", "Woonwenz", "Antares", "Moveoo")


def create_synthetic_profiles(*, seed=None):
    """Profiles for half of the synthetic submitted referrals, shared with corporations by stock (bulk)."""
    rng = random.Random(seed)
    regisseurs = {
        user.organisation.region_id: user
        for user in User.objects.filter(is_demo=True, role_assignments__role="ketenregisseur").select_related(
            "organisation"
        )
    }
    stock = {}
    for municipality_id, corporation_id in HousingStock.objects.values_list("municipality_id", "corporation_id"):
        stock.setdefault(municipality_id, []).append(corporation_id)
    referrals = list(
        Referral.objects.filter(
            status=Status.SUBMITTED, profile__isnull=True, identity__family_name="Testpersoon"
        ).select_related("region", "fact")
    )
    rng.shuffle(referrals)
    # Codes are random: at tens of thousands of profiles two can meet, so each is checked against the others.
    codes = set(Profile.objects.values_list("code", flat=True))

    def unique_code(region_letter):
        code = new_code(region_letter)
        while code in codes:
            code = new_code(region_letter)
        codes.add(code)
        return code

    profiles, shares, areas, facts = [], [], [], []
    for referral in referrals[: len(referrals) // 2]:
        profile = Profile(
            referral=referral,
            region=referral.region,
            regisseur=regisseurs[referral.region_id],
            code=unique_code(referral.region.code_letter),
            status=ProfileStatus.SHARED,
            age_band=referral.fact.age_band if referral.fact else rng.choice(AgeBand.values),
            shared_at=referral.submitted_at,
            current_situation="Synthetisch profiel.",
        )
        profiles.append(profile)
        if referral.fact:
            # The anonymous fact follows the case, as monitoring.services.sync_case_fact would.
            referral.fact.shared_on = timezone.localdate(referral.submitted_at)
            facts.append(referral.fact)
        areas.append(Profile.search_area.through(profile=profile, organisation_id=referral.municipality_id))
        for corporation_id in stock.get(referral.municipality_id, [])[:2]:
            shares.append(
                ProfileShare(profile=profile, corporation_id=corporation_id, shared_by=regisseurs[referral.region_id])
            )
    Profile.objects.bulk_create(profiles, batch_size=1000)
    Profile.search_area.through.objects.bulk_create(areas, batch_size=2000)
    ProfileShare.objects.bulk_create(shares, batch_size=2000)
    # Their grants follow from the disclosure policy, for all of them at once.
    disclosure.reconcile(None, fix=True)
    CaseFact.objects.bulk_update(facts, ["shared_on"], batch_size=1000)
    return profiles
