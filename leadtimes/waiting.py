"""Which cases wait longer than their step's target, computed from the case data itself.

Each step is ONE query (Exists / Subquery annotations, `.values()` rows), whatever the number of
cases: the start of a step is derived from the timestamps the route already writes (submitted_at,
the share's shared_at, the first offer, matched_at, housed_on and the last evaluation). The filter
"started before the cut-off date" is done in the database; only the waited time of the rows that
pass is counted here.

Who is responsible:
- regisseurs of the case's region: submitted without profile, offer without overleg decision,
  housed without evaluation, and each missing feedback to the consultant (DPIA §3);
- the own municipality's Wmo-consultants (the casusregisseur): housed without evaluation too;
- each corporation the profile is shared with (its own share only): shared without any answer;
- the matched corporation: matched without lease date.
Restricted (AVG art. 18), purged and closed cases wait for nobody.
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.models import EVALUATION_DUE_FROM, AgendaItem, AgendaItemKind, Match, Profile, ProfileShare, ProfileStatus
from referrals.models import AWAITING_PRECONDITIONS_FEEDBACK, WAITING_IN_INBOX, Referral
from woonkans.lists import urls_like

from .models import LeadTimeTarget, Step, Unit
from .workdays import nth_working_day_back, working_days_between

REGISSEUR_STEPS = (
    Step.SUBMITTED,
    Step.OFFER,
    Step.HOUSED,
    Step.FEEDBACK_PRECONDITIONS,
    Step.FEEDBACK_PROFILE,
    Step.FEEDBACK_PLACEMENT,
)
CORPORATION_STEPS = (Step.SHARED, Step.MATCHED)
OPEN_PROFILE = (ProfileStatus.SHARED, ProfileStatus.MATCHED, ProfileStatus.HOUSED)
# A step whose rows are walked in the order of an equal moment kept where its partial index is.
ORDER_FIELD = {
    Step.FEEDBACK_PROFILE: "referral__profile_feedback_due_since",
    Step.FEEDBACK_PLACEMENT: "referral__placement_feedback_due_since",
}


@dataclass(frozen=True)
class Waiting:
    step: str
    referral_id: object
    region_id: int
    corporation_id: int | None  # the responsible corporation; None: the region's regisseurs
    profile_id: object
    reference: str  # the profile's code or the referral's short reference: no personal data
    started_on: datetime.date
    waited: int
    target: LeadTimeTarget
    path: str
    twice_over: bool
    extra_days: int = 0  # for targets in months: the days past the last whole month

    @property
    def step_label(self):
        return Step(self.step).label

    @property
    def how_long(self):
        if self.target.unit == Unit.MONTHS:
            waited = ngettext("%(n)s maand", "%(n)s maanden", self.waited) % {"n": self.waited}
            if self.extra_days:
                days = ngettext("%(n)s dag", "%(n)s dagen", self.extra_days) % {"n": self.extra_days}
                waited = _("%(months)s en %(days)s") % {"months": waited, "days": days}
        else:
            waited = ngettext("%(n)s werkdag", "%(n)s werkdagen", self.waited) % {"n": self.waited}
        return _("%(waited)s, doel %(target)s") % {"waited": waited, "target": self.target.amount}


def targets():
    """The targets per step (one query); a step whose row was removed has no target and is skipped."""
    return {target.step: target for target in LeadTimeTarget.objects.all()}


def cut_off(target, today, times=1):
    """Starts strictly before this date have waited longer than `times` the target."""
    if target.unit == Unit.MONTHS:
        return today - relativedelta(months=target.amount * times)
    return nth_working_day_back(today, target.amount * times + 1)


def _waited(target, started_on, today):
    """(waited, extra days): whole months and the days beyond them, or working days."""
    if target.unit == Unit.MONTHS:
        delta = relativedelta(today, started_on)
        return delta.years * 12 + delta.months, delta.days
    return working_days_between(started_on, today), 0


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _day(value):
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def _case_open(prefix=""):
    return Q(**{f"{prefix}restricted_at__isnull": True, f"{prefix}purged_at__isnull": True})


def _rows(step, before, region_id=None, corporation_id=None, municipality_id=None):
    """(rows, start field) for one step: a single query."""
    cut = _midnight(before)
    if step in (Step.SUBMITTED, Step.FEEDBACK_PRECONDITIONS):
        # Each reads the condition its partial index holds (referrals.models), so the home's query walks
        # that index from the oldest start and stops after its limit, whatever the number of cases.
        rows = Referral.objects.filter(_case_open(), submitted_at__lt=cut, closed_at__isnull=True)
        if step == Step.SUBMITTED:
            rows = rows.filter(WAITING_IN_INBOX)  # no profile started: the inbox's own condition
        else:
            rows = rows.filter(AWAITING_PRECONDITIONS_FEEDBACK)
        if region_id is not None:
            rows = rows.filter(region_id=region_id)
        return rows.values("pk", "number", "region_id", "submitted_at"), "submitted_at", "pk", None

    if step == Step.SHARED:
        answered = ProfileShare.objects.filter(profile=OuterRef("profile"), responded_at__isnull=False)
        rows = ProfileShare.objects.filter(
            _case_open("profile__referral__"),
            profile__status=ProfileStatus.SHARED,
            revoked_at__isnull=True,
            placed_elsewhere=False,
            responded_at__isnull=True,
            shared_at__lt=cut,
        ).filter(~Exists(answered))
        if corporation_id is not None:
            rows = rows.filter(corporation_id=corporation_id)
        fields = ("profile_id", "profile__code", "profile__referral_id", "profile__region_id", "corporation_id")
        return rows.values(*fields, "shared_at"), "shared_at", "profile__referral_id", "corporation_id"

    if step == Step.MATCHED:
        rows = Match.objects.filter(
            _case_open("profile__referral__"),
            profile__status=ProfileStatus.MATCHED,
            lease_signed_on__isnull=True,
            ended_on__isnull=True,
            matched_at__lt=cut,
        )
        if corporation_id is not None:
            rows = rows.filter(corporation_id=corporation_id)
        fields = ("profile_id", "profile__code", "profile__referral_id", "profile__region_id", "corporation_id")
        return rows.values(*fields, "matched_at"), "matched_at", "profile__referral_id", "corporation_id"

    profiles = Profile.objects.filter(_case_open("referral__"))
    if region_id is not None:
        profiles = profiles.filter(region_id=region_id)
    if municipality_id is not None:
        profiles = profiles.filter(municipality_id=municipality_id)  # the referral's, kept on the profile
    fields = ("pk", "code", "referral_id", "region_id")
    if step == Step.OFFER:
        # offered_at is kept on the profile (matching.models.profile.first_open_offer): the partial index
        # matching_profile_offered holds the shared profiles with an offer, in the order of the step's start.
        decided = AgendaItem.objects.filter(
            profile=OuterRef("pk"), decided=True, kind__in=(AgendaItemKind.OFFER, AgendaItemKind.PROFILE)
        )
        rows = profiles.filter(status=ProfileStatus.SHARED, offered_at__lt=cut).filter(~Exists(decided))
        return rows.values(*fields, "offered_at"), "offered_at", "referral_id", None
    if step == Step.HOUSED:
        # The step runs from the later of the housing and the last evaluation (Profile.last_evaluation_on, kept
        # by record_evaluation): the partial index matching_profile_eval_due holds that moment of every
        # housed profile, so the home walks it from the oldest and stops after its limit; the casusregisseur's
        # (municipality_id) walks matching_profile_muni_eval_due, its municipality's housed profiles only.
        rows = (
            profiles.filter(status=ProfileStatus.HOUSED, housed_on__lt=before)
            .annotate(due_from=EVALUATION_DUE_FROM)
            .filter(due_from__lt=before)
        )
        values = rows.values(*fields, "housed_on", "due_from", last_evaluation=F("last_evaluation_on"))
        return values, "due_from", "referral_id", None
    if step == Step.FEEDBACK_PROFILE:
        # Since when the feedback on the shared profile is due is kept on the referral (the profile's shared_at,
        # mark_profile_shared; cleared by give_feedback): its partial index referrals_awaiting_feedback_2 holds
        # just the waiting cases in that order, so the walk stops at the cut-off or after its limit.
        rows = profiles.filter(status__in=OPEN_PROFILE, shared_at__lt=cut, referral__profile_feedback_due_since__lt=cut)
        return rows.values(*fields, "shared_at"), "shared_at", "referral_id", None
    if step == Step.FEEDBACK_PLACEMENT:
        # Likewise from the match (its matched_at, mark_matched): referrals_awaiting_feedback_3.
        rows = profiles.filter(
            status__in=(ProfileStatus.MATCHED, ProfileStatus.HOUSED),
            match__matched_at__lt=cut,
            referral__placement_feedback_due_since__lt=cut,
        )
        return rows.values(*fields, "match__matched_at"), "match__matched_at", "referral_id", None
    raise ValueError(step)


def _link(step, for_corporation):
    """(URL name, the row's key for it) of the page a waiting case of ``step`` links to."""
    if step in (Step.SUBMITTED,):
        return "referrals:detail", "pk"
    if step.startswith("feedback_"):
        return "referrals:feedback", "referral_id"
    if step == Step.SHARED:
        return "matching:corporation_profile", "profile_id"
    if step == Step.MATCHED:
        return ("matching:trajectory" if for_corporation else "matching:profile"), "profile_id"
    return "matching:profile", "pk"


def consultant_path(referral_id):
    # The consultant (casusregisseur) follows the case on the referral's page.
    return reverse("referrals:detail", kwargs={"referral_id": referral_id})


def waiting_in_step(step, target, *, today, region_id=None, corporation_id=None, municipality_id=None, limit=None):
    """The cases of one step past its target (one query), optionally only a region's, a corporation's
    or (housed without evaluation: the casusregisseur's) a municipality's; with ``limit`` only the
    ones that started the step first."""
    rows, start_field, referral_field, corporation_field = _rows(
        step,
        cut_off(target, today),
        region_id=region_id,
        corporation_id=corporation_id,
        municipality_id=municipality_id,
    )
    if limit is not None:
        rows = rows.order_by(ORDER_FIELD.get(step, start_field))[:limit]
    twice = cut_off(target, today, times=2)
    rows = list(rows)
    # One reverse a step, not one a row (lists.urls_like): the home lists up to 50 cases a step.
    if municipality_id is not None:
        # The consultant (casusregisseur) follows the case on the referral's page.
        name, key = "referrals:detail", referral_field
    else:
        name, key = _link(step, corporation_field is not None)
        if key == "referral_id" and rows and key not in rows[0]:
            key = "pk"  # feedback 1 reads the referral itself
    path = urls_like(name, rows[0][key]) if rows else None
    result = []
    for row in rows:
        started_on = _day(row[start_field])
        if step == Step.HOUSED and row["last_evaluation"]:
            started_on = max(started_on, row["last_evaluation"])
        if step in (Step.SUBMITTED, Step.FEEDBACK_PRECONDITIONS):
            reference = row["number"] or str(row["pk"])[:8].upper()
        else:
            reference = row.get("profile__code") or row.get("code")
        waited, extra_days = _waited(target, started_on, today)
        result.append(
            Waiting(
                step=step,
                referral_id=row[referral_field],
                region_id=row.get("region_id") or row.get("profile__region_id"),
                corporation_id=row[corporation_field] if corporation_field else None,
                profile_id=row.get("profile_id") or (row["pk"] if "code" in row else None),
                reference=reference,
                started_on=started_on,
                waited=waited,
                extra_days=extra_days,
                target=target,
                path=path(row[key]),
                twice_over=started_on < twice,
            )
        )
    return result


class Worklist(list):
    """The waiting cases, and the labels of the steps where more wait than are shown (``more``)."""

    def __init__(self, items=(), *, per_step=None, more=()):
        super().__init__(items)
        self.per_step = per_step
        self.more = list(more)


def worklist_for(user, *, today=None, per_step=None):
    """'Wacht te lang' for the user's own party: a fixed number of queries, whatever the number of cases.

    With ``per_step`` (the home page) at most that many per step, those waiting longest: a region
    with thousands of overdue cases made the page cost seconds (one row, a working-day count and a
    URL each; benchmarks/NOTES.md). The escalation task reads every case (tasks.py)."""
    from matching.permissions import CORPORATION_ROLES, REGISSEUR_ROLES
    from referrals.permissions import CONSULTANT_ROLES

    organisation = user.organisation if user.is_authenticated else None
    if organisation is None:
        return []
    today = today or timezone.localdate()
    steps = []
    if user.has_role(*REGISSEUR_ROLES) and organisation.kind == "chain_direction" and organisation.region_id:
        steps += [(step, {"region_id": organisation.region_id}) for step in REGISSEUR_STEPS]
    if user.has_role(*CORPORATION_ROLES) and organisation.kind == "corporation":
        steps += [(step, {"corporation_id": organisation.pk}) for step in CORPORATION_STEPS]
    if user.has_role(*CONSULTANT_ROLES) and organisation.kind == "municipality":
        steps += [(Step.HOUSED, {"municipality_id": organisation.pk})]
    if not steps:
        return Worklist()
    by_step = targets()
    items, more = [], []
    limit = None if per_step is None else per_step + 1
    for step, scope in steps:
        if step in by_step:
            found = waiting_in_step(step, by_step[step], today=today, limit=limit, **scope)
            if per_step is not None and len(found) > per_step:
                found = found[:per_step]
                more.append(found[0].step_label)
            items += found
    return Worklist(sorted(items, key=lambda item: item.started_on), per_step=per_step, more=more)
