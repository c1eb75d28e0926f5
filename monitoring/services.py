"""Keep each case's anonymous fact in step with the route.

Subscribed to ``CaseChanged`` (woonkans.events), so it runs after the action's transaction commits.
It reads the case through the apps' providers (woonkans.cases), never their models: monitoring
imports neither referrals nor matching. Every call recomputes the whole fact, so a missed or failed
run is repaired by the case's next action.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans import cases
from woonkans.accounts.roles import Role
from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.choices import AgeBand
from woonkans.notifications import notify
from woonkans.parties.models import Organisation, OrganisationKind

from .models import CaseFact, CaseFactSearchArea, HalfYearReport, Outcome, Seat, WerkgroepMeeting, WerkgroepMember

PROFILE_OUTCOMES = {
    "housed": Outcome.RUNNING,
    "ended_positive": Outcome.ENDED_POSITIVE,
    "ended_negative": Outcome.ENDED_NEGATIVE,
}
STOPPED_STATUSES = {"withdrawn", "consent_withdrawn", "closed"}


def _date(value):
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def fact_values(facts):
    """The anonymous facts of one case: dates of each step, region, municipality, age band, source, outcome.

    ``facts`` are the plain values of woonkans.cases.monitoring_facts; ``age`` is the age on the day of
    submission (or today) and does not leave this function.
    """
    age = facts.get("age")
    outcome = Outcome.OPEN
    if facts.get("profile_status") in PROFILE_OUTCOMES:
        outcome = PROFILE_OUTCOMES[facts["profile_status"]]
    elif facts["status"] in STOPPED_STATUSES:
        outcome = Outcome.STOPPED
    exception_requested = facts["exception_requested"]
    return {
        "region_id": facts["region_id"],
        "municipality_id": facts["municipality_id"],
        "corporation_id": facts.get("corporation_id"),
        "reported_by_provider": facts["reported_by_provider"],
        "origin": facts["origin"],
        "age_band": AgeBand.for_age(age) if age else "",
        "young_adult": None if age is None else 18 <= age <= 27,
        "eligible": facts["eligible"],
        "eligibility_on": _date(facts.get("eligibility_checked_at")),
        "ineligible_reason": (facts.get("ineligible_reason") or "") if facts["eligible"] is False else "",
        "contract_form": facts.get("contract_form") or "",
        "exception_requested": exception_requested,
        "exception_granted": facts["exception_granted"]
        or (False if facts["status"] == "closed" and exception_requested else None),
        "reported_on": _date(facts["created_at"]),
        "submitted_on": _date(facts["submitted_at"]),
        "shared_on": _date(facts.get("shared_at")),
        "matched_on": _date(facts.get("matched_at")),
        "housed_on": facts.get("housed_on"),
        "ended_on": (
            facts.get("profile_ended_on")
            if facts.get("profile_ended_on")
            else _date(facts["closed_at"])
            if outcome == Outcome.STOPPED
            else None
        ),
        "outcome": outcome,
    }


def sync_case_fact(referral_id):
    """Bring the case's fact up to date (creating and linking it on the first action); returns its id."""
    facts = cases.monitoring_facts(referral_id)
    if not facts:
        return None  # the case is gone
    values = fact_values(facts)
    if facts.get("purged"):
        # Its identity and research are gone (erasure or retention purge): the fact keeps what it
        # recorded of them, and takes only how the case ended (the erasure's own stop arrives after
        # the purge has committed).
        CaseFact.objects.filter(pk=facts.get("fact_id")).update(outcome=values["outcome"], ended_on=values["ended_on"])
        return facts.get("fact_id")
    if facts.get("fact_id"):
        CaseFact.objects.filter(pk=facts["fact_id"]).update(**values)
        _sync_search_area(facts["fact_id"], facts.get("search_area_ids"))
        return facts["fact_id"]
    fact = CaseFact.objects.create(**values)
    if not cases.link_fact(referral_id, fact.pk):
        # Another run linked a fact first: keep that one, with these values.
        fact.delete()
        existing = cases.monitoring_facts(referral_id).get("fact_id")
        CaseFact.objects.filter(pk=existing).update(**values)
        _sync_search_area(existing, facts.get("search_area_ids"))
        return existing
    _sync_search_area(fact.pk, facts.get("search_area_ids"))
    return fact.pk


def _sync_search_area(fact_id, municipality_ids):
    """The fact's search area follows the profile's (municipalities only, no resident data)."""
    if municipality_ids is None or fact_id is None:
        return
    wanted = set(municipality_ids)
    current = set(CaseFactSearchArea.objects.filter(fact_id=fact_id).values_list("municipality_id", flat=True))
    CaseFactSearchArea.objects.filter(fact_id=fact_id, municipality_id__in=current - wanted).delete()
    CaseFactSearchArea.objects.bulk_create(
        [CaseFactSearchArea(fact_id=fact_id, municipality_id=pk) for pk in wanted - current], ignore_conflicts=True
    )


