"""Two small worlds of cases at every stage, built through the services, for the security tests.

World "own" is Midden-Limburg: every role's test user works there (or centrally), so each object
of this world belongs to the user's own organisation or region. World "other" is Noord-Limburg:
the same stages, made by other organisations' users. The matrix users are one per role, as in
the demo.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guarantee_fund import services as fund_services
from guarantee_fund.models import Contribution, ContributionRound, LedgerEntry
from leadtimes.models import LeadTimeTarget
from matching import services as matching_services
from referrals import services as referral_services
from subject_rights import services as subject_services
from woonkans.accounts import reviews
from woonkans.accounts.models import AccessReview
from woonkans.accounts.roles import Role
from woonkans.parties.models import Organisation

from ..factories import UserFactory, organisation, record_profile_facts
from ..referrals.conftest import PDF, make_ready
from . import payloads

# The matrix users: one per role, as the demo has them, all in Midden-Limburg or central.
ROLE_HOMES = {
    Role.WMO_CONSULTANT: "Gemeente Roermond",
    Role.KETENREGISSEUR: "Ketenregie Midden-Limburg",
    Role.PROCESREGISSEUR: "Ketenregie Midden-Limburg",
    Role.CORPORATION: "Wonen Zuid",
    Role.CARE_PROVIDER: "Leger des Heils",
    Role.TREASURER: "MGR sociaal domein Limburg-Noord",
    Role.WERKGROEP: "Gemeente Roermond",
    Role.ADMINISTRATOR: "Functioneel beheer Woonkans",
    Role.PRIVACY_OFFICER: "Gemeente Roermond",
}

# The people who make the other world's cases (they are not matrix users).
OTHER_PEOPLE = {
    "consultant": (Role.WMO_CONSULTANT, "Gemeente Venlo"),
    "regisseur": (Role.KETENREGISSEUR, "Ketenregie Noord-Limburg"),
    "corporation": (Role.CORPORATION, "Woonwenz"),
    "provider": (Role.CARE_PROVIDER, "Moveoo"),
    "officer": (Role.PRIVACY_OFFICER, "Gemeente Venlo"),
}

# What a resident of the own world is called; the log test looks for every part of it.
RESIDENT = {
    "given_name": "Gerardina",
    "family_name": "Kwakernaat",
    "bsn": "111222333",
    "street_address": "Zwartbroekstraat 17",
    "postcode": "6041 AB",
    "city": "Roermond",
    "phone": "0687654321",
    "email": "gerardina.kwakernaat@example.org",
}


def make_role_user(role, organisation_name, **kwargs):
    kwargs.setdefault("accepted_logging", True)
    kwargs.setdefault("with_device", True)
    kwargs.setdefault("email", f"{role}.{organisation_name.split()[-1].lower()}@example.org")
    return UserFactory(roles=[role], organisation=organisation(organisation_name), **kwargs)


@dataclass
class Case:
    """One world's objects, one at each stage of the route."""

    reported: object = None  # a provider's report (melding)
    in_research: object = None  # the consultant is still researching
    submitted: object = None  # submitted, no profile yet
    shared: object = None  # profile shared with the world's corporation
    matched: object = None  # profile matched; signal raised, case meeting open
    case_meeting: object = None
    ended: object = None  # trajectory ended negatively, with a claim at the MGR
    claim: object = None
    claim_document: object = None
    matched_document: object = None  # a document of the matched case (the matched corporation sees it)
    in_research_document: object = None
    meeting: object = None
    handover: object = None  # a warm handover proposed to this world's region (art. 6.1)
    provider_change: object = None  # a request to this world's provider to take a trajectory over (art. 10.4)
    access_request: object = None  # subject-rights request, kind access
    rectification_request: object = None
    review: object = None  # access review of the world's municipality (own: the operator's)
    corporation: object = None
    people: dict = field(default_factory=dict)


def _resident(number):
    return {**RESIDENT, "given_name": f"{RESIDENT['given_name']}{'' if number == 0 else number}"}


