"""Every page costs a fixed number of queries, at 5 and at 50 extra cases: generated from the URL resolver.

CEILINGS below is the one table: a row per URL name, the most queries its page may run for the role
that opens it (the first role the authorisation matrix lets open it, on its own organisation's
object), or the reason it is not a page. A URL pattern without a row fails, and so does a row for a
URL name that no longer exists, so a new page cannot skip it. The world is the authorisation matrix's
(world.py: a case at every stage in two regions, made through the services), grown by 5 and then 50
more cases in the own region, each at a different stage (submitted, shared with the own corporation,
matched with a trajectory), so every list, count and detail page has rows that grow. A page whose
count grows with the cases exceeds its ceiling at 50.
"""

import os

import pytest
from django.db import transaction
from django.test import override_settings

from woonkans.accounts.roles import Role

from .conftest import FAST_HASHERS
from .matrix_support import client_for, path_for
from .test_authorisation_matrix import MATRIX, OK, POST_ONLY, URL_PARAMETERS, expected
from .world import _case_at_stage

POST = "POST only: an action, measured with the page it returns to"
REDIRECT = "not a page for any role: it redirects or refuses"

# URL name -> the most queries its page may run, or why it has no ceiling. Measured equal at 5 and 50
# extra cases for every page (QUERY_CEILINGS_MEASURE=1), plus 2 for small changes that do not grow.
CEILINGS = {
    # signing in, the session, access reviews and logs
    "home": 15,
    "accessibility": 10,
    "healthz": 15,
    "accept_logging": 10,
    "two_factor:login": 13,
    "two_factor:setup_complete": 10,
    "two_factor:backup_tokens": 12,
    "access_reviews": 11,
    "access_review": 15,
    "audit:log_search": 10,
    "role_requests": 15,
    "credential_change": 12,
    "password_set": 11,
    "password_set_done": 10,
    # Wmo intake
    "referrals:list": 16,
    "referrals:detail": 22,
    "referrals:step": 15,
    "referrals:exception": 14,
    "referrals:withdraw": 14,
    "referrals:consent_withdraw": 14,
    "referrals:feedback": 19,
    "referrals:document": 14,
    "referrals:inbox": 13,
    "referrals:reports": 12,
    "referrals:report_new": 11,
    # mediation
    "matching:profiles": 15,
    "matching:profile": 17,
    "matching:profile_edit": 26,
    "matching:profile_share": 23,
    "matching:profile_match": 23,
    "matching:profile_end": 22,
    "matching:profile_handover": 25,
    "matching:profile_versions": 21,
    "matching:profile_pdf": 21,
    "matching:case_meeting": 25,
    "matching:table": 14,
    "matching:corporation_profile": 19,
    "matching:corporation_profile_pdf": 20,
    "matching:tenant": 16,
    "matching:trajectories": 12,
    "matching:trajectory": 17,
    "matching:my_case_meetings": 12,
    "matching:my_case_meeting": 12,
    "matching:aftercare": 16,
    "matching:handover": 12,
    "matching:provider_change": 24,
    "matching:provider_change_answer": 14,
    "matching:trajectory_contacts": 15,
    "matching:signal_report_back": 20,
    "matching:meetings": 12,
    "matching:meeting": 20,
    "matching:meeting_pdf": 15,
    # guarantee fund
    "guarantee_fund:claims": 12,
    "guarantee_fund:claim_new": 13,
    "guarantee_fund:claim": 20,
    "guarantee_fund:claim_document": 16,
    "guarantee_fund:claim_pdf": 19,
    "guarantee_fund:ledger": 14,
    "guarantee_fund:rounds": 15,
    "guarantee_fund:round": 12,
    "guarantee_fund:payment_request": 11,
    "guarantee_fund:regional_payment_request": 12,
    "guarantee_fund:parties": 18,
    "guarantee_fund:party_iban": 12,
    "guarantee_fund:accountability": 10,
    # monitoring
    "monitoring:monitoring": 24,
    "monitoring:reports": 11,
    "monitoring:report_file": 12,
    "monitoring:definitions": 10,
    "monitoring:werkgroep": 15,
    "monitoring:werkgroep_meeting": 12,
    # data-subject requests
    "subject_rights:list": 13,
    "subject_rights:find_case": 10,
    "subject_rights:register": 15,
    "subject_rights:detail": 16,
    "subject_rights:rectify": 17,
    "subject_rights:export": 36,
    "subject_rights:access_history": 20,
}
# Every POST-only view, and the pages no role opens with a 200 (redirects, refusals, the admin's 403s).
CEILINGS.update(dict.fromkeys(POST_ONLY, POST))
ADMIN_CEILING = 18  # the Django admin's own pages (changelists page at 100 and count once)


