"""Demo referrals at route steps 2–4 in both regions."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify

from woonkans.accounts.models import User
from woonkans.demo import demo_pdf

from . import services
from .models import DocumentKind, Identity, Referral
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


# When each demo case took its steps, in days before today (the fresh reports stay today's): the
# storyline's fresh submissions wait in the regisseur's inbox, the research took weeks.
DEMO_DAYS_AGO = {
    "onderzoek-venray": {"started": 12},
    "aangemeld-venlo": {"started": 40, "submitted": 3},
    "aangemeld-venray": {"started": 50, "submitted": 6},
    "aangemeld-roermond": {"started": 45, "submitted": 2},
    "uitzondering-venray": {"started": 30, "exception": 5},
    "uitzondering-roermond": {"started": 35, "exception": 8},
}


def _days_ago(days, hour=10):
    """A working-day moment ``days`` before today (moved back past a weekend)."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 15)))


def date_referral(referral_id, *, started, submitted=None, exception=None):
    """Date a demo case's research steps as they happened (the services wrote today): the referral's
    timestamps, its timeline, documents, consent and exception request; the fact follows on commit."""
    from monitoring.services import sync_case_fact

    from .models import Consent, Document, EventKind, ExceptionRequest, ReferralEvent

    started_at = _days_ago(started, hour=9)
    checked_at = _days_ago(submitted if submitted is not None else exception) if (submitted or exception) else None
    referral = Referral.objects.get(pk=referral_id)
    changes = {"created_at": started_at}
    if referral.research_started_at:
        changes["research_started_at"] = started_at
    if referral.submitted_at:
        changes["submitted_at"] = checked_at
    if referral.eligibility_checked_at:
        changes["eligibility_checked_at"] = checked_at
    Referral.objects.filter(pk=referral_id).update(**changes)
    events = ReferralEvent.objects.filter(referral_id=referral_id)
    events.filter(kind__in=(EventKind.REPORTED, EventKind.STARTED)).update(at=started_at)
    if checked_at:
        prepared = checked_at - datetime.timedelta(days=1)
        events.filter(kind__in=(EventKind.SUBMITTED, EventKind.EXCEPTION_REQUESTED)).update(at=checked_at)
        events.filter(kind__in=(EventKind.DOCUMENT_ADDED, EventKind.CONSENT_RECORDED)).update(at=prepared)
        Document.objects.filter(referral_id=referral_id).update(uploaded_at=prepared)
        Consent.objects.filter(referral_id=referral_id).update(
            recorded_at=prepared, support_plan_signed_on=timezone.localdate(prepared)
        )
        ExceptionRequest.objects.filter(referral_id=referral_id).update(requested_at=checked_at)
    sync_case_fact(referral_id)


def seed_demo_cases(*, scale=0):
    users = {user.username: user for user in User.objects.filter(is_demo=True).select_related("organisation")}
    entries = []
    for key, consultant_name, reporter_name, status, person, extra in DEMO_CASES:
        # Reports carry no BSN yet: a demo case is recognised by its (fictional) name.
        existing = Identity.objects.filter(
            given_name=person[0], family_name=person[1], referral__created_by__is_demo=True
        ).first()
        if existing is None:
            referral = build_case(users, consultant_name, reporter_name, status, person, extra)
            if key in DEMO_DAYS_AGO:
                date_referral(referral.pk, **DEMO_DAYS_AGO[key])
        else:
            referral = existing.referral
        referral = Referral.objects.select_related("identity", "region", "municipality", "reported_by").get(
            pk=referral.pk
        )
        entries.append(manifest_entry(referral))
    # The synthetic cases of --scale (and the demo's history) are drawn by matching.demo_scale: they run
    # the whole route, through steps this app does not know.
    return entries
