"""Reading the grants sync.py writes: "does the user's organisation hold this grant on the row?".

guardian's get_objects_for_user filters with ``pk IN (the user's grants) OR pk IN (the user's groups'
grants)``: PostgreSQL then reads every grant the organisation holds (they grow with the cases) before
it can cut a page of 25. One EXISTS on the direct-FK group table lets the planner walk the list's
sort index and probe the grant index (content_object, permission, group) per row instead, so a page
stops after its rows whatever the number of cases (plans in benchmarks/NOTES.md). An OR with the
user table would turn the EXISTS back into a hashed subplan over every grant.

A grant is a group grant: the policy grants to organisation groups only (SOK art. 4.2, per party),
and reconcile() removes a row granted to a single user as drift. Lists (``granted``) and single
objects (``holds``) read the same rows, so a list and its detail page never disagree.
"""

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.lookups import IsNull
from guardian.utils import get_group_obj_perms_model

from woonkans.parties.models import Organisation

from .registry import _OBJECT_MODELS


def _group_model(model):
    """The direct-FK group permission table the disclosure registry names for ``model``, read without a
    query: guardian's lookup reads the content type, cached per process, so a worker's first page cost
    one query more than the next (the home's count varied 10-11 in the benchmark)."""
    for model_label, group_label, _user_label in _OBJECT_MODELS.values():
        if model_label == model._meta.label:
            return apps.get_model(group_label)
    return get_group_obj_perms_model(model)


def _grants_permission(model, codename):
    return Subquery(
        Permission.objects.filter(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
            codename=codename,
        )
        .order_by()
        .values("pk")
    )


def _grants(user, model, codename):
    group_model = _group_model(model)
    if group_model.objects.is_generic():
        # content_object_id is compared with the row's key; the generic table keeps a varchar object_pk.
        raise TypeError(f"{model.__name__} has no direct foreign-key group object permission model")
    # An InitPlan, evaluated once per query: each probe is then one index lookup. The content type is
    # joined there, not read by get_for_model (a per-process cache: see _group_model).
    permission = _grants_permission(model, codename)
    memberships = user.groups.through.objects.filter(user_id=user.pk).values("group_id")
    return group_model.objects.filter(permission_id=permission, group_id__in=memberships)


def granted(user, model, codename, *, probe=False, outer="pk"):
    """An expression true on the rows of ``model`` on which the user's organisation holds ``codename``.

    ``outer``: the field of the outer query that holds the key of the ``model`` row (``profile_id`` for a
    list of matches), so the grant is probed without reading that row.

    ``probe``: for a query that walks an index of the model (a status in the order of its start) and
    stops at a LIMIT, as the home's capped counts do. A scalar subquery is never turned into a join, so
    PostgreSQL probes the grant index once per row walked; the EXISTS lets it read every grant of the
    organisation first (it estimates them far too few), which grows with the cases. Same rows either way."""
    grants = _grants(user, model, codename).filter(content_object=OuterRef(outer))
    if probe:
        return IsNull(Subquery(grants.values("group_id")[:1]), False)
    return Exists(grants)


def held_by_organisation(model, codename, *, outer, organisation):
    """An expression true where the group of the organisation whose key is in the outer field
    ``organisation`` holds ``codename`` on the ``model`` row whose key is in ``outer``: for a column an app
    keeps from the grants (a grant follower, registry.register_grant_follower), read here, where the grant
    tables are read, and never decided by the app."""
    permission = _grants_permission(model, codename)
    group = Organisation.objects.filter(pk=OuterRef(OuterRef(organisation))).values("group_id")[:1]
    return Exists(
        _group_model(model).objects.filter(
            content_object_id=OuterRef(outer), permission_id=permission, group_id=Subquery(group)
        )
    )


def member_of_own_organisation(user):
    """True where the user belongs to its own organisation's group. The grants are the group's, so a count
    read from what is kept beside the grants (``reported_by``, a match's granted side) holds for the user
    only as a member of that group. One uncorrelated check, evaluated once a query."""
    return Exists(
        user.groups.through.objects.filter(
            user_id=user.pk,
            group_id=Subquery(Organisation.objects.filter(pk=user.organisation_id).values("group_id")[:1]),
        )
    )


def holds(user, codename, obj):
    """Whether the user's organisation holds ``codename`` on ``obj`` (one query)."""
    return _grants(user, type(obj), codename).filter(content_object_id=obj.pk).exists()
