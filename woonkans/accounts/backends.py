import functools

from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from .models import RoleAssignment, User


class PortalModelBackend(ModelBackend):
    """Loads the signed-in user with organisation, region and roles: every page shows them."""

    def get_user(self, user_id):
        alias = router.db_for_read(User)
        if connections[alias].vendor == "postgresql":
            user = _read_signed_in_user(alias, user_id)
        else:
            user = (
                User._default_manager.select_related("organisation__region")
                .prefetch_related("role_assignments")
                .filter(pk=user_id)
                .first()
            )
        return user if user is not None and self.user_can_authenticate(user) else None


# Every request reads the user. Building that query with the ORM (select_related of organisation and
# region, the role codes as an ARRAY subquery in the same row) cost about 2.5 ms of CPU per request, the
# largest part of what a page costs before its own work; running the same statement costs 0.4 ms
# (benchmarks/NOTES.md, item 27). So the statement is put together once per process, from the models'
# own table and column names, and the row is turned into the three instances with the fields' own
# database converters, as the ORM does. tests/accounts/test_signed_in_user.py holds it equal to the
# ORM's reading, field by field, so a new field or table cannot drift.
_JOINED = ("organisation", "region")  # user -> organisation -> region, each nullable


@functools.cache
def _statement(alias):
    """The SQL, and per model its attnames and each column's converters (as the ORM's compiler applies)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    models, joins = [User], []
    for name in _JOINED:
        field = models[-1]._meta.get_field(name)
        target = field.related_model
        left, right = f"t{len(models) - 1}", f"t{len(models)}"
        joins.append(
            f"LEFT OUTER JOIN {quote(target._meta.db_table)} {right}"
            f" ON {right}.{quote(target._meta.pk.column)} = {left}.{quote(field.column)}"
        )
        models.append(target)
    columns = [
        f"t{index}.{quote(field.column)}" for index, model in enumerate(models) for field in model._meta.concrete_fields
    ]
    role = RoleAssignment._meta.get_field("role").column
    assignee = RoleAssignment._meta.get_field("user").column
    # Only quoted table and column names of the models go into the text; the user's id is a parameter.
    roles = (
        f"ARRAY(SELECT r.{quote(role)} FROM {quote(RoleAssignment._meta.db_table)} r"  # noqa: S608
        f" WHERE r.{quote(assignee)} = t0.{quote(User._meta.pk.column)})"
    )
    sql = (
        f"SELECT {', '.join(columns)}, {roles} FROM {quote(User._meta.db_table)} t0 {' '.join(joins)}"  # noqa: S608
        f" WHERE t0.{quote(User._meta.pk.column)} = %s"
    )
    readers = []
    for model in models:
        fields = model._meta.concrete_fields
        converters = []
        for field in fields:
            column = field.get_col(model._meta.db_table)
            converters.append(
                (column, [*connection.ops.get_db_converters(column), *field.get_db_converters(connection)])
            )
        attnames = [field.attname for field in fields]
        readers.append((model, attnames, attnames.index(model._meta.pk.attname), converters))
    return sql, readers


def _read_signed_in_user(alias, user_id):
    sql, readers = _statement(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    instances, start = [], 0
    for model, attnames, pk_index, converters in readers:
        values = list(row[start : start + len(attnames)])
        start += len(attnames)
        if values[pk_index] is None:  # an outer join without a match: no organisation or region, as select_related
            instances.append(None)
            continue
        for index, (column, functions) in enumerate(converters):
            for function in functions:
                values[index] = function(values[index], column, connection)
        instances.append(model.from_db(alias, attnames, values))
    for name, owner, related in zip(_JOINED, instances[:-1], instances[1:], strict=True):
        if owner is None:
            break
        owner._meta.get_field(name).set_cached_value(owner, related)
    user = instances[0]
    user.loaded_role_codes = list(row[start])
    return user
