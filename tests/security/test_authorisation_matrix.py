"""Every URL pattern x every role x an object of the user's own organisation and of another one.

MATRIX below is the one table of who gets what. Its rows are URL names; a URL pattern without a
row fails, and so does a row for a URL name that no longer exists, so a new view cannot skip it.
Each user is one of the demo's roles, signed in with a verified second factor; "own" is an object
of the user's own organisation (or region), "other" the same kind of object of another
organisation (see world.py). A view is asked the way it is meant to be used: GET, or for the
POST-only views (POST_ONLY) an empty POST (nothing is kept: each request is rolled back).

A value is the status code, or "302 <prefix>" for a redirect that must start there. A pair is
(own, other); a single value holds for both. EVERYONE_ELSE covers the roles a row does not name.
Every 404 on an object is also checked in the access log: a denied row naming the user.
"""

import copy

import pytest
from django.db import transaction
from django.urls import resolve

from woonkans.accounts.roles import Role
from woonkans.audit.models import AccessLog, AccessOutcome

from .matrix_support import CASE_KWARGS, client_for, global_kwargs, path_for, url_parameters

CONSULTANT = Role.WMO_CONSULTANT
KETEN = Role.KETENREGISSEUR
PROCES = Role.PROCESREGISSEUR
CORP = Role.CORPORATION
PROVIDER = Role.CARE_PROVIDER
TREASURER = Role.TREASURER
WERKGROEP = Role.WERKGROEP
ADMIN = Role.ADMINISTRATOR
OFFICER = Role.PRIVACY_OFFICER
EVERYONE_ELSE = "*"

OK = 200
DONE = 302  # a POST-only view did its work and sent the user on
NO_CONTENT = 204
REFUSED = 404  # refused objects and pages answer 404, never 403 (ids cannot be probed)
NOT_ALLOWED = 405
FORBIDDEN = 403  # only the Django admin, for a model permission the administrator lacks
ADMIN_LOGIN = "302 /beheer/login/"  # the admin sends non-staff to its login, which itself answers 404
SETUP_DONE = "302 /inloggen/instellen/klaar/"
TO_LOGIN = "302 /inloggen/"
TO_ADMIN_INDEX = "302 /beheer/"


def admin_model(model, *, changelist, add, change, delete, history=None):
    """The five admin pages of one model: the administrator's answer; everyone else to the admin login."""
    answers = {"changelist": changelist, "add": add, "change": change, "delete": delete, "history": history or change}
    return {f"admin:{model}_{page}": {ADMIN: answer, EVERYONE_ELSE: ADMIN_LOGIN} for page, answer in answers.items()}


# POST-only views: asked with an empty POST (or the body in POST_DATA); a GET must be refused.
POST_ONLY = {
    "logout",
    "session_keepalive",
    "access_review_decide",
    "access_review_close",
    "role_request_decide",
    "credential_request_decide",
    "referrals:start",
    "referrals:research_start",
    "referrals:autosave",
    "referrals:document_remove",
    "referrals:submit",
    "matching:profile_create",
    "matching:finding_override",
    "matching:message",
    "matching:profile_housed",
    "matching:meeting_action",
    "guarantee_fund:claim_action",
    "guarantee_fund:entry_correct",
    "guarantee_fund:contribution_received",
    "guarantee_fund:regional_received",
    "monitoring:report_produce",
    "monitoring:werkgroep_member_end",
    "subject_rights:act",
    "admin:logout",
    "oidc_start",
}
POST_DATA = {
    "access_review_decide": {"decision": "confirm"},
    "role_request_decide": {"decision": "refuse"},
    "credential_request_decide": {"decision": "refuse"},
}

