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
provider and its object-permission models here from its AppConfig.ready. This module reads no
domain model itself, so core imports no domain app (import-linter contracts in pyproject.toml).
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.apps import apps
from django.db import transaction

from woonkans.accounts.roles import Role
from woonkans.parties.models import Organisation, OrganisationKind


class Stage(StrEnum):
    REPORTED = "reported"  # step 2: melding at the Wmo desk
    IN_RESEARCH = "in_research"  # step 3: the consultant's research
    EXCEPTION_REQUESTED = "exception_requested"  # step 3: put anonymously to the overleg (preamble)
    SUBMITTED = "submitted"  # step 4: with the region's regisseurs, no profile yet
    PROFILE_DRAFT = "profile_draft"  # step 4: the regisseur writes the profile
    SHARED = "shared"  # step 5: pseudonymised profile with the selected corporations
    MATCHED = "matched"  # step 6: matched corporation and linked provider
    HOUSED = "housed"  # after step 6: the trajectory runs (art. 8)
    ENDED = "ended"  # the trajectory ended (well or negatively)
    STOPPED = "stopped"  # consent withdrawn (art. 4.3) or referral withdrawn
    CLOSED = "closed"  # the overleg refused the exception
    ERASED = "erased"  # the personal data were purged (AVG art. 17, DPIA §10)


class Relation(StrEnum):
    CONSULTANT = "consultant"  # the own municipality's Wmo-consultant (casusregisseur)
    PRIVACY_OFFICER = "privacy_officer"  # the municipality's privacy officer (controller, DPIA §15)
    REGISSEUR = "regisseur"  # the region's keten-/procesregisseurs
    CHAIR = "chair"  # the chair of the region's overleg (ketenregisseur)
    SHARED_CORPORATION = "shared_corporation"  # a corporation the profile is shared with
    MATCHED_CORPORATION = "matched_corporation"
    LINKED_PROVIDER = "linked_provider"
    REPORTING_PROVIDER = "reporting_provider"  # the provider that reported the resident (step 2)


# The roles that act for each relation (the role half of "role AND grant").
RELATION_ROLES = {
    Relation.CONSULTANT: (Role.WMO_CONSULTANT,),
    Relation.PRIVACY_OFFICER: (Role.PRIVACY_OFFICER,),
    Relation.REGISSEUR: (Role.KETENREGISSEUR, Role.PROCESREGISSEUR),
    Relation.CHAIR: (Role.KETENREGISSEUR,),
    Relation.SHARED_CORPORATION: (Role.CORPORATION,),
    Relation.MATCHED_CORPORATION: (Role.CORPORATION,),
    Relation.LINKED_PROVIDER: (Role.CARE_PROVIDER,),
    Relation.REPORTING_PROVIDER: (Role.CARE_PROVIDER,),
}

# The objects grants are made on, and the guardian codenames the code checks.
REFERRAL, PROFILE = "referral", "profile"
VIEW_REFERRAL = (REFERRAL, "view_referral")
CHANGE_REFERRAL = (REFERRAL, "change_referral")
VIEW_REPORT_STATUS = (REFERRAL, "view_report_status")  # coarse status only (referrals.workflow.COARSE)
VIEW_IDENTITY = (REFERRAL, "view_identity")  # identity and lease documents (step 6)
VIEW_CONTACT = (REFERRAL, "view_contact")  # name and contact data (step 6, linked provider)
VIEW_PROFILE = (PROFILE, "view_profile")
CHANGE_PROFILE = (PROFILE, "change_profile")

