"""Form rules match database rules: no IntegrityError reaches a user.

RULES maps every CheckConstraint of every model in the project to what stands in front of it:
the form (and the real view that posts it) that writes the column, or, for a column no form
writes, the service that refuses a bad value with a domain error. A new CheckConstraint without
an entry fails ``test_every_check_constraint_has_an_entry``, so this table cannot drift.

The bad inputs are derived from the same rule objects the constraints are built from, and each is
first shown to violate its constraint, so an entry cannot pass by testing a harmless value.
"""

import datetime
import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.urls import reverse
from django.utils import timezone

from guarantee_fund import services, splits
from guarantee_fund.models import APPROVED_AMOUNT, CLAIM_LINE_AMOUNT, DEPOSIT, Claim, ClaimLine, Fund, LedgerEntry
from guarantee_fund.services.claims import claim_problems
from matching.models import Offer
from matching.models.profile import RENT
from woonkans.accounts.roles import Role
from woonkans.money import MoneyRule, format_euro
from woonkans.parties.models import WHOLE_KEY_BASIS_POINTS, DistributionKeyShare

from .guarantee_fund.conftest import approved_claim, ended_negatively, fund_with, through_overleg
from .matching.conftest import make_shared
from .referrals.conftest import PDF

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("woonkans", "referrals", "matching", "guarantee_fund", "monitoring", "subject_rights", "leadtimes")


def project_models():
    return [model for model in apps.get_models() if model.__module__.split(".")[0] in PROJECT_APPS]


def constraints_of_kind(kind):
    return {
        (model._meta.label_lower, constraint.name): (model, constraint)
        for model in project_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, kind)
    }


# --- what a bad input is, derived from the rule -----------------------------------------------


