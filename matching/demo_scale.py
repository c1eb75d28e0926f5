"""Synthetic cases for `seed_demo --scale N` and the demo's history: every kind of case object, in bulk.

Each case gets one timeline over the last 24 months, drawn from a seeded RNG (the same N and seed
give the same cases): reported, researched, submitted (or refused as an exception, or withdrawn),
profile shared with the corporations that own homes in the municipality, answered, offered,
decided at the region's overleg, matched, housed, evaluated, signalled, ended. Steps land on
working days; a step that would fall after today is not taken, so every route step holds cases.
About one in five trajectories ends negatively, most of them in the first year (so about 80% of
those housed a year ago still live there). What the services would write is written here in bulk:
states from the transition tables' end points, the grants from the disclosure policy
(``disclosure.reconcile``) and the anonymous facts from monitoring's own ``fact_values``; no audit.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from leadtimes.workdays import is_working_day
from monitoring.models import CaseFact, CaseFactSearchArea
from monitoring.services import fact_values
from referrals import services as referral_services
from referrals.models import (
    Consent,
    EventKind,
    ExceptionRequest,
    Feedback,
    FeedbackKind,
    Identity,
    Referral,
    ReferralEvent,
    Research,
)
from referrals.workflow import Status
from woonkans.accounts.models import RoleAssignment, User
from woonkans.accounts.roles import Role
from woonkans.choices import AgeBand
from woonkans.parties.models import HousingStock, Organisation, OrganisationKind
from woonkans.privacy import crypto, disclosure

from .models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    CaseMeeting,
    Decision,
    EndKind,
    Evaluation,
    Match,
    Meeting,
    Offer,
    Profile,
    ProfileMessage,
    ProfileShare,
    ProfileStatus,
    ProfileVersion,
    ShareResponse,
    Signal,
    SignalKind,
    Vote,
    VoteRecord,
)
from .models.profile import new_code

MONTHS = 24
SYNTHETIC_FAMILY_NAME = "Testpersoon"
OVERLEG_WEEKDAY = 3  # the overleggen meet every other Thursday
ITEMS_PER_KIND = 8  # agenda items of one kind per overleg: the rest was decided outside the portal's agenda
BATCH = 2000
GIVEN_NAMES = ["Anna", "Bas", "Chantal", "Dennis", "Esra", "Freek", "Gina", "Hamza", "Iris", "Joost", "Kim", "Luuk"]
ORIGINS = ["bw", "mo", "mo", "homelessness", "domestic_violence", "other"]
CONTRACT_FORMS = ["linked_care", "linked_care", "provider_lease"]
DWELLINGS = ["Eenpersoonsappartement", "Benedenwoning", "Studio", "Tweekamerappartement"]


def _at(rng, day):
    """An office-hours moment on a working day (moved forward past weekends and holidays)."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    minutes = rng.randint(8 * 60 + 30, 16 * 60 + 45)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60)))