def _case_at_stage(
    people, stage, *, resident=None, research=None, dwelling_address="Maasboulevard 3", evaluation="Huurachterstand."
):
    consultant, regisseur = people["consultant"], people["regisseur"]
    referral = make_ready(consultant, **(research or {}))
    if resident:
        referral_services.save_identity(
            actor=consultant,
            referral=referral,
            data={**resident, "sex": "female", "birth_date": datetime.date(1990, 3, 4)},
        )
    if stage == "in_research":
        return referral
    referral = referral_services.submit_referral(actor=consultant, referral=referral)
    if stage == "submitted":
        return referral
    profile = record_profile_facts(
        matching_services.create_profile(actor=regisseur, referral=referral), provider=people["provider"].organisation
    )
    profile = matching_services.share_profile(actor=regisseur, profile=profile, corporations=[people["corp_org"]])
    if stage == "shared":
        return profile
    matching_services.record_match(
        actor=regisseur,
        profile=profile,
        corporation=people["corp_org"],
        dwelling_address=dwelling_address,
        intended_date=timezone.localdate() + datetime.timedelta(days=30),
        care_provider=people["provider"].organisation,
        corporation_contact=people["corporation"],
        provider_contact=people["provider"],
    )
    profile.refresh_from_db()
    if stage == "matched":
        return profile
    matching_services.record_housing(
        actor=regisseur, profile=profile, lease_signed_on=timezone.localdate() - datetime.timedelta(days=300)
    )
    return matching_services.end_trajectory(
        actor=regisseur, profile=profile, kind="evicted", ended_on=timezone.localdate(), evaluation=evaluation
    )


def build_case(people, *, resident=None, early_resident=None, early_research=None):
    """Every stage of the route for one region, made by that region's people.

    The cases before a profile exists may carry another identity and research (the payloads):
    profile text is scanned for the resident's names, so those stay plain from the profile on.
    """
    case = Case(people=people, corporation=people["corp_org"])
    consultant, regisseur, corporation = people["consultant"], people["regisseur"], people["corporation"]
    municipality = consultant.organisation
    early = early_resident or resident or RESIDENT
    case.reported = referral_services.report_resident(
        actor=people["provider"],
        municipality=municipality,
        given_name=early["given_name"],
        family_name=early["family_name"],
        phone=early["phone"],
        mandate=True,
    )
    case.in_research = _case_at_stage(people, "in_research", resident=early_resident, research=early_research)
    case.in_research_document = case.in_research.documents.first()
    case.submitted = _case_at_stage(people, "submitted", resident=early_resident, research=early_research)
    case.shared = _case_at_stage(people, "shared", resident=resident)
    matching_services.post_message(
        actor=regisseur, profile=case.shared, corporation=people["corp_org"], text="Is er iets beschikbaar?"
    )
    case.meeting = matching_services.create_meeting(
        actor=regisseur, region=regisseur.organisation.region, date=timezone.localdate() + datetime.timedelta(days=7)
    )
    case.matched = _case_at_stage(people, "matched", resident=resident)
    case.matched_document = case.matched.referral.documents.first()
    case.case_meeting = matching_services.raise_signal(
        actor=corporation,
        profile=case.matched,
        kind="situation_changed",
        text="Zorgen over de huurbetaling.",
        about=case.matched.match.care_provider,
    )
    # The chair appoints the case's own Wmo-consultant as casusregisseur.
    case.case_meeting = matching_services.plan_case_meeting(
        actor=regisseur,
        case_meeting=case.case_meeting,
        planned_on=timezone.localdate() + datetime.timedelta(days=3),
        casusregisseur=consultant,
    )
    case.ended = _case_at_stage(people, "ended", resident=resident)
    claim = fund_services.create_claim(
        actor=corporation,
        profile=case.ended,
        termination_date=timezone.localdate(),
        termination_kind="evicted",
        evaluation="Huurachterstand opgelopen.",
        deposit_cents=50_000,
    )
    fund_services.add_claim_line(
        actor=corporation,
        claim=claim,
        category="rent",
        description="Huurderving",
        amount_cents=400_000,
        period_from=datetime.date(2026, 1, 1),
        period_to=datetime.date(2026, 4, 30),
    )
    case.claim_document = fund_services.add_claim_document(
        actor=corporation,
        claim=claim,
        description="Factuur",
        uploaded_file=SimpleUploadedFile("factuur.pdf", PDF, content_type="application/pdf"),
    )
    fund_services.file_claim(actor=corporation, claim=claim, no_serious_negligence=True)
    # Bijlage 3 §3 and art. 7.8: discussed at the overleg, the parties consulted, then decided.
    fund_services.record_discussion(claim_id=claim.pk, meeting_id=1, item_id=1, discussed_on=timezone.localdate())
    fund_services.record_consultation(
        actor=regisseur,
        claim=claim,
        organisations=[claim.corporation_id],
        consulted_on=timezone.localdate(),
        outcome="Geen bezwaar.",
    )
    fund_services.decide_claim(
        actor=regisseur, claim=claim, approve=True, approved_cents=400_000, motivation="Besproken in het overleg."
    )
    case.claim = fund_services.submit_to_mgr(actor=corporation, claim=claim)
    received = timezone.localdate()
    case.access_request = subject_services.register_request(
        actor=people["officer"], referral=case.submitted, kind="access", received_on=received, request_text="Inzage."
    )
    case.rectification_request = subject_services.register_request(
        actor=people["officer"],
        referral=case.submitted,
        kind="rectification",
        received_on=received,
        request_text="Het adres klopt niet.",
    )
    return case