_MUNICIPALITY = {
    # The municipality holds the Wmo file at every stage (steps 2–3; DPIA §10 retention).
    Relation.CONSULTANT: frozenset({VIEW_REFERRAL, CHANGE_REFERRAL}),
    Relation.PRIVACY_OFFICER: frozenset({VIEW_REFERRAL}),
}
_CASUSREGISSEUR = {
    # The consultant is the casusregisseur (SOK art. 1a) and gets the regisseur's three feedbacks (DPIA §3):
    # from feedback 2 ("het profiel zoals opgesteld", with the share) on, the municipality also reads the
    # profile, and through it the match, the trajectory and its end (art. 5.1c, 8.3). Read only: writing
    # the profile stays the regisseurs' (step 4); evaluations are the corporation's and provider's (art.
    # 5.2c, 5.3b). A casusregisseur the chair appoints (art. 8.4) is a regisseur or this consultant.
    Relation.CONSULTANT: frozenset({VIEW_REFERRAL, CHANGE_REFERRAL, VIEW_PROFILE}),
    Relation.PRIVACY_OFFICER: frozenset({VIEW_REFERRAL}),
}
_REPORTER = {Relation.REPORTING_PROVIDER: frozenset({VIEW_REPORT_STATUS})}  # step 2: its own report
_REGION = {
    # Step 4: the region's regisseurs read the referral (+ consultant, who keeps the file).
    Relation.REGISSEUR: frozenset({VIEW_REFERRAL}),
    Relation.CHAIR: frozenset({VIEW_REFERRAL}),
}
_REGION_WITH_PROFILE = {
    # Step 4–6 and the trajectory: the regisseurs write the profile and run the overleg (art. 5, 8).
    Relation.REGISSEUR: frozenset({VIEW_REFERRAL, VIEW_PROFILE, CHANGE_PROFILE}),
    Relation.CHAIR: frozenset({VIEW_REFERRAL, VIEW_PROFILE, CHANGE_PROFILE}),
}
_STEP_6 = {
    # Step 6: the matched corporation only (the others are "placed elsewhere"), and the linked provider.
    Relation.MATCHED_CORPORATION: frozenset({VIEW_PROFILE, VIEW_IDENTITY}),
    Relation.LINKED_PROVIDER: frozenset({VIEW_CONTACT}),
}

# stage -> relation -> grants. A relation not named gets nothing.
POLICY = {
    Stage.REPORTED: {**_MUNICIPALITY, **_REPORTER},
    Stage.IN_RESEARCH: {**_MUNICIPALITY, **_REPORTER},
    # The exception request is anonymous (preamble): no grant on the case for the region.
    Stage.EXCEPTION_REQUESTED: {**_MUNICIPALITY, **_REPORTER},
    Stage.SUBMITTED: {**_MUNICIPALITY, **_REPORTER, **_REGION},
    Stage.PROFILE_DRAFT: {**_MUNICIPALITY, **_REPORTER, **_REGION_WITH_PROFILE},
    # Step 5: the pseudonymised profile only, to the corporations it is shared with.
    Stage.SHARED: {
        **_CASUSREGISSEUR,
        **_REPORTER,
        **_REGION_WITH_PROFILE,
        Relation.SHARED_CORPORATION: {VIEW_PROFILE},
    },
    Stage.MATCHED: {**_CASUSREGISSEUR, **_REPORTER, **_REGION_WITH_PROFILE, **_STEP_6},
    Stage.HOUSED: {**_CASUSREGISSEUR, **_REPORTER, **_REGION_WITH_PROFILE, **_STEP_6},
    # The trajectory ended: the shares go from every corporation and provider; the regisseurs keep the
    # case for the end evaluation and a fund claim (Bijlage 3, decided by the chair). The matched
    # corporation keeps only the match by its code, to file that claim (no grant: matching.selectors).
    Stage.ENDED: {**_CASUSREGISSEUR, **_REPORTER, **_REGION_WITH_PROFILE},
    # Art. 4.3: no further processing by the parties; the municipality keeps its Wmo file, with the
    # feedbacks it received (DPIA §10): the consultant keeps reading the profile, nobody else does.
    Stage.STOPPED: {**_CASUSREGISSEUR, **_REPORTER},
    Stage.CLOSED: {**_MUNICIPALITY, **_REPORTER},
    Stage.ERASED: {**_MUNICIPALITY, **_REPORTER},
}