def _later(rng, moment, low, typical, high):
    """A moment some working days after ``moment``: triangular between low and high, around typical."""
    days = round(rng.triangular(low, high, typical))
    day = timezone.localdate(moment)
    # Whole weeks at once (five working days a week), then day by day; holidays add a day (_at).
    day += datetime.timedelta(days=days // 5 * 7)
    days %= 5
    while days > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return _at(rng, day)


@dataclass
class Plan:
    """One case's route as drawn: moments (aware datetimes or dates); None for a step not (yet) taken."""

    number: int
    municipality: Organisation
    region_id: int
    created: datetime.datetime
    reporter_id: int | None = None
    research_started: datetime.datetime | None = None
    exception_requested: datetime.datetime | None = None
    exception_decided: datetime.datetime | None = None
    exception_granted: bool | None = None
    submitted: datetime.datetime | None = None
    closed: datetime.datetime | None = None
    status: str = Status.REPORTED
    stop_status: str = ""
    birth_date: datetime.date | None = None
    origin: str = ""
    contract_form: str = ""
    profile_created: datetime.datetime | None = None
    shared: datetime.datetime | None = None
    shares: list = field(default_factory=list)  # (corporation id, response, responded_at, offer_at)
    matched: datetime.datetime | None = None
    corporation_id: int | None = None
    provider_id: int | None = None
    housed_on: datetime.date | None = None
    evaluations: list = field(default_factory=list)
    signals: list = field(default_factory=list)  # (moment, kind, raiser organisation id, about id)
    end_kind: str = ""
    ended_on: datetime.date | None = None
    profile_status: str = ""


class World:
    """The parties, staff and overleg calendar the synthetic cases are drawn against."""

    def __init__(self, rng, now):
        self.rng, self.now, self.today = rng, now, timezone.localdate(now)
        self.start = self.today - datetime.timedelta(days=MONTHS * 365 // 12)
        self.municipalities = list(
            Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).select_related("region").order_by("pk")
        )
        self.providers = list(
            Organisation.objects.filter(kind=OrganisationKind.CARE_PROVIDER, joined_on__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.stock = {}
        for municipality_id, corporation_id, homes in HousingStock.objects.order_by("pk").values_list(
            "municipality_id", "corporation_id", "homes"
        ):
            self.stock.setdefault(municipality_id, []).append((corporation_id, homes or 1))
        demo = User.objects.filter(is_demo=True).select_related("organisation")
        self.users = {user.username: user for user in demo}
        self.chairs = {
            user.organisation.region_id: user
            for user in demo.filter(role_assignments__role=Role.KETENREGISSEUR).order_by("pk")
        }
        consultants = list(demo.filter(role_assignments__role=Role.WMO_CONSULTANT).order_by("pk"))
        self.consultant_of = {user.organisation_id: user for user in consultants}
        for user in consultants:
            self.consultant_of.setdefault(("region", user.organisation.region_id), user)
        self.staff = party_staff()
        self.chain_direction = dict(
            Organisation.objects.filter(kind=OrganisationKind.CHAIN_DIRECTION).values_list("region_id", "pk")
        )
        # Every other Thursday per region, over the 24 months and the next one still to come.
        first = self.start + datetime.timedelta(days=(OVERLEG_WEEKDAY - self.start.weekday()) % 7)
        self.overleg_days = []
        day = first
        while day <= self.today + datetime.timedelta(days=14):
            self.overleg_days.append(day)
            day += datetime.timedelta(days=14)

    def consultant(self, municipality):
        return self.consultant_of.get(municipality.pk) or self.consultant_of[("region", municipality.region_id)]

    def next_overleg(self, moment):
        """The first overleg on or after the working day after ``moment``."""
        day = timezone.localdate(moment) + datetime.timedelta(days=1)
        for overleg in self.overleg_days:
            if overleg >= day:
                return timezone.make_aware(datetime.datetime.combine(overleg, datetime.time(14, 0)))
        return None


def party_staff():
    """A staff member per corporation and provider (the fixed contacts of Art. 8.1), made when a party has none.

    They are demo users without a password or second factor: nobody logs in as them.
    """
    staff = {}
    for user in User.objects.filter(
        is_demo=True, role_assignments__role__in=(Role.CORPORATION, Role.CARE_PROVIDER)
    ).order_by("pk"):
        staff.setdefault(user.organisation_id, user)
    parties = Organisation.objects.filter(kind__in=(OrganisationKind.CORPORATION, OrganisationKind.CARE_PROVIDER))
    for party in parties.exclude(pk__in=staff.keys()).order_by("pk"):
        user, _created = User.objects.get_or_create(
            username=f"contact.{party.slug}"[:150],
            defaults={
                "first_name": "Contactpersoon",
                "last_name": party.name[:150],
                "organisation": party,
                "email": f"contact.{party.slug}@demo.woonkans.example",
                "is_demo": True,
                "password": make_password(None),
            },
        )
        role = Role.CORPORATION if party.kind == OrganisationKind.CORPORATION else Role.CARE_PROVIDER
        RoleAssignment.objects.get_or_create(user=user, role=role)
        staff[party.pk] = user
    return staff


def draw(world, number):
    """Draw one case's route; steps after today are left out."""
    rng, now = world.rng, world.now
    municipality = rng.choice(world.municipalities)
    # A little more each month: the programme grew over the two years.
    offset = round((1 - rng.random() ** 0.85) * (world.today - world.start).days)
    created = _at(rng, world.today - datetime.timedelta(days=offset))
    if created > now:
        created = now - datetime.timedelta(minutes=rng.randint(5, 600))
    young = rng.random() < 0.35
    age = rng.randint(18, 27) if young else rng.randint(28, 64)
    born_year = timezone.localdate(created).year - age
    plan = Plan(
        number=number,
        municipality=municipality,
        region_id=municipality.region_id,
        created=created,
        birth_date=datetime.date(born_year, rng.randint(1, 12), rng.randint(1, 28)),
        origin=rng.choice(ORIGINS),
        contract_form=rng.choice(CONTRACT_FORMS),
    )

    def cut(moment):
        return moment if moment is not None and moment <= now else None

    if rng.random() < 0.3:  # reported by a care provider; the desk starts the research days later
        plan.reporter_id = rng.choice(world.providers)
        plan.research_started = cut(_later(rng, created, 1, 3, 10))
        if plan.research_started is None:
            return plan
    else:
        plan.research_started = created
    plan.status = Status.IN_RESEARCH
    research_done = cut(_later(rng, plan.research_started, 10, 25, 60))
    if research_done is None:
        return plan
    fate = rng.random()
    if fate < 0.05:
        plan.status, plan.closed = Status.WITHDRAWN, research_done
        return plan
    if fate < 0.15:  # fails a condition of art. 1b: the overleg decides on a widening
        plan.exception_requested = research_done
        plan.status = Status.EXCEPTION_REQUESTED
        plan.exception_decided = cut(world.next_overleg(research_done))
        if plan.exception_decided is None:
            return plan
        plan.exception_granted = rng.random() < 0.55
        if not plan.exception_granted:
            plan.status, plan.closed = Status.CLOSED, plan.exception_decided
            return plan
        plan.status = Status.IN_RESEARCH
        research_done = cut(_later(rng, plan.exception_decided, 2, 5, 15))
        if research_done is None:
            return plan
    plan.submitted, plan.status = research_done, Status.SUBMITTED
    plan.profile_created = cut(_later(rng, plan.submitted, 1, 4, 12))
    if plan.profile_created is None:
        return plan
    plan.profile_status = ProfileStatus.DRAFT
    plan.provider_id = rng.choice(world.providers)
    plan.shared = cut(_later(rng, plan.profile_created, 1, 6, 20))
    if plan.shared is None:
        return plan
    plan.profile_status = ProfileStatus.SHARED
    corporations = sorted(world.stock.get(municipality.pk, []), key=lambda pair: -pair[1])[:3]
    for corporation_id, _homes in corporations:
        responded = cut(_later(rng, plan.shared, 2, 8, 25)) if rng.random() < 0.85 else None
        response = (
            rng.choice([ShareResponse.INTERESTED, ShareResponse.OFFER, ShareResponse.NO_STOCK]) if responded else ""
        )
        plan.shares.append([corporation_id, response, responded])
    if rng.random() < 0.04:  # consent withdrawn while the profile was out
        stopped = cut(_later(rng, plan.shared, 10, 30, 80))
        if stopped is not None:
            plan.status, plan.closed, plan.profile_status = Status.CONSENT_WITHDRAWN, stopped, ProfileStatus.STOPPED
            return plan
    offered = [share for share in plan.shares if share[1] == ShareResponse.OFFER]
    interested = [share for share in plan.shares if share[1] == ShareResponse.INTERESTED]
    if not offered and interested and rng.random() < 0.7:  # interest usually turns into an offer
        interested[0][1] = ShareResponse.OFFER
        offered = interested[:1]
    if not offered:
        return plan
    # The overleg weighs the offer; the match follows the meeting after the offer and the wait for a home.
    match_from = _later(rng, offered[0][2], 5, 20, 90)
    plan.matched = cut(world.next_overleg(match_from))
    if plan.matched is None:
        return plan
    plan.corporation_id = offered[0][0]
    plan.status, plan.profile_status = Status.MATCHED, ProfileStatus.MATCHED
    housed = cut(_later(rng, plan.matched, 5, 20, 55))
    if housed is None:
        return plan
    plan.housed_on = timezone.localdate(housed)
    plan.status, plan.profile_status = Status.HOUSED, ProfileStatus.HOUSED
    lived = (world.today - plan.housed_on).days
    ending = rng.random()
    if ending < 0.2:  # negative: mostly in the first year
        days = round(rng.triangular(45, 540, 200))
        kind = EndKind.EVICTED if rng.random() < 0.6 else EndKind.LEFT
    elif ending < 0.45:
        days, kind = round(rng.triangular(365, 640, 450)), EndKind.POSITIVE
    else:
        days, kind = None, ""
    if days is not None and days < lived:
        plan.ended_on, plan.end_kind = plan.housed_on + datetime.timedelta(days=days), kind
        positive = kind == EndKind.POSITIVE
        plan.status = Status.ENDED_POSITIVE if positive else Status.ENDED_NEGATIVE
        plan.profile_status = ProfileStatus.ENDED_POSITIVE if positive else ProfileStatus.ENDED_NEGATIVE
    until = plan.ended_on or world.today
    held = plan.housed_on + datetime.timedelta(days=rng.randint(60, 100))
    while held <= until:
        plan.evaluations.append(held)
        held += datetime.timedelta(days=rng.randint(80, 110))
    if rng.random() < (0.7 if plan.end_kind in (EndKind.EVICTED, EndKind.LEFT) else 0.12):
        span = max(21, (until - plan.housed_on).days)
        raised = _at(rng, plan.housed_on + datetime.timedelta(days=rng.randint(20, span)))
        if raised <= now:
            raiser_id, about_id, kind = rng.choice(
                [
                    (plan.corporation_id, plan.provider_id, SignalKind.SUPPORT_STALLS),
                    (plan.provider_id, plan.corporation_id, SignalKind.SITUATION_CHANGED),
                    (municipality.pk, plan.provider_id, SignalKind.PROVIDER_UNDERPERFORMS),
                ]
            )
            plan.signals.append((raised, kind, raiser_id, about_id))
    return plan


def _facts(plan, referral, profile, today):
    """The plain values woonkans.cases.monitoring_facts would return for this case (referrals + matching)."""
    on = timezone.localdate(plan.submitted) if plan.submitted else today
    age = on.year - plan.birth_date.year - ((on.month, on.day) < (plan.birth_date.month, plan.birth_date.day))
    facts = {
        "status": plan.status,
        "region_id": plan.region_id,
        "municipality_id": plan.municipality.pk,
        "reported_by_provider": plan.reporter_id is not None,
        "origin": plan.origin,
        "age": age,
        "eligible": referral.eligible,
        "exception_requested": plan.exception_requested is not None,
        "eligibility_checked_at": referral.eligibility_checked_at,
        "ineligible_reason": "no_regular_route" if plan.exception_requested else "",
        "exception_granted": bool(plan.exception_granted),
        "created_at": plan.created,
        "submitted_at": plan.submitted,
        "closed_at": plan.closed,
    }
    if profile is not None:
        facts.update(
            profile_status=plan.profile_status,
            corporation_id=plan.corporation_id,
            shared_at=plan.shared,
            matched_at=plan.matched,
            housed_on=plan.housed_on,
            profile_ended_on=plan.ended_on,
            contract_form=plan.contract_form,
        )
    return fact_values(facts)


class Rows:
    def __init__(self):
        self.by_model = {}
        self.plans = []

    def add(self, obj):
        self.by_model.setdefault(type(obj), []).append(obj)
        return obj

    def save(self, *models):
        for model in models:
            model.objects.bulk_create(self.by_model.get(model, []), batch_size=BATCH)


def _event(rows, referral, kind, actor, at, note=""):
    rows.add(
        ReferralEvent(
            referral=referral,
            kind=kind,
            actor=actor,
            actor_organisation=actor.organisation.name if actor.organisation_id else "",
            at=at,
            note=note,
        )
    )


@transaction.atomic
def create_synthetic_cases(*, count, seed=2026, now=None):
    """``count`` synthetic cases with everything that hangs off them, and the overleggen that decided them."""
    now = now or timezone.now()
    rng = random.Random(seed)
    world = World(rng, now)
    codes = set(Profile.objects.values_list("code", flat=True))
    start_number = Referral.objects.filter(identity__family_name=SYNTHETIC_FAMILY_NAME).count()
    rows = Rows()
    plans = rows.plans = []
    for number in range(start_number, start_number + count):
        plan = draw(world, number)
        plans.append(plan)
        _build(world, rows, plan, codes)
    rows.save(CaseFact, Referral, Identity, Research, Consent, ExceptionRequest, ReferralEvent, Feedback)
    rows.save(Profile, ProfileVersion, ProfileShare, Offer, ProfileMessage, Match, Evaluation, Signal, CaseMeeting)
    CaseFactSearchArea.objects.bulk_create(rows.by_model.get(CaseFactSearchArea, []), batch_size=BATCH)
    Profile.search_area.through.objects.bulk_create(
        rows.by_model.get(Profile.search_area.through, []), batch_size=BATCH
    )
    _overleggen(world, rows)
    # The grants follow from the disclosure policy, for all cases at once (woonkans.privacy.disclosure).
    disclosure.reconcile(None, fix=True)
    return rows


def _build(world, rows, plan, codes):
    rng, municipality = world.rng, plan.municipality
    consultant = world.consultant(municipality)
    chair = world.chairs[plan.region_id]
    referral = rows.add(
        Referral(
            municipality=municipality,
            region_id=plan.region_id,
            status=plan.status,
            reported_by_id=plan.reporter_id,
            reported_with_mandate=plan.reporter_id is not None,
            created_by=consultant,
            created_at=plan.created,
            research_started_at=plan.research_started,
            submitted_at=plan.submitted,
            closed_at=plan.closed,
            closed_reason="Synthetisch: afgesloten." if plan.closed else "",
            eligible=True if plan.submitted else (False if plan.exception_requested else None),
            eligibility_checked_at=plan.submitted or plan.exception_requested,
            exception_granted=bool(plan.exception_granted),
        )
    )
    bsn = _synthetic_bsn(rng)
    rows.add(
        Identity(
            referral=referral,
            given_name=f"{GIVEN_NAMES[plan.number % len(GIVEN_NAMES)]} {plan.number}",
            family_name=SYNTHETIC_FAMILY_NAME,
            bsn=bsn,
            bsn_index=crypto.blind_index(bsn, purpose=referral_services.BSN_INDEX_PURPOSE),
            birth_date=plan.birth_date,
            city=municipality.name.removeprefix("Gemeente "),
        )
    )
    rows.add(
        Research(
            referral=referral,
            support_need="Begeleiding bij geldzaken, post en het huishouden.",
            support_need_about_living=True,
            regular_route_motivation="Geen inschrijfduur en een negatieve huurhistorie.",
            origin=plan.origin,
            contract_form=plan.contract_form,
        )
    )
    reporter = world.staff.get(plan.reporter_id)
    if plan.reporter_id:
        _event(rows, referral, EventKind.REPORTED, reporter, plan.created)
    if plan.research_started:
        _event(rows, referral, EventKind.STARTED, consultant, plan.research_started)
    if plan.exception_requested or plan.submitted:
        consented = plan.exception_requested or plan.submitted
        rows.add(
            Consent(
                referral=referral,
                support_plan_signed_on=timezone.localdate(consented) - datetime.timedelta(days=2),
                informed_of_sharing=True,
                informed_of_rights=True,
                privacy_statement_version="2026-01",
                recorded_by=consultant,
                recorded_at=consented - datetime.timedelta(days=2),
                withdrawn_at=plan.closed if plan.status == Status.CONSENT_WITHDRAWN else None,
                withdrawal_reason="Synthetisch." if plan.status == Status.CONSENT_WITHDRAWN else "",
            )
        )
    if plan.exception_requested:
        decision = ExceptionRequest.Decision.OPEN
        if plan.exception_decided:
            decision = (
                ExceptionRequest.Decision.GRANTED if plan.exception_granted else ExceptionRequest.Decision.REFUSED
            )
        request = rows.add(
            ExceptionRequest(
                referral=referral,
                region_id=plan.region_id,
                failed_conditions=["no_regular_route"],
                motivation="Woont al jaren in de regio en dreigt dakloos te raken.",
                scanned=True,
                requested_by=consultant,
                requested_at=plan.exception_requested,
                decision=decision,
                decided_at=plan.exception_decided,
            )
        )
        plan.request = request
        _event(rows, referral, EventKind.EXCEPTION_REQUESTED, consultant, plan.exception_requested)
        if plan.exception_decided:
            kind = EventKind.EXCEPTION_GRANTED if plan.exception_granted else EventKind.EXCEPTION_REFUSED
            _event(rows, referral, kind, chair, plan.exception_decided)
    if plan.submitted:
        _event(rows, referral, EventKind.SUBMITTED, consultant, plan.submitted)
        answered = _later(rng, plan.submitted, 1, 4, 12)
        if answered <= world.now:
            rows.add(
                Feedback(
                    referral=referral,
                    kind=FeedbackKind.PRECONDITIONS,
                    text="Inschrijving als woningzoekende en budgetbeheer zijn geregeld.",
                    author=chair,
                    created_at=answered,
                )
            )
    if plan.status in (Status.WITHDRAWN, Status.CONSENT_WITHDRAWN):
        kind = EventKind.WITHDRAWN if plan.status == Status.WITHDRAWN else EventKind.CONSENT_WITHDRAWN
        _event(rows, referral, kind, consultant, plan.closed)
    profile = _build_profile(world, rows, plan, referral, chair, codes) if plan.profile_created else None
    plan.referral, plan.profile = referral, profile
    fact = rows.add(CaseFact(**_facts(plan, referral, profile, world.today)))
    referral.fact = fact
    if profile is not None:
        rows.add(CaseFactSearchArea(fact=fact, municipality_id=municipality.pk))


def _build_profile(world, rows, plan, referral, chair, codes):
    rng, municipality = world.rng, plan.municipality
    code = new_code(municipality.region.code_letter)
    while code in codes:
        code = new_code(municipality.region.code_letter)
    codes.add(code)
    on = timezone.localdate(plan.submitted)
    age = on.year - plan.birth_date.year - ((on.month, on.day) < (plan.birth_date.month, plan.birth_date.day))
    profile = rows.add(
        Profile(
            referral=referral,
            region_id=plan.region_id,
            regisseur=chair,
            code=code,
            status=plan.profile_status,
            age_band=AgeBand.for_age(age),
            young_adult=18 <= age <= 27,
            origin=plan.origin,
            contract_form=plan.contract_form,
            current_situation="Verblijft in de opvang; wil met begeleiding zelfstandig wonen.",
            conclusion="Kan met ambulante begeleiding zelfstandig wonen.",
            dwelling_needs="Eenpersoonswoning, benedenwoning of met lift.",
            safety_plan_needed=False,
            care_provider_id=plan.provider_id,
            care_funding="zin",
            registered_on=on,
            created_at=plan.profile_created,
            shared_at=plan.shared,
            matched_at=plan.matched,
            housed_on=plan.housed_on,
            ended_on=plan.ended_on,
        )
    )
    rows.add(
        ProfileVersion(
            profile=profile,
            version=1,
            content={"current_situation": profile.current_situation, "conclusion": profile.conclusion},
            saved_by=chair,
            saved_at=plan.profile_created,
        )
    )
    rows.add(Profile.search_area.through(profile=profile, organisation_id=municipality.pk))
    if not plan.shared:
        return profile
    _event(rows, referral, EventKind.PROFILE_SHARED, chair, plan.shared)
    profile_feedback = _later(rng, plan.shared, 1, 3, 10)
    if profile_feedback <= world.now:
        rows.add(
            Feedback(
                referral=referral,
                kind=FeedbackKind.PROFILE,
                text="Het profiel is gedeeld met de corporaties in het zoekgebied.",
                author=chair,
                created_at=profile_feedback,
            )
        )
    ended_at = None
    if plan.ended_on:
        ended_at = _at(rng, plan.ended_on)
    plan.offers = []
    for corporation_id, response, responded in plan.shares:
        matched_here = corporation_id == plan.corporation_id
        revoked = None
        if plan.matched and not matched_here:
            revoked = plan.matched
        elif plan.status == Status.CONSENT_WITHDRAWN:
            revoked = plan.closed
        elif matched_here and ended_at:
            revoked = ended_at
        share = rows.add(
            ProfileShare(
                profile=profile,
                corporation_id=corporation_id,
                shared_by=chair,
                shared_at=plan.shared,
                response=response,
                responded_at=responded,
                placed_elsewhere=bool(plan.matched and not matched_here),
                revoked_at=revoked,
            )
        )
        staff = world.staff[corporation_id]
        if response == ShareResponse.OFFER:
            offer = rows.add(
                Offer(
                    share=share,
                    dwelling_address=f"Demostraat {plan.number % 180 + 1}",
                    dwelling_type=rng.choice(DWELLINGS),
                    rent_cents=rng.randrange(48_000, 72_000, 250),
                    available_from=timezone.localdate(responded) + datetime.timedelta(days=rng.randint(14, 60)),
                    created_by=staff,
                    created_at=responded,
                )
            )
            plan.offers.append((offer, matched_here))
        if response and rng.random() < 0.3:
            rows.add(
                ProfileMessage(
                    profile=profile,
                    corporation_id=corporation_id,
                    author=staff,
                    text="Is een woning op de eerste verdieping zonder lift ook passend?",
                    created_at=responded - datetime.timedelta(hours=2),
                )
            )
            answered = responded + datetime.timedelta(hours=rng.randint(3, 40))
            if answered <= world.now:
                rows.add(
                    ProfileMessage(
                        profile=profile,
                        corporation_id=corporation_id,
                        author=chair,
                        text="Liever niet: de inwoner heeft last van zijn knie. Begane grond of met lift.",
                        created_at=answered,
                    )
                )
    if not plan.matched:
        return profile
    offer = next((offer for offer, here in plan.offers if here), None)
    corporation_staff, provider_staff = world.staff[plan.corporation_id], world.staff[plan.provider_id]
    intended = max(timezone.localdate(plan.matched) + datetime.timedelta(days=14), offer.available_from)
    rows.add(
        Match(
            profile=profile,
            corporation_id=plan.corporation_id,
            offer=offer,
            dwelling_address=offer.dwelling_address,
            intended_date=intended,
            care_provider_id=plan.provider_id,
            corporation_contact=corporation_staff,
            provider_contact=provider_staff,
            matched_by=chair,
            matched_at=plan.matched,
            lease_signed_on=plan.housed_on,
            end_kind=plan.end_kind,
            ended_on=plan.ended_on,
            end_evaluation="Huurachterstand liep op; de begeleiding kwam niet van de grond."
            if plan.end_kind in (EndKind.EVICTED, EndKind.LEFT)
            else ("Woont zelfstandig; de begeleiding is afgeschaald." if plan.end_kind else ""),
        )
    )
    _event(rows, referral, EventKind.MATCHED, chair, plan.matched, corporation_staff.organisation.name)
    placement = _later(rng, plan.matched, 1, 2, 8)
    if placement <= world.now:
        rows.add(
            Feedback(
                referral=referral,
                kind=FeedbackKind.PLACEMENT,
                text="De inwoner gaat huren bij de gematchte corporatie.",
                corporation_id=plan.corporation_id,
                intended_date=intended,
                author=chair,
                created_at=placement,
            )
        )
    if plan.housed_on:
        _event(rows, referral, EventKind.HOUSED, chair, _at(rng, plan.housed_on), plan.housed_on.strftime("%d-%m-%Y"))
    for held_on in plan.evaluations:
        evaluator = rng.choice([corporation_staff, provider_staff])
        rows.add(
            Evaluation(
                profile=profile,
                held_on=held_on,
                organisation_id=evaluator.organisation_id,
                author=evaluator,
                notes="Evaluatie met inwoner, corporatie en begeleider: de afspraken lopen.",
                created_at=_at(rng, held_on),
            )
        )
    for raised, kind, raiser_id, about_id in plan.signals:
        raiser = world.staff.get(raiser_id) or world.consultant(plan.municipality)
        signal = rows.add(
            Signal(
                profile=profile,
                kind=kind,
                text="De begeleiding is al weken niet langs geweest; de huur is twee keer te laat betaald.",
                raised_by=raiser,
                organisation_id=raiser_id,
                about_id=about_id,
                created_at=raised,
            )
        )
        planned = timezone.localdate(raised) + datetime.timedelta(days=10)
        held = planned <= world.today
        rows.add(
            CaseMeeting(
                profile=profile,
                signal=signal,
                status=CaseMeeting.Status.HELD if held else CaseMeeting.Status.PLANNED,
                casusregisseur=world.consultant(plan.municipality),
                planned_on=planned,
                held_on=planned if held else None,
                participants="Corporatie, zorgaanbieder, casusregisseur" if held else "",
                outcome="Nieuwe afspraken over de begeleiding en een betalingsregeling." if held else "",
            )
        )
        plan.signal_objects = [*getattr(plan, "signal_objects", []), signal]
        _event(rows, referral, EventKind.SIGNAL_RAISED, raiser, raised)
    if plan.ended_on:
        _event(rows, referral, EventKind.ENDED, chair, _at(rng, plan.ended_on), EndKind(plan.end_kind).label)
    return profile


def _overleggen(world, rows):
    """The overleggen of both regions: attendance, agenda items for exceptions (with votes) and offers
    (decided), signals, notes; the next meeting still to hold carries what waits. One decision corrected."""
    rng, today = world.rng, world.today
    existing = set(Meeting.objects.values_list("region_id", "date"))
    attendance_pool = {}
    for organisation in Organisation.objects.filter(region__isnull=False).order_by("pk"):
        attendance_pool.setdefault(organisation.region_id, []).append(organisation.pk)
    providers = world.providers[:4]
    meetings = {}
    for region_id, chair in world.chairs.items():
        for day in world.overleg_days:
            if (region_id, day) in existing:
                continue
            held = day < today
            meetings[(region_id, day)] = Meeting(
                region_id=region_id,
                date=day,
                chair=chair,
                held=held,
                notes="Alle punten besproken; besluiten zoals op de agenda vastgelegd." if held else "",
            )
    Meeting.objects.bulk_create(meetings.values(), batch_size=BATCH)
    attendances = []
    for (region_id, _day), meeting in meetings.items():
        if not meeting.held:
            continue
        present = attendance_pool.get(region_id, []) + providers
        for organisation_id in present:
            attendances.append(Attendance(meeting=meeting, organisation_id=organisation_id))
    Attendance.objects.bulk_create(attendances, batch_size=BATCH)
    present_of = {}
    for attendance in attendances:
        present_of.setdefault(attendance.meeting_id, []).append(attendance.organisation_id)

    items, decisions, votes, records = [], [], [], []
    per_meeting, positions = {}, {}

    def item_for(meeting, kind, **values):
        count = per_meeting.get((meeting.pk, kind), 0)
        if count >= ITEMS_PER_KIND:
            return None
        per_meeting[(meeting.pk, kind)] = count + 1
        positions[meeting.pk] = positions.get(meeting.pk, 0) + 1
        item = AgendaItem(meeting=meeting, kind=kind, position=positions[meeting.pk], **values)
        items.append(item)
        return item

    def meeting_on(region_id, moment):
        return meetings.get((region_id, timezone.localdate(moment)))

    next_day = min(day for day in world.overleg_days if day >= today)
    upcoming = {region_id: meetings.get((region_id, next_day)) for region_id in world.chairs}
    for plan in rows.plans:
        request = getattr(plan, "request", None)
        if request is not None:
            meeting = (
                meeting_on(plan.region_id, request.decided_at) if request.decided_at else upcoming.get(plan.region_id)
            )
            decided = request.decided_at is not None
            item = meeting and item_for(
                meeting,
                AgendaItemKind.EXCEPTION,
                exception_request=request,
                title=f"Uitzonderingsverzoek {str(request.pk)[:8].upper()}",
                decided=decided,
                decision=("Toegekend." if plan.exception_granted else "Afgewezen.") if decided else "",
                discussion="Besproken; de aanwezigen stemden." if decided else "",
                discussed_at=request.decided_at,
            )
            if item is not None and decided:
                present = present_of.get(meeting.pk, [])
                in_favour = len(present) // 2 + 1 if plan.exception_granted else len(present) // 3
                for index, organisation_id in enumerate(present):
                    choice = "for" if index < in_favour else "against"
                    votes.append(Vote(item=item, organisation_id=organisation_id, choice=choice))
                    records.append(
                        VoteRecord(
                            item=item,
                            organisation_id=organisation_id,
                            choice=choice,
                            recorded_by=meeting.chair,
                            recorded_at=request.decided_at,
                        )
                    )
                decisions.append(
                    Decision(
                        item=item,
                        outcome="granted" if plan.exception_granted else "refused",
                        votes_for=in_favour,
                        present=len(present),
                        text=item.decision,
                        recorded_by=meeting.chair,
                        recorded_at=request.decided_at,
                    )
                )
        profile = plan.profile
        if profile is None:
            continue
        for offer, matched_here in getattr(plan, "offers", []):
            if plan.matched and matched_here:
                meeting = meeting_on(plan.region_id, plan.matched)
                item = meeting and item_for(
                    meeting,
                    AgendaItemKind.OFFER,
                    profile=profile,
                    offer=offer,
                    title=f"Aanbod voor {profile.code}",
                    decided=True,
                    decision="Het aanbod past; de regisseur legt de match vast.",
                    discussion="De corporatie lichtte de woning toe; de zorgaanbieder kan starten.",
                    discussed_at=plan.matched,
                )
                if item is not None:
                    decisions.append(
                        Decision(item=item, text=item.decision, recorded_by=meeting.chair, recorded_at=plan.matched)
                    )
            elif plan.profile_status == ProfileStatus.SHARED and offer is plan.offers[0][0]:
                # An offer still to weigh: on the agenda of the next overleg.
                meeting = upcoming.get(plan.region_id)
                if meeting is not None:
                    item_for(
                        meeting, AgendaItemKind.OFFER, profile=profile, offer=offer, title=f"Aanbod voor {profile.code}"
                    )
        for signal in getattr(plan, "signal_objects", []):
            meeting = world.next_overleg(signal.created_at)
            meeting = meeting and meetings.get((plan.region_id, timezone.localdate(meeting)))
            if meeting is not None:
                item = item_for(
                    meeting,
                    AgendaItemKind.SIGNAL,
                    profile=profile,
                    signal=signal,
                    title=f"Signaal bij {profile.code}",
                    decided=meeting.held,
                    decision="De casusregisseur plant een casusoverleg." if meeting.held else "",
                    discussed_at=_at(rng, meeting.date) if meeting.held else None,
                )
                if item is not None and meeting.held:
                    decisions.append(
                        Decision(
                            item=item, text=item.decision, recorded_by=meeting.chair, recorded_at=item.discussed_at
                        )
                    )
    AgendaItem.objects.bulk_create(items, batch_size=BATCH)
    Vote.objects.bulk_create(votes, batch_size=BATCH)
    VoteRecord.objects.bulk_create(records, batch_size=BATCH)
    Decision.objects.bulk_create(decisions, batch_size=BATCH)
    # A decision corrected afterwards (the minutes keep both): one per region.
    corrections = []
    for region_id in world.chairs:
        first = next((d for d in decisions if d.item.meeting.region_id == region_id and not d.outcome), None)
        if first is not None:
            corrections.append(
                Decision(
                    item=first.item,
                    text=first.text + " De zorgaanbieder start twee weken eerder.",
                    corrects=first,
                    reason="De startdatum van de begeleiding stond verkeerd in het besluit.",
                    recorded_by=first.recorded_by,
                    recorded_at=first.recorded_at + datetime.timedelta(days=1),
                )
            )
    Decision.objects.bulk_create(corrections)
    for correction in corrections:
        AgendaItem.objects.filter(pk=correction.item.pk).update(decision=correction.text)


def _synthetic_bsn(rng):
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        total = sum(digit * weight for digit, weight in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last <= 9:
            return "".join(map(str, digits)) + str(last)