MATRIX = {
    # --- signing in and the session -----------------------------------------------------------
    "home": {EVERYONE_ELSE: OK},
    "healthz": {EVERYONE_ELSE: OK},
    "accessibility": {EVERYONE_ELSE: OK},
    "logout": {EVERYONE_ELSE: TO_LOGIN},
    "session_keepalive": {EVERYONE_ELSE: NO_CONTENT},
    "accept_logging": {EVERYONE_ELSE: OK},
    "two_factor:login": {EVERYONE_ELSE: OK},
    "two_factor:setup": {EVERYONE_ELSE: SETUP_DONE},  # already enrolled
    "two_factor:qr": {EVERYONE_ELSE: REFUSED},  # only during an enrolment
    "two_factor:setup_complete": {EVERYONE_ELSE: OK},
    "two_factor:backup_tokens": {EVERYONE_ELSE: OK},
    # The organisation sign-in: without a sign-in under way each sends the browser back to login.
    "oidc_start": {EVERYONE_ELSE: TO_LOGIN},
    "oidc_callback": {EVERYONE_ELSE: TO_LOGIN},
    "oidc_token": {EVERYONE_ELSE: TO_LOGIN},
    # --- access reviews and the logs (administrators) -----------------------------------------
    "access_reviews": {ADMIN: OK, EVERYONE_ELSE: REFUSED},
    # The operator's administrator reviews every organisation ("other" is Gemeente Venlo's review).
    "access_review": {ADMIN: (OK, OK), EVERYONE_ELSE: REFUSED},
    "access_review_decide": {ADMIN: (DONE, DONE), EVERYONE_ELSE: REFUSED},
    "access_review_close": {ADMIN: (DONE, DONE), EVERYONE_ELSE: REFUSED},
    "audit:log_search": {ADMIN: OK, EVERYONE_ELSE: REFUSED},
    # Role requests (four eyes): the operator's administrator decides on them, no one else sees them.
    "role_requests": {ADMIN: OK, EVERYONE_ELSE: REFUSED},
    "role_request_decide": {ADMIN: DONE, EVERYONE_ELSE: REFUSED},
    # Credentials of another organisation's user: asked for here, decided by a second administrator.
    "credential_change": {ADMIN: OK, EVERYONE_ELSE: REFUSED},
    "credential_request_decide": {ADMIN: DONE, EVERYONE_ELSE: REFUSED},
    # The one-time link to set a new password: public; a wrong link says so (200).
    "password_set": {EVERYONE_ELSE: OK},
    "password_set_done": {EVERYONE_ELSE: OK},
    # --- Wmo intake -----------------------------------------------------------------------------
    "referrals:list": {CONSULTANT: OK, EVERYONE_ELSE: REFUSED},
    "referrals:start": {CONSULTANT: DONE, EVERYONE_ELSE: REFUSED},
    "referrals:detail": {
        CONSULTANT: (OK, REFUSED),
        KETEN: (OK, REFUSED),
        PROCES: (OK, REFUSED),
        EVERYONE_ELSE: REFUSED,
    },
    "referrals:research_start": {CONSULTANT: (DONE, REFUSED), EVERYONE_ELSE: REFUSED},
    "referrals:step": {CONSULTANT: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "referrals:autosave": {CONSULTANT: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "referrals:document_remove": {CONSULTANT: (OK, REFUSED), EVERYONE_ELSE: REFUSED},  # its confirmation page
    "referrals:submit": {CONSULTANT: (OK, REFUSED), EVERYONE_ELSE: REFUSED},  # its confirmation page
    "referrals:exception": {CONSULTANT: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "referrals:withdraw": {CONSULTANT: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "referrals:consent_withdraw": {CONSULTANT: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "referrals:feedback": {KETEN: (OK, REFUSED), PROCES: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    # A document of a matched case: the municipality, the region's regisseurs and the matched corporation.
    "referrals:document": {
        CONSULTANT: (OK, REFUSED),
        KETEN: (OK, REFUSED),
        PROCES: (OK, REFUSED),
        CORP: (OK, REFUSED),
        EVERYONE_ELSE: REFUSED,
    },
    "referrals:inbox": {KETEN: OK, PROCES: OK, EVERYONE_ELSE: REFUSED},
    "referrals:reports": {PROVIDER: OK, EVERYONE_ELSE: REFUSED},
    "referrals:report_new": {PROVIDER: OK, EVERYONE_ELSE: REFUSED},
    # --- mediation: the regisseur's pages -------------------------------------------------------
    "matching:profiles": {KETEN: OK, PROCES: OK, EVERYONE_ELSE: REFUSED},
    "matching:profile_create": {KETEN: (DONE, REFUSED), PROCES: (DONE, REFUSED), EVERYONE_ELSE: REFUSED},
    # The case's own consultant (the casusregisseur) reads the profile from the share on, read only.
    "matching:profile": {
        CONSULTANT: (OK, REFUSED),
        KETEN: (OK, REFUSED),
        PROCES: (OK, REFUSED),
        EVERYONE_ELSE: REFUSED,
    },
    "matching:profile_edit": {KETEN: (OK, REFUSED), PROCES: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "matching:finding_override": {KETEN: (DONE, REFUSED), PROCES: (DONE, REFUSED), EVERYONE_ELSE: REFUSED},
    "matching:profile_share": {KETEN: (OK, REFUSED), PROCES: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "matching:message": {KETEN: (DONE, REFUSED), PROCES: (DONE, REFUSED), EVERYONE_ELSE: REFUSED},
    "matching:profile_match": {KETEN: (OK, REFUSED), PROCES: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "matching:profile_housed": {KETEN: (DONE, REFUSED), PROCES: (DONE, REFUSED), EVERYONE_ELSE: REFUSED},
    "matching:profile_end": {KETEN: (OK, REFUSED), PROCES: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    # Warm handover is the chair's (the ketenregisseur), not the procesregisseur's.
    "matching:profile_handover": {KETEN: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "matching:profile_versions": {KETEN: (OK, REFUSED), PROCES: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "matching:profile_pdf": {KETEN: (OK, REFUSED), PROCES: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "matching:case_meeting": {KETEN: (OK, REFUSED), PROCES: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    # --- mediation: the corporation's and the provider's pages ----------------------------------
    "matching:table": {CORP: OK, EVERYONE_ELSE: REFUSED},
    "matching:corporation_profile": {CORP: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "matching:corporation_profile_pdf": {CORP: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "matching:tenant": {CORP: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    # The casusregisseur follows the trajectories of its municipality's cases, read only.
    "matching:trajectories": {CORP: OK, PROVIDER: OK, CONSULTANT: OK, EVERYONE_ELSE: REFUSED},
    "matching:trajectory": {
        CORP: (OK, REFUSED),
        PROVIDER: (OK, REFUSED),
        CONSULTANT: (OK, REFUSED),
        EVERYONE_ELSE: REFUSED,
    },
    # A case meeting is run by the casusregisseur the chair appointed: here the case's own consultant.
    "matching:my_case_meetings": {CONSULTANT: OK, KETEN: OK, PROCES: OK, EVERYONE_ELSE: REFUSED},
    "matching:my_case_meeting": {CONSULTANT: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    # --- after-care (docs/after-care.md) --------------------------------------------------------
    # The chair's overview of the region; the proposals addressed to the chair's region or provider.
    "matching:aftercare": {KETEN: OK, EVERYONE_ELSE: REFUSED},
    "matching:handover": {KETEN: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "matching:provider_change": {KETEN: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "matching:provider_change_answer": {PROVIDER: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    # Each party changes its own fixed contacts (art. 8.1); the casusregisseur reports back (art. 8.3).
    "matching:trajectory_contacts": {CORP: (OK, REFUSED), PROVIDER: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "matching:signal_report_back": {CONSULTANT: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    # --- the Woonkans-overleg -------------------------------------------------------------------
    # The overleg: the region's regisseurs, and the corporations and providers at its table (art. 1j):
    # a corporation with stock in the region, a provider with a case there. Only the chair runs it.
    "matching:meetings": {KETEN: OK, PROCES: OK, CORP: OK, PROVIDER: OK, EVERYONE_ELSE: REFUSED},
    "matching:meeting": {
        KETEN: (OK, REFUSED),
        PROCES: (OK, REFUSED),
        CORP: (OK, REFUSED),
        PROVIDER: (OK, REFUSED),
        EVERYONE_ELSE: REFUSED,
    },
    "matching:meeting_action": {KETEN: (DONE, REFUSED), EVERYONE_ELSE: REFUSED},
    "matching:meeting_pdf": {
        KETEN: (OK, REFUSED),
        PROCES: (OK, REFUSED),
        CORP: (OK, REFUSED),
        PROVIDER: (OK, REFUSED),
        EVERYONE_ELSE: REFUSED,
    },
    # --- guarantee fund -------------------------------------------------------------------------
    "guarantee_fund:claims": {CORP: OK, KETEN: OK, PROCES: OK, TREASURER: OK, EVERYONE_ELSE: REFUSED},
    "guarantee_fund:claim_new": {CORP: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    # Both claims are at the MGR: the treasurer sees every claim there, by code only.
    "guarantee_fund:claim": {
        CORP: (OK, REFUSED),
        KETEN: (OK, REFUSED),
        PROCES: (OK, REFUSED),
        TREASURER: (OK, OK),
        EVERYONE_ELSE: REFUSED,
    },
    # An empty claim line: the form comes back with its errors (200) for those who see the claim.
    "guarantee_fund:claim_action": {
        CORP: (OK, REFUSED),
        KETEN: (OK, REFUSED),
        PROCES: (OK, REFUSED),
        TREASURER: (OK, OK),
        EVERYONE_ELSE: REFUSED,
    },
    "guarantee_fund:claim_document": {
        CORP: (OK, REFUSED),
        KETEN: (OK, REFUSED),
        PROCES: (OK, REFUSED),
        TREASURER: (OK, OK),
        EVERYONE_ELSE: REFUSED,
    },
    # The claim form for the MGR's file: whoever sees the claim, by code only.
    "guarantee_fund:claim_pdf": {
        CORP: (OK, REFUSED),
        KETEN: (OK, REFUSED),
        PROCES: (OK, REFUSED),
        TREASURER: (OK, OK),
        EVERYONE_ELSE: REFUSED,
    },
    "guarantee_fund:ledger": {TREASURER: OK, EVERYONE_ELSE: REFUSED},
    "guarantee_fund:entry_correct": {TREASURER: DONE, EVERYONE_ELSE: REFUSED},
    "guarantee_fund:rounds": {TREASURER: OK, EVERYONE_ELSE: REFUSED},
    "guarantee_fund:round": {TREASURER: OK, EVERYONE_ELSE: REFUSED},
    "guarantee_fund:contribution_received": {TREASURER: DONE, EVERYONE_ELSE: REFUSED},
    "guarantee_fund:payment_request": {TREASURER: OK, EVERYONE_ELSE: REFUSED},
    "guarantee_fund:regional_payment_request": {TREASURER: OK, EVERYONE_ELSE: REFUSED},
    "guarantee_fund:regional_received": {TREASURER: DONE, EVERYONE_ELSE: REFUSED},
    "guarantee_fund:parties": {TREASURER: OK, EVERYONE_ELSE: REFUSED},
    "guarantee_fund:party_iban": {TREASURER: OK, EVERYONE_ELSE: REFUSED},
    "guarantee_fund:accountability": {KETEN: OK, TREASURER: OK, EVERYONE_ELSE: REFUSED},
    # --- monitoring (figures only) --------------------------------------------------------------
    "monitoring:monitoring": {WERKGROEP: OK, KETEN: OK, PROCES: OK, ADMIN: OK, EVERYONE_ELSE: REFUSED},
    # SOK Art. 8.8: every party reads the half-yearly report and how its figures are counted.
    "monitoring:reports": {EVERYONE_ELSE: OK},
    "monitoring:report_file": {EVERYONE_ELSE: OK},
    "monitoring:definitions": {EVERYONE_ELSE: OK},
    "monitoring:report_produce": {KETEN: DONE, PROCES: DONE, EVERYONE_ELSE: REFUSED},
    # The werkgroep (SOK Art. 8.6): its members and the chairs see it; the chairs and the administrator keep it.
    "monitoring:werkgroep": {WERKGROEP: OK, KETEN: OK, PROCES: OK, ADMIN: OK, EVERYONE_ELSE: REFUSED},
    "monitoring:werkgroep_meeting": {WERKGROEP: OK, KETEN: OK, PROCES: OK, ADMIN: OK, EVERYONE_ELSE: REFUSED},
    "monitoring:werkgroep_member_end": {KETEN: DONE, ADMIN: DONE, EVERYONE_ELSE: REFUSED},
    # --- data-subject requests: only the privacy officer of the case's own municipality ---------
    "subject_rights:list": {OFFICER: OK, EVERYONE_ELSE: REFUSED},
    "subject_rights:find_case": {OFFICER: OK, EVERYONE_ELSE: REFUSED},
    "subject_rights:register": {OFFICER: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "subject_rights:detail": {OFFICER: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "subject_rights:rectify": {OFFICER: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "subject_rights:export": {OFFICER: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "subject_rights:access_history": {OFFICER: (OK, REFUSED), EVERYONE_ELSE: REFUSED},
    "subject_rights:act": {OFFICER: (OK, REFUSED), EVERYONE_ELSE: REFUSED},  # an empty form comes back
    # --- the Django admin: the administrator, by model permission; no case data is registered --
    "admin:index": {ADMIN: OK, EVERYONE_ELSE: ADMIN_LOGIN},
    "admin:app_list": {ADMIN: OK, EVERYONE_ELSE: ADMIN_LOGIN},
    "admin:login": {EVERYONE_ELSE: REFUSED},  # login only through the two-factor flow
    "admin:logout": {ADMIN: TO_LOGIN, EVERYONE_ELSE: TO_ADMIN_INDEX},
    "admin:password_change": {ADMIN: OK, EVERYONE_ELSE: ADMIN_LOGIN},
    "admin:password_change_done": {ADMIN: OK, EVERYONE_ELSE: ADMIN_LOGIN},
    "admin:jsi18n": {ADMIN: OK, EVERYONE_ELSE: ADMIN_LOGIN},
    "admin:autocomplete": {ADMIN: FORBIDDEN, EVERYONE_ELSE: ADMIN_LOGIN},  # needs a field to complete
    "admin:view_on_site": {ADMIN: REFUSED, EVERYONE_ELSE: ADMIN_LOGIN},  # organisations have no public page
    # The admin's user is a consultant of another organisation: its password and devices are
    # changed only through a request a second administrator approves (403 with the way to ask).
    "admin:auth_user_password_change": {ADMIN: FORBIDDEN, EVERYONE_ELSE: ADMIN_LOGIN},
    **admin_model("accounts_user", changelist=OK, add=OK, change=OK, delete=FORBIDDEN),
    **admin_model("parties_organisation", changelist=OK, add=OK, change=OK, delete=FORBIDDEN),
    # An organisation's OpenID provider (its own administrator; the operator's for all) and the
    # accounts bound to it, which are only unbound (deleted), never made or changed here.
    **admin_model("accounts_oidcprovider", changelist=OK, add=OK, change=OK, delete=OK),
    # The connection test is a POST (tests/oidc); asked with GET here.
    "admin:accounts_oidcprovider_check": {ADMIN: NOT_ALLOWED, EVERYONE_ELSE: ADMIN_LOGIN},
    **admin_model("accounts_oidcidentity", changelist=OK, add=FORBIDDEN, change=OK, delete=OK),
    **admin_model("parties_region", changelist=OK, add=FORBIDDEN, change=OK, delete=FORBIDDEN),
    **admin_model("parties_housingstock", changelist=OK, add=OK, change=OK, delete=OK),
    **admin_model("parties_distributionkeyshare", changelist=OK, add=OK, change=OK, delete=FORBIDDEN),
    # One row, from the data migration (SOK Art. 12): changed, never added or deleted.
    **admin_model("parties_agreementterm", changelist=OK, add=FORBIDDEN, change=OK, delete=FORBIDDEN),
    # The steps are fixed; only their target lead time is edited.
    **admin_model("leadtimes_leadtimetarget", changelist=OK, add=FORBIDDEN, change=OK, delete=FORBIDDEN),
    # A lockout is lifted by deleting the attempt; a lost phone by deleting the device (never reading it).
    **admin_model("axes_accessattempt", changelist=OK, add=FORBIDDEN, change=OK, delete=OK),
    **admin_model("otp_totp_totpdevice", changelist=FORBIDDEN, add=FORBIDDEN, change=FORBIDDEN, delete=FORBIDDEN),
    "admin:otp_totp_totpdevice_config": {ADMIN: FORBIDDEN, EVERYONE_ELSE: ADMIN_LOGIN},
    "admin:otp_totp_totpdevice_qrcode": {ADMIN: FORBIDDEN, EVERYONE_ELSE: ADMIN_LOGIN},
    **admin_model("otp_static_staticdevice", changelist=FORBIDDEN, add=FORBIDDEN, change=FORBIDDEN, delete=FORBIDDEN),
    **admin_model("axes_accessfailurelog", changelist=FORBIDDEN, add=FORBIDDEN, change=FORBIDDEN, delete=FORBIDDEN),
    **admin_model("axes_accesslog", changelist=FORBIDDEN, add=FORBIDDEN, change=FORBIDDEN, delete=FORBIDDEN),
    **admin_model("auditlog_logentry", changelist=FORBIDDEN, add=FORBIDDEN, change=FORBIDDEN, delete=FORBIDDEN),
    **admin_model("auth_group", changelist=FORBIDDEN, add=FORBIDDEN, change=FORBIDDEN, delete=FORBIDDEN),
}

URL_PARAMETERS = url_parameters()


def expected(name, role):
    row = MATRIX[name]
    answer = row.get(role, row.get(EVERYONE_ELSE))
    return answer if isinstance(answer, tuple) else (answer, answer)


def matches(answer, observed):
    return observed.split(" ")[0] == str(answer) if isinstance(answer, int) else observed.startswith(answer)


def describe(response):
    if response.status_code in (301, 302):
        return f"{response.status_code} {response['Location']}"
    return str(response.status_code)


def ask(client, name, path):
    """One request, rolled back (with the cookies) so that it changes nothing for the next one."""
    jar = copy.deepcopy(client.cookies)
    last_log = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with transaction.atomic():
        if name in POST_ONLY:
            response = client.post(path, POST_DATA.get(name, {}))
        else:
            response = client.get(path)
        denials = list(
            AccessLog.objects.filter(id__gt=last_log, outcome=AccessOutcome.DENIED).values("user_id", "object_id")
        )
        transaction.set_rollback(True)
    client.cookies = jar
    return response, denials


# --- the tests ---------------------------------------------------------------------------------------


def test_every_url_pattern_has_a_row_and_every_row_a_pattern():
    missing = sorted(set(URL_PARAMETERS) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(URL_PARAMETERS))
    assert not missing, f"URL patterns without a row in MATRIX (add who may open them): {missing}"
    assert not stale, f"MATRIX rows for URL names that no longer exist: {stale}"
    assert POST_ONLY <= set(URL_PARAMETERS), sorted(POST_ONLY - set(URL_PARAMETERS))


def test_every_row_names_only_real_roles_and_pairs_only_object_urls():
    problems = []
    for name, row in MATRIX.items():
        for role, answer in row.items():
            if role != EVERYONE_ELSE and role not in Role.values:
                problems.append(f"{name}: unknown role {role!r}")
            if isinstance(answer, tuple) and name not in CASE_KWARGS:
                problems.append(f"{name}: own/other pair on a URL without an organisation's object")
    assert not problems, problems


@pytest.mark.django_db
def test_every_parameterised_url_has_an_object(world):
    unbuilt = [
        name
        for name, parameters in URL_PARAMETERS.items()
        if parameters and name not in CASE_KWARGS and global_kwargs(name, world) is None
    ]
    assert not unbuilt, f"no object to ask these URLs about (add it to matrix_support.py): {unbuilt}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_authorisation_matrix(world, role):
    user = world.users[role]
    client = client_for(user)
    wrong = []
    unlogged = []
    for name in sorted(URL_PARAMETERS):
        if name not in MATRIX:
            wrong.append(f"{name}: no row in MATRIX")
            continue
        sides = ("own", "other") if name in CASE_KWARGS else ("own",)
        for side, answer in zip(sides, expected(name, role), strict=False):
            path = path_for(name, world, side)
            response, denials = ask(client, name, path)
            observed = describe(response)
            if not matches(answer, observed):
                wrong.append(f"{name} [{side}] {path}: expected {answer}, got {observed}")
            if name in CASE_KWARGS and response.status_code == 404:
                ids = {str(value) for value in resolve(path).kwargs.values()}
                if not any(d["user_id"] == user.pk and d["object_id"] in ids for d in denials):
                    unlogged.append(f"{name} [{side}] {path}")
            if name in POST_ONLY:
                # A GET is refused: 405 for those who may post, 404 (like any refused page) for the rest.
                refused = describe(client.get(path))
                wanted = str(REFUSED) if expected(name, role)[0] == REFUSED else str(NOT_ALLOWED)
                if name.startswith("admin:"):
                    wanted = TO_ADMIN_INDEX if role != ADMIN else str(NOT_ALLOWED)  # the admin's own habit
                if refused != wanted:
                    wrong.append(f"{name}: POST-only view answered GET with {refused}, not {wanted}")
    assert not wrong, f"{role.label} ({role.value}): " + "\n".join(wrong)
    assert not unlogged, f"404 without a denied access-log row naming {user.username}:\n" + "\n".join(unlogged)