# AVG art. 18: while the case is restricted, corporations and providers see nothing of it; the
# municipality and the regisseurs keep reading (storage is allowed).
PAUSED_WHILE_RESTRICTED = frozenset(
    {
        Relation.SHARED_CORPORATION,
        Relation.MATCHED_CORPORATION,
        Relation.LINKED_PROVIDER,
        Relation.REPORTING_PROVIDER,
    }
)

# The kinds of document (referrals.models.DocumentKind values) each relation may open, where its
# grant lets it open documents at all. None: every kind. Step 6 names exactly these four for the
# matched corporation: landlord statement, GBA extract, income statement (IB60), guardianship decision.
ALL_KINDS = None
DOCUMENT_KINDS = {
    Relation.CONSULTANT: ALL_KINDS,
    Relation.PRIVACY_OFFICER: ALL_KINDS,
    Relation.REGISSEUR: ALL_KINDS,
    Relation.CHAIR: ALL_KINDS,
    Relation.MATCHED_CORPORATION: frozenset(
        {"landlord_statement", "gba_extract", "income_statement", "guardianship_decision"}
    ),
}

# Stages in which the case no longer runs: stopping settles the apps' open items (shares, offers,
# agenda) once, in the transition's transaction.
FINAL_STAGES = frozenset({Stage.ENDED, Stage.STOPPED, Stage.CLOSED, Stage.ERASED})


def grants_for(stage, relation, *, restricted=False):
    if restricted and relation in PAUSED_WHILE_RESTRICTED:
        return frozenset()
    return frozenset(POLICY[stage].get(relation, ()))


def document_kinds(relation):
    """The document kinds the relation may open (None: all); an empty set when it may open none."""
    return DOCUMENT_KINDS.get(relation, frozenset())


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
    if stage in FINAL_STAGES or not state.profile_id:
        return stage
    return _PROFILE_STAGES[state.profile_status]


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


# ---- the registry the apps fill in their AppConfig.ready ----

_OBJECT_MODELS = {}  # kind -> (object model label, group permission model label, user permission model label)
_FACTS_PROVIDERS = []  # callables(referral_ids or None) -> {referral_id: {CaseState field: value}}
_SETTLERS = []  # callables(state, stage, actor): close the app's open items of a case that stopped


def register_objects(kind, *, model, group_permissions, user_permissions):
    _OBJECT_MODELS[kind] = (model, group_permissions, user_permissions)


def register_facts(provider):
    if provider not in _FACTS_PROVIDERS:
        _FACTS_PROVIDERS.append(provider)


def register_settler(settler):
    if settler not in _SETTLERS:
        _SETTLERS.append(settler)


def case_states(referral_ids=None):
    """{referral_id: CaseState} for the given cases (None: every case)."""
    facts = {}
    for provider in _FACTS_PROVIDERS:
        for referral_id, values in provider(referral_ids).items():
            facts.setdefault(referral_id, {}).update(values)
    return {referral_id: CaseState(**values) for referral_id, values in facts.items() if "referral_status" in values}


def _chain_directions():
    result = {}
    for region_id, organisation_id in Organisation.objects.filter(kind=OrganisationKind.CHAIN_DIRECTION).values_list(
        "region_id", "pk"
    ):
        result.setdefault(region_id, set()).add(organisation_id)
    return result


@dataclass
class Drift:
    """Per case: grants the policy wants but the tables lack, and grants the tables hold beyond it."""

    missing: dict = field(default_factory=dict)  # referral_id -> set of (kind, organisation id, codename)
    extra: dict = field(default_factory=dict)

    def __bool__(self):
        return bool(self.missing or self.extra)

    def case_ids(self):
        return sorted({*self.missing, *self.extra}, key=str)


def _permission_ids(kind):
    model = apps.get_model(_OBJECT_MODELS[kind][0])
    permission = apps.get_model("auth", "Permission")
    content_type = apps.get_model("contenttypes", "ContentType").objects.get_for_model(model)
    return dict(permission.objects.filter(content_type=content_type).values_list("codename", "pk"))


def _delete(model, pks, chunk=2000):
    for start in range(0, len(pks), chunk):
        model.objects.filter(pk__in=pks[start : start + chunk]).delete()


