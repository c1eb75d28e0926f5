"""Demo referrals at route steps 2–4 in both regions, and synthetic ones for `--scale`."""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from monitoring.models import CaseFact
from woonkans.accounts.models import User
from woonkans.demo import demo_pdf
from woonkans.parties.models import Organisation, OrganisationKind
from woonkans.privacy import crypto, disclosure

from . import services
from .models import DocumentKind, Identity, Referral, Research
from .workflow import Status

DEMO_PDF = demo_pdf("Woonkans demodocument")

# key, consultant, reporting provider user, target status, identity, research extras
DEMO_CASES = [
    (
        "melding-venlo",
        "consulent.venlo",
        "zorg.moveoo",
        Status.REPORTED,
        ("Daan", "Verheijen", "100000009", 1999, "Kaldenkerkerweg 12", "5913 AE", "Venlo"),
        {},
    ),
    (
        "onderzoek-venray",
        "consulent.venray",
        None,
        Status.IN_RESEARCH,
        ("Sara", "Hermans", "100000022", 1994, "Grotestraat 40", "5801 BJ", "Venray"),
        {},
    ),
    (
        "aangemeld-venlo",
        "consulent.venlo",
        None,
        Status.SUBMITTED,
        ("Kevin", "Martens", "100000034", 2003, "Parade 5", "5911 CA", "Venlo"),
        {"origin": "mo"},
    ),
    (
        "aangemeld-venray",
        "consulent.venray",
        None,
        Status.SUBMITTED,
        ("Lisa", "van den Berg", "100000046", 2001, "Schoolstraat 3", "5801 BN", "Venray"),
        {"origin": "bw"},
    ),
    (
        "aangemeld-roermond",
        "consulent.roermond",
        None,
        Status.SUBMITTED,
        ("Mohamed", "Yilmaz", "100000058", 1988, "Hamstraat 21", "6041 GH", "Roermond"),
        {"origin": "domestic_violence", "safety_plan_needed": True},
    ),
    (
        "melding-roermond",
        "consulent.roermond",
        "zorg.legerdesheils",
        Status.REPORTED,
        ("Noor", "Custers", "100000071", 1997, "Steenweg 8", "6041 EA", "Roermond"),
        {},
    ),
    (
        # Noord puts an exception to its overleg too (the demo had one in Midden only).
        "uitzondering-venray",
        "consulent.venray",
        None,
        Status.EXCEPTION_REQUESTED,
        ("Oksana", "Melnyk", "100000150", 1991, "Henseniusstraat 12", "5801 BV", "Venray"),
        {"labour_migrant": True},
    ),
    (
        "uitzondering-roermond",
        "consulent.roermond",
        None,
        Status.EXCEPTION_REQUESTED,
        ("Piotr", "Kowalski", "100000083", 1985, "Godsweerdersingel 2", "6041 GK", "Roermond"),
        {"labour_migrant": True},
    ),
]


def _research(extra, municipality):
    return {
        "housing_situation": "Verblijft tijdelijk in de opvang; wil zelfstandig wonen met begeleiding.",
        "household_care": "Heeft hulp nodig bij plannen van het huishouden.",
        "daytime_activities": "Werkt twee dagen per week bij een leerwerkbedrijf.",
        "finances": "Schulden in een saneringstraject; inkomen uit een uitkering.",
        "social_network": "Contact met een zus; weinig ander netwerk.",
        "mobility": "Fiets en openbaar vervoer.",
        "social_self_reliance": "Redt zich met ondersteuning.",
        "support_need": "Begeleiding bij geldzaken, post en het huishouden.",
        "support_need_about_living": True,
        "regular_route_motivation": "Negatieve huurhistorie en geen inschrijfduur.",
        "origin": "mo",
        "search_area": [municipality],
        "dwelling_needs": "Eenpersoonswoning, benedenwoning of met lift.",
        "contract_form": "linked_care",
        **extra,
    }


def _identity_entry(identity):
    return {
        "full_name": identity.full_name,
        "bsn": identity.bsn,
        "birth_date": identity.birth_date.isoformat() if identity.birth_date else None,
        "street_address": identity.street_address,
        "phone": identity.phone,
        "email": identity.email,
    }


STAGE = {Status.REPORTED: 2, Status.IN_RESEARCH: 3, Status.EXCEPTION_REQUESTED: 3, Status.SUBMITTED: 4}


def manifest_entry(referral):
    return {
        "code": None,
        "stage": STAGE.get(Status(referral.status)),
        "status": referral.status,
        "region": referral.region.name,
        "municipality_organisation": referral.municipality.name,
        "shared_with": [],
        "matched_corporation": None,
        "care_provider": None,
        "reported_by": referral.reported_by.name if referral.reported_by_id else None,
        "identity": _identity_entry(referral.identity),
    }


def build_case(users, consultant_name, reporter_name, status, person, extra):
    """Walk one demo case through the real services; returns it fresh from the database."""
    referral = _walk_case(users, consultant_name, reporter_name, status, person, extra)
    return Referral.objects.get(pk=referral.pk)