def on_case_changed(event):
    sync_case_fact(event.referral_id)


# SOK Art. 8.6: at most four municipalities, four corporations and five providers (the three
# sheltered-housing combinations, the shelter party and one other), plus the two chairs.
SEAT_LIMITS = {
    Seat.MUNICIPALITY: 4,
    Seat.CORPORATION: 4,
    Seat.PROVIDER_BW: 3,
    Seat.PROVIDER_MO: 1,
    Seat.PROVIDER_OTHER: 1,
    Seat.CHAIR: 2,
}
SEAT_KINDS = {
    Seat.MUNICIPALITY: OrganisationKind.MUNICIPALITY,
    Seat.CORPORATION: OrganisationKind.CORPORATION,
    Seat.PROVIDER_BW: OrganisationKind.CARE_PROVIDER,
    Seat.PROVIDER_MO: OrganisationKind.CARE_PROVIDER,
    Seat.PROVIDER_OTHER: OrganisationKind.CARE_PROVIDER,
    Seat.CHAIR: OrganisationKind.CHAIN_DIRECTION,
}
MEETINGS_PER_YEAR = 5


def active_members(on=None):
    on = on or timezone.localdate()
    return WerkgroepMember.objects.filter(since__lte=on).filter(Q(until__isnull=True) | Q(until__gte=on))


@transaction.atomic
def add_werkgroep_member(*, actor, seat, organisation, since, person=None):
    """Give an organisation a seat in the werkgroep; refused (in Dutch) beyond the limits of SOK Art. 8.6."""
    # One werkgroep: serialise additions so two at once cannot both take the last seat.
    list(WerkgroepMember.objects.select_for_update().filter(seat=seat))
    if organisation.kind != SEAT_KINDS[seat]:
        raise ValidationError(
            {"organisation": _("Deze zetel is voor een %(kind)s.") % {"kind": OrganisationKind(SEAT_KINDS[seat]).label}}
        )
    if person is not None and person.organisation_id != organisation.pk:
        raise ValidationError({"person": _("Het lid hoort bij de organisatie van de zetel.")})
    taken = active_members(since).filter(seat=seat).count()
    if taken >= SEAT_LIMITS[seat]:
        raise ValidationError(
            {
                "seat": _(
                    "De werkgroep heeft al %(count)s leden op de zetel ‘%(seat)s’; volgens SOK artikel 8.6 "
                    "is dat het maximum. Beëindig eerst een lidmaatschap."
                )
                % {"count": taken, "seat": Seat(seat).label}
            }
        )
    if active_members(since).filter(organisation=organisation, seat=seat).exists():
        raise ValidationError({"organisation": _("Deze organisatie heeft deze zetel al.")})
    member = WerkgroepMember.objects.create(seat=seat, organisation=organisation, person=person, since=since)
    log_access(user=actor, action=AccessAction.CREATE, obj=member, purpose="werkgroep")
    return member


@transaction.atomic
def end_werkgroep_member(*, actor, member, until):
    member = WerkgroepMember.objects.select_for_update().get(pk=member.pk)
    if until < member.since:
        raise ValidationError({"until": _("De einddatum ligt vóór de begindatum van het lidmaatschap.")})
    member.until = until
    member.save(update_fields=["until"])
    log_access(user=actor, action=AccessAction.UPDATE, obj=member, purpose="werkgroep")
    return member


@transaction.atomic
def plan_werkgroep_meeting(*, actor, held_on, agenda):
    """Plan a meeting; the latest half-yearly report is attached as its monitoring pack."""
    meeting = WerkgroepMeeting.objects.create(
        held_on=held_on,
        agenda=agenda,
        report=HalfYearReport.objects.filter(period_end__lt=held_on).order_by("-period_end", "-created_at").first(),
        created_by=actor,
    )
    log_access(user=actor, action=AccessAction.CREATE, obj=meeting, purpose="werkgroep")
    return meeting


@transaction.atomic
def record_werkgroep_minutes(*, actor, meeting, minutes):
    meeting = WerkgroepMeeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.minutes = minutes
    meeting.save(update_fields=["minutes"])
    log_access(user=actor, action=AccessAction.UPDATE, obj=meeting, purpose="werkgroep")
    return meeting


def meetings_planned(year):
    return WerkgroepMeeting.objects.filter(held_on__year=year).count()


@transaction.atomic
def announce_report(*, report):
    """Tell every party's users the report is ready (SOK Art. 8.8), once: a rerun tells no one again."""
    report = HalfYearReport.objects.select_for_update().get(pk=report.pk)
    if report.announced_at is not None:
        return False
    notify(
        organisations=Organisation.objects.active(),
        roles=tuple(Role),
        subject=_("Halfjaarrapportage Woonkans"),
        intro=_("De halfjaarrapportage van Woonkans staat klaar in het portaal."),
        path=reverse("monitoring:reports"),
    )
    report.announced_at = timezone.now()
    report.save(update_fields=["announced_at"])
    return True