def reconcile(referral_ids=None, *, fix=True):
    """Compare the grant tables with the policy for the given cases (None: all) and, with fix, repair them.

    Returns the Drift found (before repair). Rows granted to single users are never in the policy.
    """
    states = case_states(referral_ids)
    chain_directions = _chain_directions()
    group_of = dict(Organisation.objects.values_list("pk", "group_id"))
    organisation_of = {group: organisation for organisation, group in group_of.items()}
    owner = {}  # (kind, object pk) -> referral id
    wanted = set()
    for state in states.values():
        for kind, pk in state.objects.items():
            if pk is not None:
                owner[(kind, pk)] = state.referral_id
        wanted |= disclosed(state, chain_directions)
    drift = Drift()
    for kind, (_model, group_label, user_label) in _OBJECT_MODELS.items():
        codename_ids = _permission_ids(kind)
        codenames = {pk: codename for codename, pk in codename_ids.items()}
        group_model, user_model = apps.get_model(group_label), apps.get_model(user_label)
        objects = [pk for (object_kind, pk) in owner if object_kind == kind]
        held_rows = group_model.objects.all()
        user_rows = user_model.objects.all()
        if referral_ids is not None:
            held_rows = held_rows.filter(content_object_id__in=objects)
            user_rows = user_rows.filter(content_object_id__in=objects)
        held = {}
        for pk, object_pk, group_id, permission_id in held_rows.values_list(
            "pk", "content_object_id", "group_id", "permission_id"
        ):
            held[(kind, object_pk, organisation_of.get(group_id), codenames.get(permission_id))] = pk
        extra = {row: pk for row, pk in held.items() if row not in wanted and row[:2] in owner}
        for row in extra:
            drift.extra.setdefault(owner[row[:2]], set()).add((row[0], row[2], row[3]))
        # A grant to a single user is never in the policy (grants go to organisation groups).
        stray = [
            (pk, object_pk, user_id, permission_id)
            for pk, object_pk, user_id, permission_id in user_rows.values_list(
                "pk", "content_object_id", "user_id", "permission_id"
            )
            if (kind, object_pk) in owner
        ]
        for _pk, object_pk, user_id, permission_id in stray:
            drift.extra.setdefault(owner[(kind, object_pk)], set()).add(
                (kind, f"user:{user_id}", codenames.get(permission_id))
            )
        missing = [row for row in wanted if row[0] == kind and row not in held]
        for row in missing:
            drift.missing.setdefault(owner[row[:2]], set()).add((row[0], row[2], row[3]))
        if fix:
            _delete(group_model, list(extra.values()))
            _delete(user_model, [row[0] for row in stray])
            group_model.objects.bulk_create(
                [
                    group_model(
                        content_object_id=object_pk,
                        group_id=group_of[organisation],
                        permission_id=codename_ids[codename],
                    )
                    for (_kind, object_pk, organisation, codename) in missing
                ],
                batch_size=2000,
            )
    return drift


def sync_case_grants(referral, *, actor=None, settle=True):
    """Make the grants of one case what the policy says for its state now; call it in every transition.

    In a final stage (stopped, ended, closed, erased) the apps' settlers then close what is still open
    on the case (shares, offers, agenda items) and tell the organisations that lost it. Returns the stage.
    """
    referral_id = getattr(referral, "pk", referral)
    with transaction.atomic():
        # The case row's lock serialises two transitions of one case: the later one derives from the
        # earlier one's committed state, so a stop can never be undone by a share racing it.
        referral_model = apps.get_model(_OBJECT_MODELS[REFERRAL][0])
        list(referral_model.objects.select_for_update().filter(pk=referral_id).values_list("pk", flat=True))
        reconcile([referral_id], fix=True)
        state = case_states([referral_id]).get(referral_id)
        if state is None:
            return None
        stage = stage_of(state)
        if settle and stage in FINAL_STAGES:
            for settler in _SETTLERS:
                settler(state, stage, actor)
        return stage
