"""A case's facts, the stage they put it in, and which organisations stand in which relation to it."""

from dataclasses import dataclass

from woonkans.parties.models import Organisation, OrganisationKind

from .policy import FINAL_STAGES, PROFILE, REFERRAL, Relation, Stage, grants_for


@dataclass(frozen=True)
class CaseState:
    """The facts of one case that decide its disclosure; filled by the apps' facts providers."""

    referral_id: object
    referral_status: str
    municipality_id: int
    region_id: int
    reported_by_id: int | None = None
    restricted: bool = False
    purged: bool = False
    profile_id: object = None
    profile_status: str = ""
    # The profile went to the corporations once (and with it to the consultant as feedback 2, DPIA §3).
    profile_shared: bool = False
    shared_with: frozenset = frozenset()
    matched_corporation_id: int | None = None
    care_provider_id: int | None = None

    @property
    def objects(self):
        return {REFERRAL: self.referral_id, PROFILE: self.profile_id}


_REFERRAL_STAGES = {
    "reported": Stage.REPORTED,
    "in_research": Stage.IN_RESEARCH,
    "exception_requested": Stage.EXCEPTION_REQUESTED,
    "submitted": Stage.SUBMITTED,
    "matched": Stage.MATCHED,
    # After the match the profile's status tells the stage (housed, ended).
    "housed": Stage.HOUSED,
    "ended_positive": Stage.ENDED,
    "ended_negative": Stage.ENDED,
    "withdrawn": Stage.STOPPED,
    "consent_withdrawn": Stage.STOPPED,
    "closed": Stage.CLOSED,
}
_PROFILE_STAGES = {
    "draft": Stage.PROFILE_DRAFT,
    "shared": Stage.SHARED,
    "matched": Stage.MATCHED,
    "housed": Stage.HOUSED,
    "ended_positive": Stage.ENDED,
    "ended_negative": Stage.ENDED,
    "stopped": Stage.STOPPED,
}


def stage_of(state):
    if state.purged:
        return Stage.ERASED
    stage = _REFERRAL_STAGES[state.referral_status]
    if stage not in FINAL_STAGES and state.profile_id:
        stage = _PROFILE_STAGES[state.profile_status]
    if stage == Stage.STOPPED and state.profile_id and not state.profile_shared:
        return Stage.STOPPED_IN_DRAFT  # a stop from draft: the profile was never disclosed beyond the region
    return stage


def _chain_directions():
    result = {}
    for region_id, organisation_id in Organisation.objects.filter(kind=OrganisationKind.CHAIN_DIRECTION).values_list(
        "region_id", "pk"
    ):
        result.setdefault(region_id, set()).add(organisation_id)
    return result


def _relation_organisations(state, chain_directions):
    return {
        Relation.CONSULTANT: {state.municipality_id},
        Relation.PRIVACY_OFFICER: {state.municipality_id},
        Relation.REGISSEUR: chain_directions.get(state.region_id, set()),
        Relation.CHAIR: chain_directions.get(state.region_id, set()),
        Relation.SHARED_CORPORATION: set(state.shared_with),
        Relation.MATCHED_CORPORATION: {state.matched_corporation_id} - {None},
        Relation.LINKED_PROVIDER: {state.care_provider_id} - {None},
        Relation.REPORTING_PROVIDER: {state.reported_by_id} - {None},
    }


def relations_of(state, organisation_id, chain_directions=None):
    """The relations an organisation has to the case (for pages and tests)."""
    chain_directions = chain_directions if chain_directions is not None else _chain_directions()
    return {
        relation
        for relation, organisations in _relation_organisations(state, chain_directions).items()
        if organisation_id in organisations
    }


def disclosed(state, chain_directions=None):
    """The set of (object kind, object pk, organisation id, codename) the policy grants now."""
    chain_directions = chain_directions if chain_directions is not None else _chain_directions()
    stage = stage_of(state)
    rows = set()
    for relation, organisations in _relation_organisations(state, chain_directions).items():
        for kind, codename in grants_for(stage, relation, restricted=state.restricted):
            if state.objects[kind] is None:
                continue
            rows.update((kind, state.objects[kind], organisation, codename) for organisation in organisations)
    return rows