def page_role(name):
    """The first role the matrix lets open the page on its own organisation's object, or None."""
    return next((role for role in Role if expected(name, role)[0] == OK), None)


def ceiling(name):
    if name in CEILINGS:
        return CEILINGS[name]
    if name.startswith("admin:"):
        return ADMIN_CEILING if page_role(name) else REDIRECT
    if name in MATRIX and page_role(name) is None:
        return REDIRECT
    return None


def test_every_url_pattern_has_a_ceiling_and_every_ceiling_a_pattern():
    missing = sorted(name for name in URL_PARAMETERS if ceiling(name) is None)
    stale = sorted(set(CEILINGS) - set(URL_PARAMETERS))
    assert not missing, f"URL patterns without a query ceiling (add a row to CEILINGS): {missing}"
    assert not stale, f"CEILINGS rows for URL names that no longer exist: {stale}"
    wrong = sorted(name for name, value in CEILINGS.items() if isinstance(value, int) and page_role(name) is None)
    assert not wrong, f"a ceiling for a URL no role opens as a page (give the reason instead): {wrong}"


PAGES = sorted(name for name in URL_PARAMETERS if isinstance(ceiling(name), int))


@pytest.fixture(scope="module", params=[5, 50], ids=["5-cases", "50-cases"])
def grown(request, world, django_db_blocker, private_root):
    """The world plus n cases in the own region, spread over three stages; rolled back afterwards."""
    people = world.own.people
    stages = ("submitted", "shared", "matched")
    with django_db_blocker.unblock(), override_settings(PRIVATE_MEDIA_ROOT=private_root, PASSWORD_HASHERS=FAST_HASHERS):
        with transaction.atomic():
            for number in range(request.param):
                _case_at_stage(people, stages[number % len(stages)], dwelling_address=f"Maasboulevard {number + 10}")
            yield world
            transaction.set_rollback(True)


MEASURED = {}  # URL name -> the queries its page ran with 5 extra cases (the 5-case run goes first)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_the_page_runs_at_most_its_ceiling(grown, name, django_assert_max_num_queries, request):
    """The page answers 200 for its role and runs at most its ceiling, with 5 and with 50 extra cases,
    and no more queries with 50 than with 5 (a list's capped total is no query of its own once it pages)."""
    role = page_role(name)
    client = client_for(grown.users[role])
    path = path_for(name, grown, "own")
    # QUERY_CEILINGS_MEASURE=1 (with -s) prints each page's count instead of holding it to its ceiling.
    measuring = bool(os.environ.get("QUERY_CEILINGS_MEASURE"))
    with django_assert_max_num_queries(10**6 if measuring else CEILINGS.get(name, ADMIN_CEILING)) as captured:
        response = client.get(path)
    if measuring:
        print(f"QUERIES {name} {len(captured)}")
    assert response.status_code == 200, f"{name} {path} as {role}: {response.status_code}"
    cases = request.node.callspec.params["grown"]
    if cases == 5:
        MEASURED[name] = len(captured)
    elif name in MEASURED:
        assert len(captured) <= MEASURED[name], f"{name}: {MEASURED[name]} queries at 5 cases, {len(captured)} at 50"