def _walk_case(users, consultant_name, reporter_name, status, person, extra):
    given, family, bsn, year, street, postcode, city = person
    consultant = users[consultant_name]
    identity = {
        "given_name": given,
        "family_name": family,
        "street_address": street,
        "postcode": postcode,
        "city": city,
        "phone": "06" + bsn[1:9],
        "email": f"{given.lower()}.demo@example.org",
    }
    if reporter_name:
        referral = services.report_resident(
            actor=users[reporter_name], municipality=consultant.organisation, mandate=True, **identity
        )
        if status == Status.REPORTED:
            return referral
        services.start_research(actor=consultant, referral=referral)
    else:
        referral = services.start_referral(actor=consultant)
    services.save_identity(
        actor=consultant,
        referral=referral,
        data={**identity, "bsn": bsn, "birth_date": datetime.date(year, 6, 15), "sex": "unknown"},
    )
    services.save_research(
        actor=consultant, referral=referral, data=_research(extra, consultant.organisation), step="demo"
    )
    if status == Status.IN_RESEARCH:
        return referral
    for kind in (DocumentKind.LANDLORD_STATEMENT, DocumentKind.GBA_EXTRACT, DocumentKind.INCOME_STATEMENT):
        # A file name as a person would save it, not the kind's code.
        upload = SimpleUploadedFile(f"{slugify(kind.label)}.pdf", DEMO_PDF, content_type="application/pdf")
        services.add_document(actor=consultant, referral=referral, kind=kind, uploaded_file=upload)
    services.record_consent(
        actor=consultant,
        referral=referral,
        support_plan_signed_on=timezone.localdate(),
        informed_of_sharing=True,
        informed_of_rights=True,
    )
    if status == Status.EXCEPTION_REQUESTED:
        services.request_exception(
            actor=consultant,
            referral=referral,
            motivation="Woont al jaren in de regio, heeft hier werk en een netwerk, en dreigt dakloos te raken.",
        )
    else:
        services.submit_referral(actor=consultant, referral=referral)
    return referral


def seed_demo_cases(*, scale=0):
    users = {user.username: user for user in User.objects.filter(is_demo=True).select_related("organisation")}
    entries = []
    for _key, consultant_name, reporter_name, status, person, extra in DEMO_CASES:
        # Reports carry no BSN yet: a demo case is recognised by its (fictional) name.
        existing = Identity.objects.filter(
            given_name=person[0], family_name=person[1], referral__created_by__is_demo=True
        ).first()
        if existing is None:
            referral = build_case(users, consultant_name, reporter_name, status, person, extra)
        else:
            referral = existing.referral
        referral = Referral.objects.select_related("identity", "region", "municipality", "reported_by").get(
            pk=referral.pk
        )
        entries.append(manifest_entry(referral))
    if scale:
        create_synthetic_referrals(count=scale, creator=users["consulent.venlo"])
    return entries


def _synthetic_bsn(rng):
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        total = sum(digit * weight for digit, weight in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last <= 9:
            return "".join(map(str, digits)) + str(last)


@transaction.atomic
def create_synthetic_referrals(*, count, creator, seed=None):
    """Many referrals at steps 2–4 across every municipality, written in bulk (for measurements)."""
    from woonkans.choices import AgeBand

    rng = random.Random(seed)
    municipalities = list(Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).select_related("region"))
    statuses = [Status.REPORTED, Status.IN_RESEARCH, Status.SUBMITTED, Status.SUBMITTED]
    now = timezone.now()
    referrals, identities, researches, facts = [], [], [], []
    for number in range(count):
        municipality = rng.choice(municipalities)
        status = rng.choice(statuses)
        # Spread over the last 24 months, as the monitoring's history (monitoring.demo) is.
        created = now - datetime.timedelta(days=rng.randint(0, 2 * 365))
        # Submitted 5 to 60 days after the report, never in the future.
        submitted = min(created + datetime.timedelta(days=rng.randint(5, 60)), now)
        referral = Referral(
            municipality=municipality,
            region=municipality.region,
            status=status,
            created_by=creator,
            created_at=created,
            research_started_at=created if status != Status.REPORTED else None,
            submitted_at=submitted if status == Status.SUBMITTED else None,
            eligible=True if status == Status.SUBMITTED else None,
        )
        birth_date = datetime.date(rng.randint(1960, 2006), rng.randint(1, 12), rng.randint(1, 28))
        # As monitoring.services.fact_values: the age band on the day of submission (or today).
        on = timezone.localdate(referral.submitted_at or now)
        age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
        facts.append(
            CaseFact(
                region=municipality.region,
                municipality=municipality,
                reported_on=timezone.localdate(created),
                submitted_on=timezone.localdate(referral.submitted_at) if referral.submitted_at else None,
                eligible=referral.eligible,
                origin=rng.choice(["bw", "mo", "homelessness", "domestic_violence", "other"]),
                age_band=AgeBand.for_age(age),
                young_adult=18 <= age <= 27,
            )
        )
        referral.fact = facts[-1]
        referrals.append(referral)
        bsn = _synthetic_bsn(rng)
        identities.append(
            Identity(
                referral=referral,
                given_name=f"Synthetisch{number}",
                family_name="Testpersoon",
                bsn=bsn,
                bsn_index=crypto.blind_index(bsn, purpose=services.BSN_INDEX_PURPOSE),
                birth_date=birth_date,
                city=municipality.name.removeprefix("Gemeente "),
            )
        )
        researches.append(
            Research(
                referral=referral,
                support_need="Synthetisch",
                support_need_about_living=True,
                regular_route_motivation="Synthetisch",
            )
        )
    CaseFact.objects.bulk_create(facts, batch_size=1000)
    Referral.objects.bulk_create(referrals, batch_size=1000)
    Identity.objects.bulk_create(identities, batch_size=1000)
    Research.objects.bulk_create(researches, batch_size=1000)
    # Their grants follow from the disclosure policy, for all cases at once (woonkans.privacy.disclosure).
    disclosure.reconcile(None, fix=True)
    return referrals
