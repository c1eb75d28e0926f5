"""Making django-guardian's tables say what the policy says: for one case, or all (reconcile)."""

from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction

from woonkans import bulk
from woonkans.parties.models import Organisation

from .policy import FINAL_STAGES, REFERRAL
from .registry import _GRANT_FOLLOWERS, _OBJECT_MODELS, _SETTLERS, case_states
from .state import _chain_directions, disclosed, stage_of


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
            bulk.insert(
                group_model,
                [
                    group_model(
                        content_object_id=object_pk,
                        group_id=group_of[organisation],
                        permission_id=codename_ids[codename],
                    )
                    for (_kind, object_pk, organisation, codename) in missing
                ],
            )
    if fix:
        # The grants of these cases are now the policy's: the columns apps keep from them follow, in the
        # same transaction as the grants (sync_case_grants, the seed, a repair).
        for follower in _GRANT_FOLLOWERS:
            follower(referral_ids)
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
