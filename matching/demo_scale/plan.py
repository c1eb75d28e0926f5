"""The synthetic cases' routes: the parties and overleg calendar (World) and one case's drawn steps (Plan)."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from leadtimes.workdays import is_working_day
from referrals.workflow import Status
from woonkans.accounts.models import RoleAssignment, User
from woonkans.accounts.roles import Role
from woonkans.parties.models import HousingStock, Organisation, OrganisationKind

from ..models import (
    AgendaItemKind,
    EndKind,
    ProfileStatus,
    ShareResponse,
    SignalKind,
)

MONTHS = 24
SYNTHETIC_FAMILY_NAME = "Testpersoon"
OVERLEG_WEEKDAY = 3  # the overleggen meet every other Thursday
OVERLEGGEN_PER_YEAR = 26
# The fund's oldest synthetic claims take one status each (guarantee_fund.demo): a small history must have
# that many negative ends, each long enough ago for its claim to walk the whole path (about 120 days).
NEGATIVE_ENDS_AT_LEAST = 12
CLAIM_ROOM_DAYS = 160
YEAR_AND_A_DAY = 366
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

    def drop_rows(self):
        """Forget the model rows built for this case once they are written (an agenda keeps what it holds)."""
        for name in ("referral", "profile", "request", "offers", "signal_objects"):
            self.__dict__.pop(name, None)


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


def agenda_limits(annual_housing_target):
    """The agenda items of each kind one overleg holds, as real overleggen do at any number of cases.

    A region places its annual housing target (SOK art. 5.2b: 120 homes Noord, 100 Midden) over about 26
    overleggen: some five offers a meeting; exceptions and signals come about once for every three
    placements. What does not fit was weighed outside the portal's agenda (the match and the decision stay
    on the case), so an overleg's agenda, like its page, keeps its size whatever the number of cases.
    """
    offers = -(-annual_housing_target // OVERLEGGEN_PER_YEAR)
    others = -(-offers // 3)
    return {AgendaItemKind.OFFER: offers, AgendaItemKind.EXCEPTION: others, AgendaItemKind.SIGNAL: others}


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


def ensure_negative_ends(world, plans):
    """A history too small to draw NEGATIVE_ENDS_AT_LEAST negative ends with room for a claim gets them from
    its longest-housed running trajectories, so a claim stands in every status at any size. Where there is
    room they end after their first year, so the share still housed a year on (about four in five, the
    monitoring's figure) stays as drawn. A large history draws enough of its own and is left as drawn."""
    rng, room = world.rng, world.today - datetime.timedelta(days=CLAIM_ROOM_DAYS)
    negative = (EndKind.EVICTED, EndKind.LEFT)
    ended = sum(1 for plan in plans if plan.end_kind in negative and plan.ended_on <= room)
    if ended >= NEGATIVE_ENDS_AT_LEAST:
        return
    running = sorted(
        (plan for plan in plans if plan.housed_on and not plan.end_kind and (room - plan.housed_on).days >= 60),
        key=lambda plan: (plan.housed_on, plan.number),
    )
    for plan in running[: NEGATIVE_ENDS_AT_LEAST - ended]:
        span = (room - plan.housed_on).days
        first_day = YEAR_AND_A_DAY if span >= YEAR_AND_A_DAY else min(270, span)
        plan.ended_on = plan.housed_on + datetime.timedelta(days=rng.randint(first_day, span))
        plan.end_kind = EndKind.EVICTED
        plan.status, plan.profile_status = Status.ENDED_NEGATIVE, ProfileStatus.ENDED_NEGATIVE
        plan.evaluations = [held for held in plan.evaluations if held <= plan.ended_on]
        plan.signals = [signal for signal in plan.signals if timezone.localdate(signal[0]) <= plan.ended_on]
