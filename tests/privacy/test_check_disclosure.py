"""check_disclosure: every case's grants against the policy; drift found by case id, repaired with --fix."""

import io
import pathlib
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from guardian.shortcuts import assign_perm

from matching.models import ProfileGroupObjectPermission
from referrals.models import DocumentKind, Referral
from woonkans.audit.models import AccessLog
from woonkans.parties.models import Organisation
from woonkans.privacy import disclosure
from woonkans.privacy.disclosure_check import AUDIT_OBJECT_TYPE
from woonkans.privacy.tasks import check_disclosure

from ..matching.conftest import make_shared

pytestmark = pytest.mark.django_db
ROOT = pathlib.Path(settings.BASE_DIR)


def check(*args):
    out = io.StringIO()
    call_command("check_disclosure", *args, stdout=out)
    return out.getvalue()


def audit_entries():
    return AccessLog.objects.filter(object_type=AUDIT_OBJECT_TYPE).count()


def test_a_planted_grant_is_found_by_case_id_and_repaired(client, signed_in, people):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    assert check() and audit_entries() == 1
    outsider = Organisation.objects.get(name="Wonen Limburg")
    assign_perm("matching.view_profile", outsider.group, profile)
    signed_in(people["wonenlimburg"])
    url = reverse("matching:corporation_profile", kwargs={"profile_id": profile.pk})
    assert client.get(reverse("matching:table")).status_code == 200

    out = io.StringIO()
    with pytest.raises(CommandError, match="1 zaken wijken af"):
        call_command("check_disclosure", stdout=out)
    report = out.getvalue()
    assert f"te veel zaak={profile.referral_id} object=profile organisatie={outsider.pk} recht=view_profile" in report
    assert "Jansen" not in report and "111222333" not in report
    assert ProfileGroupObjectPermission.objects.filter(group=outsider.group).exists(), "no repair without --fix"

    with pytest.raises(CommandError, match="hersteld"):
        check("--fix")
    assert not ProfileGroupObjectPermission.objects.filter(group=outsider.group).exists()
    assert client.get(url).status_code == 404
    assert "Alle zaken volgen" in check()
    assert audit_entries() == 4, "one audit entry per run"


def test_missing_grants_and_grants_to_single_users_are_drift_too(people):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    regisseurs = Organisation.objects.get(name="Ketenregie Noord-Limburg")
    ProfileGroupObjectPermission.objects.filter(group=regisseurs.group).delete()
    assign_perm("referrals.view_referral", people["antares"], profile.referral)

    drift = disclosure.reconcile(None, fix=False)
    assert drift.case_ids() == [profile.referral_id]
    assert ("profile", regisseurs.pk, "change_profile") in drift.missing[profile.referral_id]
    assert ("referral", f"user:{people['antares'].pk}", "view_referral") in drift.extra[profile.referral_id]

    result = check_disclosure()
    assert result["cases"] == [str(profile.referral_id)] and result["fixed"]
    assert not disclosure.reconcile(None, fix=False)
    assert not people["antares"].has_perm("referrals.view_referral", Referral.objects.get(pk=profile.referral_id))


def test_the_check_runs_nightly():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "woonkans.privacy.tasks.check_disclosure" in tasks


def test_demo_data_follows_the_policy(tmp_path):
    call_command("seed_demo", "--manifest", str(tmp_path / "manifest.json"), "--quiet", "--scale", "40")
    assert Referral.objects.count() > 40
    assert "Alle zaken volgen" in check()


def test_no_module_writes_grants_but_the_disclosure_policy():
    """Grants are derived, never hand-written: only woonkans/privacy/disclosure/ touches guardian's tables."""
    allowed = set((ROOT / "woonkans" / "privacy" / "disclosure").glob("*.py"))
    assert allowed
    apps = ["woonkans", "referrals", "matching", "subject_rights", "guarantee_fund", "monitoring"]
    # Guardian's shortcuts, building permission rows, or querying their tables to write them.
    forbidden = re.compile(r"\b(assign_perm|remove_perm)\b|ObjectPermission\(|ObjectPermission\.objects")
    offenders = []
    for app in apps:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path in allowed:
                continue
            for line in path.read_text().splitlines():
                # The models' own class statements declare the tables; anything else is a hand-written grant.
                if forbidden.search(line) and not line.startswith("class "):
                    offenders.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert offenders == []


def test_the_policy_names_only_real_codenames_and_document_kinds():
    assert set(disclosure.POLICY) == set(disclosure.Stage)
    models = {disclosure.REFERRAL: "referrals", disclosure.PROFILE: "matching"}
    for stage, relations in disclosure.POLICY.items():
        assert set(relations) <= set(disclosure.Relation), stage
        for kind, codename in set().union(*relations.values()):
            assert Permission.objects.filter(content_type__app_label=models[kind], codename=codename).exists()
    for kinds in disclosure.DOCUMENT_KINDS.values():
        assert kinds is None or kinds <= set(DocumentKind.values)
    # Step 6 (Bijlage 2): exactly these for the matched corporation, never the consultant's other papers.
    assert disclosure.document_kinds(disclosure.Relation.MATCHED_CORPORATION) == {
        DocumentKind.LANDLORD_STATEMENT,
        DocumentKind.GBA_EXTRACT,
        DocumentKind.INCOME_STATEMENT,
        DocumentKind.GUARDIANSHIP_DECISION,
    }
    # Before step 5 no corporation, after a stop nobody but the municipality (and the reporter's status).
    for stage in (disclosure.Stage.SUBMITTED, disclosure.Stage.PROFILE_DRAFT):
        assert not disclosure.grants_for(stage, disclosure.Relation.SHARED_CORPORATION)
    for stage in (disclosure.Stage.STOPPED, disclosure.Stage.STOPPED_IN_DRAFT, disclosure.Stage.ERASED):
        assert set(disclosure.POLICY[stage]) <= {
            disclosure.Relation.CONSULTANT,
            disclosure.Relation.PRIVACY_OFFICER,
            disclosure.Relation.REPORTING_PROVIDER,
        }
    # A stop from draft discloses no profile (the consultant only gets it with the share, DPIA §3).
    for relation in disclosure.Relation:
        assert disclosure.VIEW_PROFILE not in disclosure.grants_for(disclosure.Stage.STOPPED_IN_DRAFT, relation)
