"""Read interfaces the apps give each other through core, so that none imports the other.

The app that owns a fact registers a provider from its AppConfig.ready (as the disclosure policy's
facts providers do, woonkans.privacy.disclosure); the app that needs it asks here. Providers return
ids and plain values, never model instances, so the asking app does not lean on another app's models.

- Monitoring keeps one anonymous fact per case (monitoring.CaseFact): referrals and matching provide
  the dates and categories of the case (``monitoring_facts``), and referrals links the fact to its
  case (``link_fact``); nothing on the fact points back.
- The guarantee fund needs to know about an ended trajectory (``trajectory``, ``read_trajectory``
  for a user's page): whose it was, how it ended, and whether a claim may follow.
- The Woonkans-overleg (matching) asks the fund which claims await the overleg
  (``claims_for_agenda``): a filed claim is always discussed first (Bijlage 3 §3) and a deviation
  (art. 7.9) needs the consent of those present. Matching answers with the events
  ``ClaimDiscussed`` and ``ClaimDeviationVoted`` (woonkans.events), to which the fund subscribes.
"""

import dataclasses
import datetime
import uuid

_MONITORING_FACTS = []  # provider(referral_id) -> {name: plain value}
_FACT_LINKS = []  # linker(referral_id, fact_id) -> bool (linked now)
_TRAJECTORIES = []  # provider(profile_id or None) -> [Trajectory]
_TRAJECTORY_READERS = []  # reader(*, user, profile_id) -> Trajectory, or Http404 with a logged denial
_CLAIMS_FOR_AGENDA = []  # provider(region_id) -> [ClaimForAgenda]


def _register(registry, provider):
    if provider not in registry:
        registry.append(provider)


def register_monitoring_facts(provider):
    _register(_MONITORING_FACTS, provider)


def register_fact_link(linker):
    _register(_FACT_LINKS, linker)


def register_trajectories(provider):
    _register(_TRAJECTORIES, provider)


def register_trajectory_reader(reader):
    _register(_TRAJECTORY_READERS, reader)


def register_claims_for_agenda(provider):
    _register(_CLAIMS_FOR_AGENDA, provider)


def monitoring_facts(referral_id):
    """The anonymous facts the apps know of one case; empty when no app knows it."""
    facts = {}
    for provider in _MONITORING_FACTS:
        facts.update(provider(referral_id))
    return facts


def link_fact(referral_id, fact_id):
    """Let the case point at its new fact; False when it already points at one (a concurrent writer won)."""
    return all(linker(referral_id, fact_id) for linker in _FACT_LINKS) if _FACT_LINKS else False


@dataclasses.dataclass(frozen=True)
class Trajectory:
    """A matched case's trajectory as the fund sees it: by code, never by identity."""

    profile_id: uuid.UUID
    referral_id: uuid.UUID
    code: str
    region_id: int
    corporation_id: int
    care_provider_id: int | None
    ended_on: datetime.date | None
    end_kind: str
    end_kind_label: str
    end_evaluation: str
    # Ended negatively by eviction or leaving: the only endings a guarantee-fund claim may follow.
    claimable: bool


def trajectories(profile_id=None):
    """One trajectory (by profile id) or, with None, every trajectory a claim may follow."""
    found = []
    for provider in _TRAJECTORIES:
        found.extend(provider(profile_id))
    return found


def trajectory(profile_id):
    found = trajectories(profile_id)
    return found[0] if found else None


def read_trajectory(*, user, profile_id):
    """The trajectory as ``user`` may see it (matched corporation or linked provider), access logged;
    Http404 (denial logged) for anyone else."""
    (reader,) = _TRAJECTORY_READERS
    return reader(user=user, profile_id=profile_id)


@dataclasses.dataclass(frozen=True)
class ClaimForAgenda:
    """A claim the overleg may put on its agenda: one awaiting discussion, or a deviation awaiting its vote."""

    claim_id: uuid.UUID
    profile_id: uuid.UUID
    code: str
    filed_on: datetime.date | None
    claimed_cents: int
    # "discussion": filed and not yet discussed; "deviation": a deviation (art. 7.9) awaits its vote.
    purpose: str
    deviation_id: int | None = None
    summary: str = ""  # Dutch, plain: e.g. which rules a deviation would lift


def claims_for_agenda(region_id):
    """The region's claims awaiting the overleg (discussion or a deviation vote), from the fund."""
    found = []
    for provider in _CLAIMS_FOR_AGENDA:
        found.extend(provider(region_id))
    return found