def _check_stages(case):
    """The stages are what their names say (a changed service must not silently weaken the matrix)."""
    assert case.reported.status == "reported"
    assert case.in_research.status == "in_research"
    assert case.submitted.status == "submitted"
    assert case.shared.status == "shared"
    assert case.matched.status == "matched"
    assert case.ended.status == "ended_negative"
    assert case.claim.status == "at_mgr"


@dataclass
class World:
    users: dict  # role -> the matrix user of that role
    own: Case
    other: Case
    fund: dict  # objects of the fund and monitoring, which belong to no organisation
    admin_objects: dict  # app_model -> a pk for the admin's object pages
    extra_pages: list = field(default_factory=list)  # (role, url name, kwargs) showing the payloads
    log_lines: list = field(default_factory=list)  # (logger, line) written while building and reading
    mails: list = field(default_factory=list)  # e-mails sent while building
    returned_claim: object = None  # the own corporation's claim, sent back by the treasurer: editable again


def build_world(*, resident=None):
    users = {role: make_role_user(role, home) for role, home in ROLE_HOMES.items()}
    own_people = {
        "consultant": users[Role.WMO_CONSULTANT],
        "regisseur": users[Role.KETENREGISSEUR],
        "corporation": users[Role.CORPORATION],
        "provider": users[Role.CARE_PROVIDER],
        "officer": users[Role.PRIVACY_OFFICER],
    }
    own_people["corp_org"] = own_people["corporation"].organisation
    other_people = {key: make_role_user(role, home) for key, (role, home) in OTHER_PEOPLE.items()}
    other_people["corp_org"] = other_people["corporation"].organisation
    own = build_case(
        own_people,
        resident=resident or RESIDENT,
        early_resident=payloads.identity_payloads(resident or RESIDENT),
        early_research=payloads.research_payloads(),
    )
    other = build_case(other_people)
    _check_stages(own)
    _check_stages(other)
    _handshakes(own, other, own_people, other_people)
    # The operator's review is "own" for the (operator) administrator; Venlo's is another organisation's.
    reviews.open_reviews()
    own.review = AccessReview.objects.get(organisation=users[Role.ADMINISTRATOR].organisation, closed_at=None)
    other.review = AccessReview.objects.get(organisation__name="Gemeente Venlo", closed_at=None)

    treasurer = users[Role.TREASURER]
    round_ = ContributionRound.objects.create(number=1, kind="initial", due_on=timezone.localdate())
    contribution = Contribution.objects.create(round=round_, party=organisation("Woonwenz"), amount_cents=5_000_000)
    fund_services.record_contribution_received(
        actor=treasurer, contribution=contribution, received_on=timezone.localdate()
    )
    # A round whose municipalities pay as one region (council advice 2.3): its own request and receipt.
    regional_round = ContributionRound.objects.create(
        number=2,
        kind="initial",
        due_on=timezone.localdate(),
        municipal_billing="regional",
        regional_payer=organisation("Gemeente Venlo"),
    )
    Contribution.objects.create(round=regional_round, party=organisation("Gemeente Venlo"), amount_cents=5_000_000)
    from monitoring.report import produce_report

    report = produce_report(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30))
    from monitoring import services as monitoring_services

    werkgroep_member = monitoring_services.add_werkgroep_member(
        actor=users[Role.ADMINISTRATOR],
        seat="municipality",
        organisation=organisation("Gemeente Venlo"),
        since=timezone.localdate(),
    )
    werkgroep_meeting = monitoring_services.plan_werkgroep_meeting(
        actor=users[Role.ADMINISTRATOR], held_on=timezone.localdate(), agenda="Cijfers"
    )
    fund = {
        "round": round_,
        "regional_round": regional_round,
        "contribution": contribution,
        "entry": LedgerEntry.objects.order_by("id").first(),
        "report": report,
        "werkgroep_member": werkgroep_member,
        "werkgroep_meeting": werkgroep_meeting,
    }
    admin_objects = _admin_objects(users)
    world = World(users=users, own=own, other=other, fund=fund, admin_objects=admin_objects)
    world.extra_pages = payloads.decorate(world)
    return world


