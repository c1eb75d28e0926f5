import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from referrals import services
from referrals.models import DocumentKind, Referral
from woonkans.parties.models import Organisation

from ..pdfs import PDF

VALID_BSN = "111222333"
OTHER_BSN = "123456782"


def pdf(name="verklaring.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def adult_birth_date(years=30):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=1)


IDENTITY = {
    "given_name": "Jan",
    "family_name": "Jansen",
    "bsn": VALID_BSN,
    "sex": "male",
    "street_address": "Kerkstraat 1",
    "postcode": "5911 AA",
    "city": "Venlo",
    "phone": "0612345678",
    "email": "jan@example.org",
}
RESEARCH = {
    "housing_situation": "Woont tijdelijk bij een vriend.",
    "support_need": "Hulp bij geldzaken en huishouden.",
    "support_need_about_living": True,
    "regular_route_motivation": "Huurachterstand bij vorige verhuurder.",
    "origin": "mo",
}


def make_ready(consultant, *, bsn=VALID_BSN, age=30, guardianship=False, **research):
    """A referral with everything needed to submit it, made through the services."""
    referral = services.start_referral(actor=consultant)
    services.save_identity(
        actor=consultant, referral=referral, data={**IDENTITY, "bsn": bsn, "birth_date": adult_birth_date(age)}
    )
    services.save_research(
        actor=consultant,
        referral=referral,
        data={**RESEARCH, "guardianship": guardianship, **research},
        step="ondersteuning",
    )
    services.save_research(
        actor=consultant, referral=referral, data={"search_area": [consultant.organisation]}, step="wonen"
    )
    kinds = [DocumentKind.LANDLORD_STATEMENT, DocumentKind.GBA_EXTRACT, DocumentKind.INCOME_STATEMENT]
    if guardianship:
        kinds.append(DocumentKind.GUARDIANSHIP_DECISION)
    for kind in kinds:
        services.add_document(actor=consultant, referral=referral, kind=kind, uploaded_file=pdf())
    services.record_consent(
        actor=consultant,
        referral=referral,
        support_plan_signed_on=timezone.localdate(),
        informed_of_sharing=True,
        informed_of_rights=True,
    )
    return Referral.objects.get(pk=referral.pk)


def make_submitted(consultant, **kwargs):
    referral = make_ready(consultant, **kwargs)
    return services.submit_referral(actor=consultant, referral=referral)


def municipality(name):
    return Organisation.objects.get(name=f"Gemeente {name}")
