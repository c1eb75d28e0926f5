import base64
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from woonkans.accounts.models import User
from woonkans.accounts.roles import Role
from woonkans.parties.models import Organisation

pytestmark = pytest.mark.django_db

MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"
USER_KEYS = {"username", "password", "totp_secret", "role", "organisation", "region"}
REQUIRED = {
    ("wmo_consultant", "Gemeente Venlo"),
    ("wmo_consultant", "Gemeente Venray"),
    ("wmo_consultant", "Gemeente Roermond"),
    ("ketenregisseur", "Ketenregie Noord-Limburg"),
    ("ketenregisseur", "Ketenregie Midden-Limburg"),
    ("procesregisseur", "Ketenregie Midden-Limburg"),
    ("corporation", "Woonwenz"),
    ("corporation", "Antares"),
    ("corporation", "Wonen Limburg"),
    ("treasurer", "MGR sociaal domein Limburg-Noord"),
}


def seed(tmp_path, *args):
    manifest = tmp_path / "manifest.json"
    call_command("seed_demo", "--manifest", str(manifest), "--quiet", *args)
    return json.loads(manifest.read_text())


@pytest.fixture(scope="class")
def first_seed(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seeded once into the empty test database, for the tests of one class; rolled back after.

    Seeding costs seconds: the tests that begin with the first seed of an empty database share this
    one. Each test still runs in a savepoint of its own on top, so nothing one does reaches the next.
    """
    folder = tmp_path_factory.mktemp("first-seed")
    with (
        django_db_blocker.unblock(),
        override_settings(PRIVATE_MEDIA_ROOT=folder / "private", PASSWORD_HASHERS=[MD5]),
        transaction.atomic(),
    ):
        assert not User.objects.filter(is_demo=True).exists()
        yield seed(folder)
        transaction.set_rollback(True)


def test_seed_refuses_a_database_with_real_users(tmp_path, make_user):
    make_user(Role.WERKGROEP, "Gemeente Venlo")
    with pytest.raises(CommandError, match="niet door seed_demo"):
        seed(tmp_path)
    assert not User.objects.filter(is_demo=True).exists()


CASE_KEYS = {
    "code",
    "stage",
    "status",
    "region",
    "municipality_organisation",
    "shared_with",
    "matched_corporation",
    "care_provider",
    "reported_by",
    "identity",
}
IDENTITY_KEYS = {"full_name", "bsn", "birth_date", "street_address", "phone", "email"}


def test_scale_adds_shared_profiles(tmp_path):
    from matching.models import Profile, ProfileShare

    seed(tmp_path, "--scale", "60")
    assert Profile.objects.filter(referral__identity__family_name="Testpersoon").count() > 5
    assert ProfileShare.objects.count() > Profile.objects.count() // 2


def test_the_printed_logins_name_roles_in_dutch(tmp_path):
    from io import StringIO

    out = StringIO()
    call_command("seed_demo", "--manifest", str(tmp_path / "manifest.json"), stdout=out)
    printed = out.getvalue()
    assert "consulent.venlo" in printed and "Wmo-consulent" in printed and "Privacyfunctionaris" in printed
    assert "wmo_consultant" not in printed and "privacy_officer" not in printed


class TestFromTheFirstSeed:
    """Tests that begin with the first seed of an empty database share one (first_seed)."""

    def test_manifest_schema_and_coverage(self, first_seed):
        data = first_seed
        assert set(data) == {"users", "cases", "objects"}
        assert isinstance(data["cases"], list)
        organisation_names = set(Organisation.objects.values_list("name", flat=True))
        for entry in data["users"]:
            assert set(entry) == USER_KEYS
            assert entry["role"] in Role.values
            assert entry["organisation"] in organisation_names
            assert entry["region"] in ("Noord-Limburg", "Midden-Limburg", None)
            base64.b32decode(entry["totp_secret"] + "=" * (-len(entry["totp_secret"]) % 8))
        pairs = {(entry["role"], entry["organisation"]) for entry in data["users"]}
        assert pairs >= REQUIRED
        assert {entry["role"] for entry in data["users"]} == set(Role.values)
        assert sum(1 for entry in data["users"] if entry["role"] == "care_provider") >= 2
        venlo = next(entry for entry in data["users"] if entry["organisation"] == "Gemeente Venlo")
        assert venlo["region"] == "Noord-Limburg"

    def test_each_demo_user_can_log_in_with_password_and_the_manifest_secret(self, client, first_seed):
        data = first_seed
        entry = next(entry for entry in data["users"] if entry["role"] == "ketenregisseur")
        key = base64.b32decode(entry["totp_secret"] + "=" * (-len(entry["totp_secret"]) % 8))
        client.post(
            "/inloggen/",
            {"login_view-current_step": "auth", "auth-username": entry["username"], "auth-password": entry["password"]},
        )
        response = client.post(
            "/inloggen/", {"login_view-current_step": "token", "token-otp_token": f"{totp(key):06d}"}
        )
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(User.objects.get(username=entry["username"]).pk)

    def test_seed_is_idempotent(self, tmp_path, first_seed):
        first = first_seed
        users, devices = User.objects.count(), TOTPDevice.objects.count()
        second = seed(tmp_path)
        assert (User.objects.count(), TOTPDevice.objects.count()) == (users, devices)
        assert first == second
        assert all(device.confirmed for device in TOTPDevice.objects.all())

    def test_demo_cases_cover_steps_two_to_four_in_both_regions(self, first_seed):
        cases = first_seed["cases"]
        for case in cases:
            assert set(case) == CASE_KEYS
            assert set(case["identity"]) == IDENTITY_KEYS
        by_region = {}
        for case in cases:
            by_region.setdefault(case["region"], set()).add(case["stage"])
        assert by_region["Noord-Limburg"] >= {2, 3, 4} and by_region["Midden-Limburg"] >= {2, 3, 4}
        municipalities = {case["municipality_organisation"] for case in cases}
        assert {"Gemeente Venlo", "Gemeente Venray", "Gemeente Roermond"} <= municipalities
        assert {"Moveoo", "Leger des Heils"} & {case["reported_by"] for case in cases}
        assert any(case["status"] == "exception_requested" for case in cases)  # the ineligible one
        submitted = [case for case in cases if case["stage"] == 4]
        assert all(case["identity"]["bsn"] and case["identity"]["birth_date"] for case in submitted)

    def test_demo_cases_are_not_duplicated_by_a_second_run(self, tmp_path, first_seed):
        from referrals.models import Referral

        count = Referral.objects.count()
        seed(tmp_path)
        assert Referral.objects.count() == count

    def test_scale_adds_referrals_across_municipalities(self, tmp_path, first_seed):
        from referrals.models import Referral

        before = Referral.objects.count()
        seed(tmp_path, "--scale", "40")
        assert Referral.objects.count() == before + 40
        assert Referral.objects.values("municipality").distinct().count() >= 5

    def test_demo_cases_reach_steps_five_and_six_in_both_regions(self, first_seed):
        cases = first_seed["cases"]
        later = [case for case in cases if case["stage"] in (5, 6)]
        regions = {(case["region"], case["stage"]) for case in later}
        assert regions >= {("Noord-Limburg", 5), ("Noord-Limburg", 6), ("Midden-Limburg", 5), ("Midden-Limburg", 6)}
        statuses = {case["status"] for case in later}
        assert {"shared", "matched", "housed", "ended_negative"} <= statuses
        for case in later:
            assert case["code"].startswith(("WK-N-", "WK-M-"))
            assert len(case["shared_with"]) >= 1
            if case["stage"] == 6:
                assert case["matched_corporation"] in case["shared_with"]
                assert case["care_provider"] in ("Moveoo", "Leger des Heils")
        assert any(len(case["shared_with"]) >= 2 for case in later)

    def test_demo_fund_has_a_paid_round_a_payout_and_claims_at_every_status(self, tmp_path, first_seed):
        from guarantee_fund.models import Claim, ClaimStatus, ContributionRound, Fund, LedgerEntry

        first = ContributionRound.objects.get(number=1)
        assert not first.contributions.filter(received_on__isnull=True).exists()
        assert LedgerEntry.objects.filter(kind="payout").exists()
        assert set(Claim.objects.values_list("status", flat=True)) == set(ClaimStatus.values)
        assert Claim.objects.filter(status=ClaimStatus.AT_MGR).exists()  # the treasurer can pay this one
        assert Fund.get().balance_cents == sum(LedgerEntry.objects.values_list("amount_cents", flat=True))
        # The municipalities paid as one region; a provider joined later and paid its joining bill.
        assert first.is_regional and first.regional_payer.name == "Gemeente Venlo"
        joining = ContributionRound.objects.get(kind="joining")
        assert not joining.contributions.filter(received_on__isnull=True).exists()
        seed(tmp_path)
        assert ContributionRound.objects.count() == 2

    def test_the_demo_privacy_officer_has_a_fresh_and_an_overdue_request(self, tmp_path, client, first_seed):
        from django.conf import settings
        from django.urls import reverse

        from tests.conftest import sign_in
        from woonkans.accounts.models import LoggingAcceptance

        officer = User.objects.get(username="privacy.venlo")
        LoggingAcceptance.objects.create(user=officer, notice_version=settings.LOGGING_NOTICE_VERSION)
        sign_in(client, officer)
        page = client.get(reverse("subject_rights:list")).content.decode()
        assert "Inzage (art. 15)" in page and "Bezwaar (art. 21)" in page
        assert "1 verzoek is over de termijn." in page
        seed(tmp_path)  # idempotent: no second pair
        from subject_rights.models import SubjectRequest

        # The demo's own pair (the synthetic history's requests come on top).
        assert SubjectRequest.objects.exclude(referral__identity__family_name="Testpersoon").count() == 2

    def test_the_demo_has_a_question_waiting_on_each_side(self, first_seed):
        """The tour shows a corporation's question on the regisseur's home and the regisseur's on the corporation's."""
        from matching import waiting
        from matching.selectors import _corporation_shares, _region_profiles

        regisseur = User.objects.get(username="ketenregisseur.noord")
        assert waiting.with_question_waiting(_region_profiles(regisseur)).exists()
        corporation = User.objects.get(username="corporatie.wonenlimburg")
        assert waiting.with_message_waiting(_corporation_shares(corporation)).exists()
