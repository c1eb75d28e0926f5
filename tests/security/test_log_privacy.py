"""No personal data of a resident in any log line the portal writes, nor in its e-mails.

Two sources of log lines, both captured at DEBUG from every logger and formatted as the
configured LOGGING handlers would write them: (1) the world's build (every stage of the route,
through the services) and the reading of every page each role may open (conftest `visits`);
(2) an intake typed through the browser views here, with a second resident, up to the
regisseur's profile and the privacy officer's search by BSN (caplog as well).
"""

import datetime
import logging

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from woonkans.accounts.roles import Role

from ..confirming import post_confirmed
from ..referrals.conftest import PDF
from .matrix_support import client_for
from .pages import LogCapture
from .world import RESIDENT

pytestmark = pytest.mark.django_db

SECOND = {
    "given_name": "Hendrika",
    "family_name": "Wolfskamp",
    "bsn": "123456782",
    "birth_date": "1985-07-09",
    "sex": "female",
    "street_address": "Lindelaan 88",
    "postcode": "6045 XK",
    "city": "Roermond",
    "phone": "0623456789",
    "email": "hendrika.wolfskamp@example.org",
}


def traces(resident, birth_date):
    """What would give the resident away: names, BSN (also grouped), e-mail, street, phone, birth date."""
    bsn = resident["bsn"]
    return {
        resident["given_name"],
        resident["family_name"],
        bsn,
        f"{bsn[:4]}.{bsn[4:6]}.{bsn[6:]}",
        resident["email"],
        resident["street_address"].rsplit(" ", 1)[0],
        resident["phone"],
        birth_date.isoformat(),
        birth_date.strftime("%d-%m-%Y"),
    }


def leaks(lines, resident, birth_date):
    found = []
    for source, line in lines:
        for trace in traces(resident, birth_date):
            if trace.lower() in line.lower():
                found.append(f"{source}: {trace!r} in {line[:300]!r}")
    return found


def step(referral, slug):
    return reverse("referrals:step", kwargs={"referral_id": referral.pk, "step": slug})


def intake_through_the_views(world):
    consultant = world.users[Role.WMO_CONSULTANT]
    client = client_for(consultant)
    client.post(reverse("referrals:start"))
    referral = Referral.objects.filter(created_by=consultant).order_by("-created_at").first()
    client.post(step(referral, "persoon"), {**SECOND, "verder": ""})
    client.post(step(referral, "leefgebieden"), {"housing_situation": "Slaapt bij haar zus.", "mobility": "Fiets"})
    client.post(
        step(referral, "ondersteuning"),
        {
            "support_need": "Hulp bij post en geld",
            "support_need_about_living": "on",
            "regular_route_motivation": "Huurschuld",
            "origin": "bw",
        },
    )
    client.post(step(referral, "wonen"), {"search_area": [consultant.organisation.pk], "contract_form": "linked_care"})
    for kind in ("landlord_statement", "gba_extract", "income_statement"):
        upload = SimpleUploadedFile(f"{SECOND['family_name']}-{kind}.pdf", PDF, content_type="application/pdf")
        client.post(step(referral, "documenten"), {"kind": kind, "file": upload})
    client.post(
        step(referral, "toestemming"),
        {
            "support_plan_signed_on": timezone.localdate().isoformat(),
            "informed_of_sharing": "on",
            "informed_of_rights": "on",
        },
    )
    client.get(step(referral, "controle"))
    response = post_confirmed(client, reverse("referrals:submit", kwargs={"referral_id": referral.pk}))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "submitted", "the intake through the views reached submission"

    regisseur = client_for(world.users[Role.KETENREGISSEUR])
    regisseur.get(reverse("referrals:inbox"))
    regisseur.get(reverse("referrals:detail", kwargs={"referral_id": referral.pk}))
    regisseur.post(reverse("matching:profile_create", kwargs={"referral_id": referral.pk}))
    profile = referral.profile
    # The resident's own name and BSN pasted into the text: saved as a draft with findings, sharing refused.
    regisseur.post(
        reverse("matching:profile_edit", kwargs={"profile_id": profile.pk}),
        {
            "version": profile.version,
            "current_situation": f"{SECOND['given_name']} {SECOND['family_name']}, BSN {SECOND['bsn']}.",
            "search_area": [consultant.organisation.pk],
            "contract_form": "linked_care",
        },
    )
    assert (
        SECOND["family_name"]
        in regisseur.get(reverse("matching:profile_edit", kwargs={"profile_id": profile.pk})).content.decode()
    )
    regisseur.post(
        reverse("matching:profile_share", kwargs={"profile_id": profile.pk}),
        {"corporations": [world.users[Role.CORPORATION].organisation.pk]},
    )
    profile.refresh_from_db()
    assert profile.status == "draft", "the scan stopped the sharing"
    officer = client_for(world.users[Role.PRIVACY_OFFICER])
    found = officer.post(reverse("subject_rights:find_case"), {"bsn": SECOND["bsn"]})
    assert found.status_code == 200
    # A failed login with the resident's e-mail address typed as the user name.
    client_for(world.users[Role.CORPORATION]).logout()
    from django.test import Client

    Client().post(
        reverse("two_factor:login"),
        {"login_view-current_step": "auth", "auth-username": SECOND["email"], "auth-password": "fout"},
    )


def test_no_resident_data_in_the_log_lines_of_the_build_and_the_pages(world, visits):
    assert len(world.log_lines) > 20, "the capture hears the portal (PDF and request logs at least)"
    birth = datetime.date(1990, 3, 4)
    found = leaks(world.log_lines, RESIDENT, birth)
    assert not found, "\n".join(found)


def test_no_resident_data_in_log_lines_or_e_mails_of_an_intake_through_the_views(
    world, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    for name in ("woonkans", "django", "celery"):
        caplog.set_level(logging.DEBUG, logger=name)
    with LogCapture() as capture, django_capture_on_commit_callbacks(execute=True):
        intake_through_the_views(world)
    lines = capture.lines + [(record.name, record.getMessage()) for record in caplog.records]
    assert lines, "the capture hears the portal"
    birth = datetime.date(1985, 7, 9)
    found = leaks(lines, SECOND, birth)
    assert not found, "\n".join(found)
    assert mail.outbox, "the submission notified the region's regisseurs"
    mails = [("e-mail", f"{message.subject}\n{message.body}") for message in mail.outbox]
    found = leaks(mails, SECOND, birth) + leaks(mails, RESIDENT, datetime.date(1990, 3, 4))
    assert not found, "\n".join(found)
