"""What each party sees of a case, per stage of the route, as data; and the one function that makes
django-guardian's tables say exactly that.

Sources: SPEC §3 (the route, Bijlage 2 of the SOK, steps 2–6), SOK art. 4.2 (staged disclosure, per
role, only as far as the stage needs), art. 4.3 (withdrawn consent stops every party's processing at
once), AVG art. 18 (restriction pauses what is shared) and DPIA §10 (the municipality keeps its Wmo
file for the retention period).

Grants go to organisation groups; a role check on top keeps e.g. a municipality's werkgroep member
away from case content. So relations that share a group (consultant and privacy officer; regisseurs
and chair) share the group's grants, and the role decides which of them acts.

The apps own the facts of a case (what a live share is, who is matched): each registers a facts
provider and its object-permission models here from its AppConfig.ready. This package reads no
domain model itself, so core imports no domain app (import-linter contracts in pyproject.toml).

The tables are in policy.py; a case's stage and relations in state.py; what the apps register in
registry.py; the machinery that makes guardian's tables follow the policy in sync.py.
"""

from .policy import (
    ALL_KINDS,
    CHANGE_PROFILE,
    CHANGE_REFERRAL,
    DOCUMENT_KINDS,
    FINAL_STAGES,
    PAUSED_WHILE_RESTRICTED,
    POLICY,
    PROFILE,
    REFERRAL,
    RELATION_ROLES,
    VIEW_CONTACT,
    VIEW_IDENTITY,
    VIEW_PROFILE,
    VIEW_REFERRAL,
    VIEW_REPORT_STATUS,
    Relation,
    Stage,
    document_kinds,
    grants_for,
)
from .registry import case_states, register_facts, register_grant_follower, register_objects, register_settler
from .state import CaseState, disclosed, relations_of, stage_of
from .sync import Drift, reconcile, sync_case_grants

__all__ = [
    "ALL_KINDS",
    "CHANGE_PROFILE",
    "CHANGE_REFERRAL",
    "DOCUMENT_KINDS",
    "FINAL_STAGES",
    "PAUSED_WHILE_RESTRICTED",
    "POLICY",
    "PROFILE",
    "REFERRAL",
    "RELATION_ROLES",
    "VIEW_CONTACT",
    "VIEW_IDENTITY",
    "VIEW_PROFILE",
    "VIEW_REFERRAL",
    "VIEW_REPORT_STATUS",
    "CaseState",
    "Drift",
    "Relation",
    "Stage",
    "case_states",
    "disclosed",
    "document_kinds",
    "grants_for",
    "reconcile",
    "register_facts",
    "register_grant_follower",
    "register_objects",
    "register_settler",
    "relations_of",
    "stage_of",
    "sync_case_grants",
]