def _handshakes(own, other, own_people, other_people):
    """Proposals the other side answers: "own" is the one addressed to the own region or provider."""
    own_region, other_region = (
        own_people["regisseur"].organisation.region,
        other_people["regisseur"].organisation.region,
    )
    own.handover = matching_services.propose_handover(
        actor=other_people["regisseur"], profile=other.shared, to_region=own_region, note="Verhuist naar de regio."
    )
    other.handover = matching_services.propose_handover(
        actor=own_people["regisseur"], profile=own.shared, to_region=other_region, note="Verhuist naar de regio."
    )
    own.provider_change = matching_services.propose_provider_change(
        actor=other_people["regisseur"],
        profile=other.matched,
        to_provider=own_people["provider"].organisation,
        reason="Aanbieder zegt op.",
    )
    other.provider_change = matching_services.propose_provider_change(
        actor=own_people["regisseur"],
        profile=own.matched,
        to_provider=other_people["provider"].organisation,
        reason=payloads.say("ProviderChange.reason"),
    )


def _admin_objects(users):
    from auditlog.models import LogEntry
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_static.models import StaticDevice

    from woonkans.accounts.models import CredentialResetRequest, OidcIdentity, OidcProvider, RoleGrantRequest
    from woonkans.parties.models import AgreementTerm, DistributionKeyShare, HousingStock, Region

    consultant = users[Role.WMO_CONSULTANT]
    attempt = AccessAttempt.objects.create(
        username="iemand", ip_address="10.0.0.1", user_agent="x", failures_since_start=1, get_data="", post_data=""
    )
    failure = AccessFailureLog.objects.create(username="iemand", ip_address="10.0.0.1", user_agent="x")
    access = AccessLog.objects.create(username="iemand", ip_address="10.0.0.1", user_agent="x")
    static = StaticDevice.objects.create(user=consultant, name="backup")
    municipality = consultant.organisation
    # A role asked for a Venlo user by someone else than the world's administrator (four eyes).
    role_request = RoleGrantRequest.objects.create(
        user=consultant, organisation=municipality, role=Role.WERKGROEP, requested_by=users[Role.WERKGROEP]
    )
    # A password reset asked for the same user by someone else than the world's administrator.
    credential_request = CredentialResetRequest.objects.create(
        user=consultant, organisation=municipality, reset_login=True, requested_by=users[Role.WERKGROEP]
    )
    # The municipality's own OpenID provider (nothing listens there: a connection test fails fast).
    oidc_provider = OidcProvider.objects.create(
        organisation=municipality, issuer="http://127.0.0.1:9", client_id="woonkans", client_secret="geheim"
    )
    oidc_identity = OidcIdentity.objects.create(user=consultant, provider=oidc_provider, subject="roermond-1")
    return {
        "accounts_oidcprovider": oidc_provider.pk,
        "accounts_oidcidentity": oidc_identity.pk,
        "role_request": role_request.pk,
        "credential_request": credential_request.pk,
        "accounts_user": consultant.pk,
        "auditlog_logentry": LogEntry.objects.order_by("pk").first().pk,
        "auth_group": Group.objects.order_by("pk").first().pk,
        "axes_accessattempt": attempt.pk,
        "axes_accessfailurelog": failure.pk,
        "axes_accesslog": access.pk,
        "otp_static_staticdevice": static.pk,
        "otp_totp_totpdevice": consultant.totpdevice_set.get().pk,
        "parties_distributionkeyshare": DistributionKeyShare.objects.order_by("pk").first().pk,
        "parties_housingstock": HousingStock.objects.order_by("pk").first().pk,
        "parties_organisation": municipality.pk,
        "parties_region": Region.objects.order_by("pk").first().pk,
        "parties_agreementterm": AgreementTerm.objects.get().pk,
        "leadtimes_leadtimetarget": LeadTimeTarget.objects.order_by("pk").first().pk,
        "view_on_site": (ContentType.objects.get_for_model(Organisation).pk, municipality.pk),
    }
