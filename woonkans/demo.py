"""Demo data: one user per role, and (from later issues) cases at every stage.

Only for demonstration databases: `seed_demo` refuses to touch a database that
holds any user it did not create itself.
"""

import base64
import io
import secrets

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import import_string
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfWriter

from woonkans.accounts.models import RoleAssignment, User
from woonkans.accounts.roles import Role
from woonkans.parties.models import Organisation


def demo_pdf(title: str) -> bytes:
    """A real one-page PDF for demo uploads (the upload check parses PDFs, so a stub would be refused)."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


DEMO_PASSWORD = "Woonkans-demo-2026"  # noqa: S105 - printed on purpose; only demo databases

# username, first name, last name, organisation (as shown in the portal), role
DEMO_USERS = [
    ("consulent.venlo", "Sanne", "Hendriks", "Gemeente Venlo", Role.WMO_CONSULTANT),
    ("consulent.venray", "Mark", "Janssen", "Gemeente Venray", Role.WMO_CONSULTANT),
    ("consulent.roermond", "Fatima", "El Amrani", "Gemeente Roermond", Role.WMO_CONSULTANT),
    ("ketenregisseur.noord", "Ingrid", "Peeters", "Ketenregie Noord-Limburg", Role.KETENREGISSEUR),
    ("ketenregisseur.midden", "Jeroen", "Smeets", "Ketenregie Midden-Limburg", Role.KETENREGISSEUR),
    ("procesregisseur.midden", "Lotte", "Vossen", "Ketenregie Midden-Limburg", Role.PROCESREGISSEUR),
    ("corporatie.woonwenz", "Ruud", "Verstappen", "Woonwenz", Role.CORPORATION),
    ("corporatie.antares", "Anouk", "Gielen", "Antares", Role.CORPORATION),
    ("corporatie.wonenlimburg", "Bram", "Wijnen", "Wonen Limburg", Role.CORPORATION),
    ("zorg.moveoo", "Esther", "Coenen", "Moveoo", Role.CARE_PROVIDER),
    ("zorg.legerdesheils", "Tom", "Willems", "Leger des Heils", Role.CARE_PROVIDER),
    ("penningmeester.mgr", "Karin", "Bours", "MGR sociaal domein Limburg-Noord", Role.TREASURER),
    ("werkgroep.venray", "Peter", "Linders", "Gemeente Venray", Role.WERKGROEP),
    ("beheerder", "Yvonne", "Kessels", "Functioneel beheer Woonkans", Role.ADMINISTRATOR),
    ("privacy.venlo", "Marloes", "Driessen", "Gemeente Venlo", Role.PRIVACY_OFFICER),
]

# One seeder per app that holds cases: seeder(*, scale) -> list of manifest case entries.
CASE_SEEDERS = [
    "referrals.demo.seed_demo_cases",
    "matching.demo.seed_demo_cases",
    "guarantee_fund.demo.seed_demo_fund",
    "subject_rights.demo.seed_demo_requests",
    "monitoring.demo.seed_demo_werkgroep",
]
# The other demo objects people should look at (overleggen, claims, rounds, the werkgroep) for the manifest:
# lister() -> [{"kind", "label", "path", "user"}].
OBJECT_LISTERS = [
    "matching.demo.manifest_objects",
    "guarantee_fund.demo.manifest_objects",
    "monitoring.demo.manifest_objects",
]


class NotADemoDatabase(RuntimeError):
    pass


def ensure_demo_database():
    if User.objects.filter(is_demo=False).exists():
        raise NotADemoDatabase(
            "Deze database bevat gebruikers die niet door seed_demo zijn gemaakt; demodata wordt hier niet geladen."
        )


def base32_secret(device):
    return base64.b32encode(bytes.fromhex(device.key)).decode().rstrip("=")


def seed_users():
    organisations = {org.name: org for org in Organisation.objects.select_related("region")}
    entries = []
    # One hash for all: the password is the same and printed anyway, and each hash costs a second of CPU.
    password = make_password(DEMO_PASSWORD)
    for username, first_name, last_name, organisation_name, role in DEMO_USERS:
        organisation = organisations[organisation_name]
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "organisation": organisation,
                "email": f"{username}@demo.woonkans.example",
                "is_demo": True,
            },
        )
        if not created and user.organisation_id != organisation.pk:
            user.organisation = organisation
            user.save(update_fields=["organisation"])
        user.password = password
        user.save(update_fields=["password"])
        RoleAssignment.objects.get_or_create(user=user, role=role)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="default", confirmed=True, key=secrets.token_hex(20))
        entries.append(
            {
                "username": username,
                "password": DEMO_PASSWORD,
                "totp_secret": base32_secret(device),
                "role": str(role),
                "organisation": organisation.name,
                "region": organisation.region.name if organisation.region else None,
            }
        )
    return entries


def seed(*, scale=0):
    ensure_demo_database()
    # Seeding goes through the real services; their notifications stay in memory.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        users = seed_users()
        cases = []
        for seeder in CASE_SEEDERS:
            cases.extend(import_string(seeder)(scale=scale))
        objects = [entry for lister in OBJECT_LISTERS for entry in import_string(lister)()]
    return {"users": users, "cases": cases, "objects": objects}