def typed(cents):
    """Cents as a person would type them."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole},{rest:02d}"


def money_refusals(rule: MoneyRule):
    """Just outside both ends of the rule: (what is typed, what the column would hold, the Dutch message)."""
    below = rule.min_cents - 1
    below_message = (
        "Een bedrag kan niet negatief zijn."
        if below < 0
        else "Het bedrag moet hoger zijn dan € 0,00."
        if rule.min_cents == 1
        else f"Het bedrag moet minstens {format_euro(rule.min_cents)} zijn."
    )
    above = rule.max_cents + 1
    return [
        (typed(below), below, below_message),
        (typed(above), above, f"Het bedrag mag niet hoger zijn dan {format_euro(rule.max_cents)}."),
    ]


# --- the real views that write each column ---------------------------------------------------


@dataclass
class ViewPost:
    url: str
    data: dict  # a valid post; the guarded field gets the bad input
    field: str  # the posted name of the guarded field
    field_id: str  # its element id on the page
    rows: Callable[[], int]  # rows that a wrongly accepted post would add


def draft_claim(people):
    return services.create_claim(
        actor=people["woonwenz"],
        profile=ended_negatively(people),
        termination_date=timezone.localdate(),
        termination_kind="evicted",
        evaluation="Huurachterstand opgelopen.",
        deposit_cents=50_000,
    )


def filed_claim(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    claim = draft_claim(people)
    services.add_claim_line(
        actor=people["woonwenz"],
        claim=claim,
        category="repair",
        description="Deur",
        amount_cents=400_000,
        inspection_item="Post 3: voordeur",
    )
    services.add_claim_document(
        actor=people["woonwenz"],
        claim=claim,
        description="Factuur",
        uploaded_file=SimpleUploadedFile("factuur.pdf", PDF, content_type="application/pdf"),
    )
    return services.file_claim(actor=people["woonwenz"], claim=claim, no_serious_negligence=True)


def post_claim_line(people, signed_in):
    claim = draft_claim(people)
    signed_in(people["woonwenz"])
    return ViewPost(
        url=reverse("guarantee_fund:claim_action", args=[claim.pk, "regel"]),
        data={"category": "repair", "description": "Kapotte deur"},
        field="amount_cents",
        field_id="regel_amount_cents",
        rows=ClaimLine.objects.count,
    )


def post_new_claim(people, signed_in):
    profile = ended_negatively(people)
    signed_in(people["woonwenz"])
    return ViewPost(
        url=reverse("guarantee_fund:claim_new", args=[profile.pk]),
        data={
            "termination_date": timezone.localdate().isoformat(),
            "termination_kind": "evicted",
            "evaluation": "Huurachterstand opgelopen.",
        },
        field="deposit_cents",
        field_id="id_deposit_cents",
        rows=Claim.objects.count,
    )


def post_decision(people, signed_in):
    claim = through_overleg(people, filed_claim(people))
    signed_in(people["noord"])
    return ViewPost(
        url=reverse("guarantee_fund:claim_action", args=[claim.pk, "besluit"]),
        data={"decision": "part", "negligence_found": "0", "motivation": "Besproken in het overleg."},
        field="approved_cents",
        field_id="besluit_approved_cents",
        rows=Claim.objects.filter(approved_cents__isnull=False).count,
    )


def post_offer(people, signed_in):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    signed_in(people["woonwenz"])
    return ViewPost(
        url=reverse("matching:corporation_profile", args=[profile.pk]),
        data={
            "reageren": "1",
            "response": "offer",
            "dwelling_address": "Maasstraat 3, Venlo",
            "dwelling_type": "Appartement",
            "available_from": "2027-02-01",
        },
        field="rent",
        field_id="id_rent",
        rows=Offer.objects.count,
    )


def post_key_share(people, signed_in):
    share = DistributionKeyShare.objects.select_related("municipality").first()
    signed_in(people["admin"])
    return ViewPost(
        url=reverse("admin:parties_distributionkeyshare_change", args=[share.pk]),
        data={"municipality": share.municipality_id, "is_demo_figure": "on"},
        field="basis_points",
        field_id="id_basis_points",
        rows=DistributionKeyShare.objects.filter(basis_points__gt=WHOLE_KEY_BASIS_POINTS).count,
    )


# --- the services that write the columns no form writes --------------------------------------


def pay_more_than_the_fund_holds(people):
    fund_with(300_000, treasurer=people["treasurer"])
    claim = approved_claim(people, amount_cents=400_000)
    services.pay_claim(
        actor=people["treasurer"], claim=claim, paid_on=timezone.localdate(), reference="BANK-0001", idempotency_key="k"
    )


def correct_a_contribution_already_spent(people):
    entry = fund_with(500_000, treasurer=people["treasurer"])
    claim = approved_claim(people, amount_cents=400_000)
    services.pay_claim(
        actor=people["treasurer"], claim=claim, paid_on=timezone.localdate(), reference="BANK-0001", idempotency_key="k"
    )
    services.correct_entry(actor=people["treasurer"], entry=entry, reason="Dubbel geboekt")


def split_a_negative_key(people):
    splits.contribution_round(
        key_basis_points={"venlo": -1, "venray": 10_001}, housing_stock={"a": 1}, care_providers=[]
    )


def open_a_regional_round_without_its_payer(people):
    services.open_round(actor=people["treasurer"], municipal_billing="regional", regional_payer=None)


@dataclass(frozen=True)
class Form:
    """A form writes the column: the real view must refuse each bad input beside the field."""

    view: Callable[..., ViewPost]
    column: str
    refusals: list  # (typed, value in the column, Dutch message)


@dataclass(frozen=True)
class ServiceOnly:
    """No form writes the column: the service refuses with a domain error before the database does."""

    why: str
    attempt: Callable
    error: type[Exception]
    message: str


# --- the administrators' role requests (four eyes): only woonkans.accounts.user_services writes them ---


def _role_request_by(people):
    from woonkans.accounts.user_services import grant_role

    # The operator's administrator asks for a role in Venlo: a request, not yet a role.
    return grant_role(actor=people["admin"], user=people["venlo"], role=Role.WERKGROEP)


def approve_ones_own_role_request(people):
    from woonkans.accounts.user_services import approve_role_request

    approve_role_request(actor=people["admin"], grant_request=_role_request_by(people))


def approve_a_role_request_for_oneself(people):
    from woonkans.accounts.user_services import approve_role_request, grant_role

    grant_request = grant_role(actor=people["admin"], user=people["admin_venlo"], role=Role.WERKGROEP)
    approve_role_request(actor=people["admin_venlo"], grant_request=grant_request)


def ask_a_role_for_oneself(people):
    from woonkans.accounts.user_services import grant_role

    grant_role(actor=people["admin"], user=people["admin"], role=Role.WERKGROEP)


def ask_the_same_role_twice(people):
    from woonkans.accounts.models import RoleGrantRequest

    _role_request_by(people)
    _role_request_by(people)
    return RoleGrantRequest.objects.filter(user=people["venlo"], role=Role.WERKGROEP).count()


# --- credential requests (four eyes): only woonkans.accounts.credential_services writes them ---


def _credential_request_by(people):
    from woonkans.accounts.credential_services import change_credentials

    # The operator's administrator asks to reset a Venlo consultant's login: a request, nothing changed.
    return change_credentials(
        actor=people["admin"], user=people["venlo"], reset_login=True, new_email="venlo@example.org"
    )


def approve_ones_own_credential_request(people):
    from woonkans.accounts.credential_services import approve_credential_request

    approve_credential_request(actor=people["admin"], credential_request=_credential_request_by(people))


def _provider_registered_by(people):
    from woonkans.accounts.models import OidcProvider
    from woonkans.accounts.oidc.approval import ask_approval

    admin = people["admin_venlo"]
    provider, _created = OidcProvider.objects.get_or_create(
        organisation=admin.organisation,
        defaults={"issuer": "https://login.example", "client_id": "portal", "client_secret": "s"},
    )
    ask_approval(actor=admin, provider=provider)
    return provider


def approve_ones_own_provider_registration(people):
    from woonkans.accounts.oidc.approval import decide

    decide(actor=people["admin_venlo"], provider=_provider_registered_by(people), approve=True)


def register_a_provider_change_twice(people):
    from woonkans.accounts.oidc.approval import pending_requests

    _provider_registered_by(people)
    return pending_requests().filter(provider=_provider_registered_by(people)).count()


def approve_a_credential_request_for_oneself(people):
    from woonkans.accounts.credential_services import approve_credential_request, change_credentials

    credential_request = change_credentials(
        actor=people["admin"], user=people["admin_venlo"], reset_login=True, new_email="beheer@venlo.example"
    )
    approve_credential_request(actor=people["admin_venlo"], credential_request=credential_request)


def ask_credentials_for_oneself(people):
    from woonkans.accounts.credential_services import change_credentials

    change_credentials(actor=people["admin"], user=people["admin"], reset_login=True)


def ask_nothing(people):
    from woonkans.accounts.credential_services import change_credentials

    change_credentials(actor=people["admin"], user=people["venlo"])


def ask_the_same_reset_twice(people):
    from woonkans.accounts.models import CredentialResetRequest

    _credential_request_by(people)
    _credential_request_by(people)
    return CredentialResetRequest.objects.filter(user=people["venlo"]).count()


def end_a_membership_before_it_began(people):
    from monitoring import services as monitoring_services
    from woonkans.parties.models import Organisation

    member = monitoring_services.add_werkgroep_member(
        actor=people["admin"],
        seat="municipality",
        organisation=Organisation.objects.get(name="Gemeente Venlo"),
        since=timezone.localdate() + datetime.timedelta(days=10),
    )
    monitoring_services.end_werkgroep_member(actor=people["admin"], member=member, until=timezone.localdate())


RULES = {
    ("guarantee_fund.claimline", "claim_line_amount_in_range"): Form(
        post_claim_line, "amount_cents", money_refusals(CLAIM_LINE_AMOUNT)
    ),
    ("guarantee_fund.claim", "deposit_in_range"): Form(post_new_claim, "deposit_cents", money_refusals(DEPOSIT)),
    ("guarantee_fund.claim", "approved_amount_in_range"): Form(
        post_decision, "approved_cents", money_refusals(APPROVED_AMOUNT)
    ),
    ("matching.offer", "rent_in_range"): Form(post_offer, "rent_cents", money_refusals(RENT)),
    ("parties.distributionkeyshare", "key_share_at_most_whole"): Form(
        post_key_share,
        "basis_points",
        [
            (
                str(WHOLE_KEY_BASIS_POINTS + 1),
                WHOLE_KEY_BASIS_POINTS + 1,
                f"Een aandeel is hoogstens {WHOLE_KEY_BASIS_POINTS} basispunten (100 procent).",
            )
        ],
    ),
    ("monitoring.werkgroepmember", "werkgroep_member_until_after_since"): ServiceOnly(
        "Only monitoring.services.end_werkgroep_member sets the end date, and refuses one before the start.",
        end_a_membership_before_it_began,
        ValidationError,
        "vóór de begindatum",
    ),
    ("guarantee_fund.fund", "fund_never_negative"): ServiceOnly(
        "The balance moves only by bookings (services.ledger._book), which refuse to go below zero.",
        pay_more_than_the_fund_holds,
        services.InsufficientFunds,
        "te laag",
    ),
    ("guarantee_fund.ledgerentry", "ledger_balance_never_negative"): ServiceOnly(
        "Entries are written only by services.ledger._book: a correction that would empty the fund is refused.",
        correct_a_contribution_already_spent,
        services.InsufficientFunds,
        "te laag",
    ),
    ("guarantee_fund.contribution", "contribution_not_negative"): ServiceOnly(
        "Amounts are computed by open_round from the key and housing stock; the split refuses a negative figure.",
        split_a_negative_key,
        ValueError,
        "negatief",
    ),
    ("guarantee_fund.contributionround", "regional_round_names_its_payer"): ServiceOnly(
        "Rounds are opened only by services.open_round, which refuses a regional round without a paying "
        "municipality (the round form asks for it beside the field too).",
        open_a_regional_round_without_its_payer,
        ValidationError,
        "namens de regio",
    ),
    ("accounts.rolegrantrequest", "role_request_second_administrator_decides"): ServiceOnly(
        "Role requests are decided only by user_services._decide, which refuses the requester.",
        approve_ones_own_role_request,
        ValidationError,
        "tweede beheerder",
    ),
    ("accounts.rolegrantrequest", "role_request_not_decided_by_its_user"): ServiceOnly(
        "Role requests are decided only by user_services._decide, which refuses the user concerned.",
        approve_a_role_request_for_oneself,
        ValidationError,
        "niet zelf wijzigen",
    ),
    ("accounts.credentialresetrequest", "credential_request_second_administrator_decides"): ServiceOnly(
        "Credential requests are decided only by credential_services._decide, which refuses the requester.",
        approve_ones_own_credential_request,
        ValidationError,
        "tweede beheerder",
    ),
    ("accounts.credentialresetrequest", "credential_request_not_decided_by_its_user"): ServiceOnly(
        "Credential requests are decided only by credential_services._decide, which refuses the user concerned.",
        approve_a_credential_request_for_oneself,
        ValidationError,
        "niet zelf wijzigen",
    ),
    ("accounts.credentialresetrequest", "credential_request_not_for_oneself"): ServiceOnly(
        "Credential requests are written only by credential_services.change_credentials, which refuses oneself.",
        ask_credentials_for_oneself,
        ValidationError,
        "niet zelf wijzigen",
    ),
    ("accounts.credentialresetrequest", "credential_request_asks_something"): ServiceOnly(
        "change_credentials refuses a request that changes nothing (the form's three fields all empty).",
        ask_nothing,
        ValidationError,
        "Kies wat er moet veranderen",
    ),
    ("accounts.oidcproviderrequest", "oidc_provider_request_second_administrator_decides"): ServiceOnly(
        "Provider registrations are decided only by oidc.approval.decide, which refuses the requester.",
        approve_ones_own_provider_registration,
        ValidationError,
        "tweede beheerder",
    ),
    ("accounts.rolegrantrequest", "role_request_not_for_oneself"): ServiceOnly(
        "Role requests are written only by user_services.grant_role, which refuses one's own account.",
        ask_a_role_for_oneself,
        ValidationError,
        "niet zelf wijzigen",
    ),
}

FORM_RULES = [key for key, entry in RULES.items() if isinstance(entry, Form)]
CASES = [(key, refusal) for key in FORM_RULES for refusal in RULES[key].refusals]


def test_every_check_constraint_has_an_entry():
    found = set(constraints_of_kind(models.CheckConstraint))
    assert found - set(RULES) == set(), "a new CheckConstraint needs an entry in RULES: which form guards it?"
    assert set(RULES) - found == set(), "RULES names a constraint that no longer exists"


def field_error(page, field_id):
    match = re.search(rf'id="{field_id}_error"[^>]*>(.*?)</(?:div|ul)>', page, re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def field_value(page, field_id):
    tag = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', page)
    value = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    return html.unescape(value.group(1)) if value else None


@pytest.mark.parametrize(("key", "refusal"), CASES, ids=[f"{key[1]}[{refusal[0]}]" for key, refusal in CASES])
def test_the_form_refuses_what_the_constraint_refuses(key, refusal, people, signed_in, client):
    entry = RULES[key]
    text, value, message = refusal
    model, constraint = constraints_of_kind(models.CheckConstraint)[key]
    with pytest.raises(ValidationError):  # the input is one the database would refuse
        constraint.validate(model, model(**{entry.column: value}))

    post = entry.view(people, signed_in)
    before = post.rows()
    response = client.post(post.url, {**post.data, post.field: text})

    assert response.status_code == 200
    page = response.content.decode()
    assert message in field_error(page, post.field_id), f"no Dutch message beside {post.field_id}"
    assert field_value(page, post.field_id) == text, "what was typed is lost"
    assert post.rows() == before


@pytest.mark.parametrize("key", [key for key, entry in RULES.items() if isinstance(entry, ServiceOnly)])
def test_a_column_no_form_writes_is_guarded_by_its_service(key, people):
    entry = RULES[key]
    with pytest.raises(entry.error, match=entry.message) as raised:
        entry.attempt(people)
    assert not isinstance(raised.value, IntegrityError)
    assert Fund.get().balance_cents >= 0 and not LedgerEntry.objects.filter(balance_after_cents__lt=0).exists()


def test_a_zero_claim_line_is_refused_on_the_claim_page(people, signed_in, client):
    """The reported case: € 0 on a claim line answered 500 and lost what was typed."""
    claim = draft_claim(people)
    signed_in(people["woonwenz"])
    response = client.post(
        reverse("guarantee_fund:claim_action", args=[claim.pk, "regel"]),
        {"category": "repair", "description": "Kapotte deur", "amount_cents": "€ 0,00"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Het bedrag moet hoger zijn dan € 0,00." in field_error(page, "regel_amount_cents")
    assert field_value(page, "regel_amount_cents") == "€ 0,00"
    assert 'value="Kapotte deur"' in page
    assert not claim.lines.exists()


def test_1e6_is_not_a_million_euros(people, signed_in, client):
    claim = draft_claim(people)
    signed_in(people["woonwenz"])
    response = client.post(
        reverse("guarantee_fund:claim_action", args=[claim.pk, "regel"]),
        {"category": "repair", "description": "Deur", "amount_cents": "1e6"},
    )
    assert "voluit in cijfers" in field_error(response.content.decode(), "regel_amount_cents")
    assert not claim.lines.exists()


def test_an_offer_takes_a_dutch_rent(people, signed_in, client):
    post = post_offer(people, signed_in)
    response = client.post(post.url, {**post.data, "rent": "1.512,40"})
    assert response.status_code == 302
    assert Offer.objects.get().rent_cents == 151240
    assert "€\u00a01.512,40" in client.get(post.url).content.decode()


def test_the_chair_sees_the_claimed_total_in_dutch_when_approving_too_much(people, signed_in, client):
    post = post_decision(people, signed_in)
    response = client.post(post.url, {**post.data, "approved_cents": "4.000,01"})
    page = response.content.decode()
    assert "niet hoger dan het geclaimde (€\u00a04.000,00)" in field_error(page, "besluit_approved_cents")
    assert field_value(page, "besluit_approved_cents") == "4.000,01"


def test_claim_messages_show_money_in_dutch(people):
    claim = draft_claim(people)
    services.add_claim_line(
        actor=people["woonwenz"], claim=claim, category="repair", description="Deur", amount_cents=123_456
    )
    claim.deposit_cents = 200_000
    problems = " ".join(claim_problems(claim))
    assert "(€\u00a01.234,56)" in problems and "(€\u00a02.000,00)" in problems and "1,234.56" not in problems


def test_services_refuse_amounts_outside_the_rule_without_reaching_the_database(people):
    claim = draft_claim(people)
    with pytest.raises(ValidationError) as refused:
        services.add_claim_line(
            actor=people["woonwenz"], claim=claim, category="repair", description="x", amount_cents=0
        )
    assert "tussen €\u00a00,01 en €\u00a01.000.000,00" in refused.value.messages[0]
    with pytest.raises(ValidationError, match="tussen"):
        services.create_claim(
            actor=people["woonwenz"],
            profile=claim.profile,
            termination_date=datetime.date(2026, 1, 1),
            termination_kind="evicted",
            evaluation="x",
            deposit_cents=-1,
        )


# --- UniqueConstraints -----------------------------------------------------------------------
# Every UniqueConstraint, with what keeps a user from hitting it. "again" entries: the action a
# user can repeat (double click, second tab) is done twice and must leave one row, no error.


def check_in_twice(people):
    from matching import services as matching

    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    meeting = matching.create_meeting(actor=people["noord"], region=profile.region, date=timezone.localdate())
    for _attempt in range(2):
        matching.check_in(actor=people["noord"], meeting=meeting, organisation=people["woonwenz"].organisation)
    return meeting.attendances.count()


def vote_twice(people):
    from matching import services as matching
    from referrals import services as referrals

    from .referrals.conftest import make_ready

    referral = make_ready(people["venlo"], status_holder=True)
    request = referrals.request_exception(actor=people["venlo"], referral=referral, motivation="Lang in de regio.")
    meeting = matching.create_meeting(actor=people["noord"], region=referral.region, date=timezone.localdate())
    item = matching.add_agenda_item(actor=people["noord"], meeting=meeting, kind="exception", exception_request=request)
    organisation = people["woonwenz"].organisation
    matching.check_in(actor=people["noord"], meeting=meeting, organisation=organisation)
    for choice in ("for", "against"):
        matching.record_vote(actor=people["noord"], item=item, organisation=organisation, choice=choice)
    return item.votes.count()


def share_twice(people):
    from matching import services as matching

    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    matching.share_profile(actor=people["noord"], profile=profile, corporations=[people["woonwenz"].organisation])
    return profile.shares.count()


def accept_logging_twice(people):
    from django.conf import settings

    from woonkans.accounts.models import LoggingAcceptance
    from woonkans.accounts.services import accept_logging_notice

    for _attempt in range(2):
        accept_logging_notice(user=people["venlo"])
    return LoggingAcceptance.objects.filter(
        user=people["venlo"], notice_version=settings.LOGGING_NOTICE_VERSION
    ).count()


def bind_the_same_subject_twice(people):
    from woonkans.accounts.models import OidcIdentity, OidcProvider
    from woonkans.accounts.oidc.services import bind_subject

    user = people["venlo"]
    provider = OidcProvider.objects.create(
        organisation=user.organisation, issuer="https://login.example", client_id="portal", client_secret="s"
    )
    for _sign_in in range(2):
        bind_subject(user=user, provider=provider, subject="subject-1")
    return OidcIdentity.objects.filter(provider=provider, subject="subject-1").count()


def save_draft_twice(people):
    from django.http import QueryDict

    from referrals import services as referral_services
    from referrals.models import FormDraft

    from .referrals.conftest import make_ready

    referral = make_ready(people["venlo"])
    for city in ("Tegelen", "Blerick"):
        referral_services.save_draft(
            actor=people["venlo"], referral=referral, step="persoon", data=QueryDict(f"city={city}")
        )
    return FormDraft.objects.filter(referral=referral, step="persoon").count()


def open_reviews_twice(people):
    from woonkans.accounts.models import AccessReview
    from woonkans.accounts.reviews import open_reviews

    for _attempt in range(2):
        open_reviews()
    organisation = people["venlo"].organisation
    return AccessReview.objects.filter(organisation=organisation, closed_at__isnull=True).count()


def save_a_stale_profile(people):
    from matching import services as matching

    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    stale = profile.version
    matching.update_profile(actor=people["noord"], profile=profile, expected_version=stale, data={"conclusion": "Eén."})
    try:
        matching.update_profile(
            actor=people["noord"], profile=profile, expected_version=stale, data={"conclusion": "Twee."}
        )
    except matching.ConcurrentEdit:
        pass  # refused with the current text; the view shows it beside the form
    return profile.versions.filter(version=stale + 1).count()


def _remind_a_waiting_case_twice(people, waited, step, kind):
    from leadtimes.models import LeadTimeReminder
    from leadtimes.tasks import remind_lead_times

    from .leadtimes.cases import SETUP, set_waited

    referral = SETUP[step](people)
    set_waited(step, referral, waited)
    for _run in range(2):
        remind_lead_times()
    return LeadTimeReminder.objects.filter(
        referral=referral, step=step, kind=kind, organisation=people["noord"].organisation
    ).count()


def remind_twice_a_day(people):
    return _remind_a_waiting_case_twice(people, 11, "submitted", "reminder")


def tell_the_chair_twice(people):
    return _remind_a_waiting_case_twice(people, 21, "submitted", "chair")


def remind_of_the_term_twice(people):
    import datetime

    from woonkans.parties.models import TermReminder
    from woonkans.parties.tasks import remind_non_renewal_date

    day = datetime.date(2027, 10, 14) - datetime.timedelta(weeks=8)
    remind_non_renewal_date(today=day)
    remind_non_renewal_date(today=day)
    return TermReminder.objects.filter(weeks_before=8).count()


UNIQUE = {
    ("parties.numbersequence", "one_number_sequence_per_year"): (
        "service: woonkans.numbering takes the next number with one upsert (tests/lists, real threads)"
    ),
    ("monitoring.casefactsearcharea", "one_search_area_per_fact"): (
        "service: monitoring.services sync adds only the municipalities the fact does not have yet"
    ),
    ("parties.termreminder", "one_term_reminder_per_moment"): remind_of_the_term_twice,
    ("leadtimes.leadtimereminder", "one_lead_time_reminder_a_day"): remind_twice_a_day,
    ("leadtimes.leadtimereminder", "chair_told_once_per_step"): tell_the_chair_twice,
    ("parties.housingstock", "unique_stock_per_municipality"): "admin: the ModelForm's validate_unique (tested below)",
    (
        "accounts.roleassignment",
        "unique_role_per_user",
    ): "admin: the user's role inline formset refuses a duplicate row",
    ("matching.attendance", "one_check_in_per_org"): check_in_twice,
    ("matching.vote", "one_vote_per_org"): vote_twice,
    ("matching.profileshare", "one_share_per_corporation"): share_twice,
    ("accounts.loggingacceptance", "one_acceptance_per_version"): accept_logging_twice,
    ("referrals.formdraft", "one_draft_per_step"): save_draft_twice,
    ("accounts.accessreview", "one_open_access_review_per_organisation"): open_reviews_twice,
    ("matching.profileversion", "one_row_per_profile_version"): save_a_stale_profile,
    ("guarantee_fund.contribution", "one_contribution_per_party_per_round"): (
        "service: open_round writes each party once into a round it has just created"
    ),
    ("accounts.rolegrantrequest", "one_pending_request_per_user_role"): ask_the_same_role_twice,
    ("accounts.credentialresetrequest", "one_pending_credential_request_per_user"): ask_the_same_reset_twice,
    # A newer change of the provider withdraws the request for the older one.
    ("accounts.oidcproviderrequest", "one_pending_request_per_oidc_provider"): register_a_provider_change_twice,
    # A second sign-in of a bound account (or a second tab) binds nothing new; another subject is refused.
    ("accounts.oidcidentity", "one_account_per_oidc_subject"): bind_the_same_subject_twice,
    ("accounts.accessreviewitem", "one_item_per_user_per_review"): (
        "service: open_reviews writes each user once into a review it has just created"
    ),
    ("monitoring.figuresnapshot", "one_snapshot_per_period"): (
        "service: monitoring.snapshots stores a period's figures with one upsert (ON CONFLICT); no form"
    ),
}


def test_every_unique_constraint_has_an_entry():
    found = set(constraints_of_kind(models.UniqueConstraint))
    assert found - set(UNIQUE) == set(), "a new UniqueConstraint needs an entry in UNIQUE: what keeps users off it?"
    assert set(UNIQUE) - found == set(), "UNIQUE names a constraint that no longer exists"


@pytest.mark.parametrize("key", [key for key, entry in UNIQUE.items() if callable(entry)], ids=lambda key: key[1])
def test_doing_it_again_leaves_one_row(key, people):
    assert UNIQUE[key](people) == 1


def test_the_admin_refuses_a_second_housing_stock_row_in_dutch(people, signed_in, client):
    from woonkans.parties.models import HousingStock

    stock = HousingStock.objects.first()
    signed_in(people["admin"])
    response = client.post(
        reverse("admin:parties_housingstock_add"),
        {"corporation": stock.corporation_id, "municipality": stock.municipality_id, "homes": "12"},
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "bestaat al" in page
    assert HousingStock.objects.filter(corporation=stock.corporation, municipality=stock.municipality).count() == 1


# --- CHECKs that a field type adds (Positive*Field: value >= 0) --------------------------------

POSITIVE_FIELDS = {
    ("parties.numbersequence", "year"): "service: woonkans.numbering, the year of the creation date",
    ("parties.numbersequence", "last"): "service: woonkans.numbering counts up from 0",
    ("parties.region", "annual_housing_target"): "admin",
    ("parties.organisation", "sok_party_number"): "admin",
    ("parties.housingstock", "homes"): "admin",
    ("parties.distributionkeyshare", "basis_points"): "admin",
    ("matching.offer", "rent_cents"): "the money field with the RENT rule (RULES above, rent_in_range)",
    ("referrals.feedback", "kind"): "a choice of FeedbackKind, whose values are all positive",
    ("referrals.document", "size"): "service: the size of the stored upload",
    ("guarantee_fund.claimdocument", "size"): "service: the size of the stored upload",
    ("matching.agendaitem", "position"): "service: the count of items plus one",
    ("matching.decision", "votes_for"): "service: counted from the votes (decide_item)",
    ("matching.decision", "present"): "service: counted from the attendance (decide_item)",
    ("matching.profile", "version"): "service: incremented under a row lock",
    ("matching.profileversion", "version"): "service: copied from the profile",
    ("guarantee_fund.contributionround", "number"): "service: the highest number plus one",
    ("notifications.outboxmessage", "attempts"): "service: counted up from 0 by the outbox delivery",
    ("leadtimes.leadtimetarget", "amount"): "admin",
    # Ids and counts the overleg (matching) reports in ClaimDiscussed / ClaimDeviationVoted: database
    # ids and counts of organisations, never typed by a user.
    ("guarantee_fund.claim", "discussed_meeting_id"): "service: a meeting id from matching's ClaimDiscussed",
    ("guarantee_fund.claim", "discussed_item_id"): "service: an agenda item id from matching's ClaimDiscussed",
    ("guarantee_fund.claimdeviation", "meeting_id"): "service: a meeting id from matching's ClaimDeviationVoted",
    ("guarantee_fund.claimdeviation", "item_id"): "service: an agenda item id from ClaimDeviationVoted",
    ("guarantee_fund.claimdeviation", "votes_for"): "service: counted by matching from the votes cast",
    ("guarantee_fund.claimdeviation", "present"): "service: counted by matching from those present",
    ("parties.agreementterm", "initial_years"): "admin",
    ("parties.agreementterm", "renewal_years"): "admin",
    ("parties.agreementterm", "non_renewal_notice_months"): "admin",
    ("parties.agreementterm", "leaving_notice_months"): "admin",
    ("parties.termreminder", "weeks_before"): "service: one of REMIND_WEEKS_BEFORE (woonkans.parties.tasks)",
}
POSITIVE_TYPES = (models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField)


def test_every_positive_field_has_an_entry():
    found = {
        (model._meta.label_lower, field.name)
        for model in project_models()
        for field in model._meta.local_concrete_fields
        if isinstance(field, POSITIVE_TYPES)
    }
    assert found - set(POSITIVE_FIELDS) == set(), "a new Positive*Field needs an entry: which form keeps it >= 0?"
    assert set(POSITIVE_FIELDS) - found == set()


@pytest.mark.parametrize("key", [key for key, entry in POSITIVE_FIELDS.items() if entry == "admin"], ids=str)
def test_the_admin_form_refuses_a_negative_figure_in_dutch(key, rf, people):
    from django.contrib import admin

    model = apps.get_model(key[0])
    request = rf.get("/")
    request.user = people["admin"]
    form_class = admin.site._registry[model].get_form(request, fields=[key[1]])
    form = form_class(data={key[1]: "-1"})
    assert not form.is_valid()
    assert "minstens 0" in " ".join(form.errors[key[1]])


def test_approving_without_an_amount_asks_for_it_beside_the_field(people, signed_in, client):
    post = post_decision(people, signed_in)
    response = client.post(post.url, post.data)
    assert response.status_code == 200
    assert "Vul het toegekende bedrag in." in field_error(response.content.decode(), "besluit_approved_cents")
    assert post.rows() == 0
