"""The registry the apps fill in their AppConfig.ready: object tables, facts providers, settlers."""

from .state import CaseState

_OBJECT_MODELS = {}  # kind -> (object model label, group permission model label, user permission model label)
_FACTS_PROVIDERS = []  # callables(referral_ids or None) -> {referral_id: {CaseState field: value}}
_SETTLERS = []  # callables(state, stage, actor): close the app's open items of a case that stopped
# callables(referral_ids or None): after reconcile wrote the grants of these cases, re-derive a column the
# app keeps from them (a list's capped count reads it from an index instead of probing each grant).
_GRANT_FOLLOWERS = []


def register_objects(kind, *, model, group_permissions, user_permissions):
    _OBJECT_MODELS[kind] = (model, group_permissions, user_permissions)


def register_facts(provider):
    if provider not in _FACTS_PROVIDERS:
        _FACTS_PROVIDERS.append(provider)


def register_settler(settler):
    if settler not in _SETTLERS:
        _SETTLERS.append(settler)


def register_grant_follower(follower):
    if follower not in _GRANT_FOLLOWERS:
        _GRANT_FOLLOWERS.append(follower)


def case_states(referral_ids=None):
    """{referral_id: CaseState} for the given cases (None: every case)."""
    facts = {}
    for provider in _FACTS_PROVIDERS:
        for referral_id, values in provider(referral_ids).items():
            facts.setdefault(referral_id, {}).update(values)
    return {referral_id: CaseState(**values) for referral_id, values in facts.items() if "referral_status" in values}
