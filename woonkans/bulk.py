"""Writing many new rows at once (the demo's scale data, the grants of a reconcile): COPY on PostgreSQL.

``insert(model, objs)`` writes what ``bulk_create`` would write, only faster: every value goes through
the field's own ``pre_save`` and ``get_db_prep_save`` (so an encrypted field is stored encrypted, a
JSON field as JSON, ``auto_now_add`` is filled in), numbered models get their numbers from the
sequence (woonkans.numbering), and auto-increment keys are taken from the table's own sequence with
``nextval`` before the COPY, so the sequence stays ahead of every row written. On other databases
(SQLite in a quick local run), and for a handful of rows, it is ``bulk_create``. Like
``bulk_create`` it sends no signals and calls no ``save()``.
"""

import datetime
import uuid

from django.db import connections, models
from psycopg import sql

from .numbering import NumberedQuerySet, assign_numbers

BATCH = 2000
# Below this many rows a COPY's set-up costs more than it saves.
COPY_FROM = 200


def insert(model, objs, *, using="default", batch_size=BATCH):
    """Insert the unsaved ``objs`` of ``model``; returns them with their keys set, as bulk_create does."""
    objs = list(objs)
    if not objs:
        return objs
    connection = connections[using]
    if connection.vendor != "postgresql" or len(objs) < COPY_FROM or _has_db_defaults(model):
        return model._default_manager.db_manager(using).bulk_create(objs, batch_size=batch_size)
    if isinstance(model._default_manager.all(), NumberedQuerySet):
        assign_numbers(objs)
    opts = model._meta
    for obj in objs:
        # Takes the key of a related object saved since it was assigned (as bulk_create does).
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    pk = opts.pk
    if isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
        without = [obj for obj in objs if obj.pk is None]
        if without:
            for obj, value in zip(without, _next_ids(connection, opts.db_table, pk.column, len(without)), strict=True):
                obj.pk = value
    fields = list(opts.concrete_fields)
    plain = [(field, field.attname, _plain_types(field)) for field in fields]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(opts.db_table), sql.SQL(", ").join(sql.Identifier(field.column) for field in fields)
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size * 10):
            with cursor.cursor.copy(statement) as copy:
                for obj in objs[start : start + batch_size * 10]:
                    copy.write_row([_value(obj, field, attname, types, connection) for field, attname, types in plain])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return objs


# Fields whose get_db_prep_save on PostgreSQL hands a value of these exact types back unchanged (to_python of
# a str is the str, of a UUID the UUID; the backend passes dates and aware datetimes through). A value of any
# other type, and every other field (an encrypted one, JSON, auto_now), goes through pre_save and
# get_db_prep_save. Subclasses are not in here: they may prepare differently (EncryptedTextField does).
_PLAIN = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.SlugField: (str,),
    models.EmailField: (str,),
    models.IntegerField: (int,),
    models.BigIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.PositiveBigIntegerField: (int,),
    models.AutoField: (int,),
    models.BigAutoField: (int,),
    models.SmallAutoField: (int,),
    models.BooleanField: (bool,),
    models.UUIDField: (uuid.UUID,),
    models.DateField: (datetime.date,),
    models.DateTimeField: (datetime.datetime,),
}


def _plain_types(field):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return None
    if field.is_relation:
        if not (field.many_to_one or field.one_to_one):
            return None
        field = field.target_field
    return _PLAIN.get(type(field))


def _value(obj, field, attname, types, connection):
    if types is not None:
        value = getattr(obj, attname)
        # A naive datetime takes the full path (made aware there, as Django does).
        if value is None or (type(value) in types and (type(value) is not datetime.datetime or value.tzinfo)):
            return value
    return field.get_db_prep_save(field.pre_save(obj, True), connection)


def _next_ids(connection, table, column, count):
    """``count`` values of the key's sequence (identity or serial), reserved as inserts would reserve them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
        )
        return [value for (value,) in cursor.fetchall()]


def _has_db_defaults(model):
    return any(field.db_default is not models.NOT_PROVIDED for field in model._meta.concrete_fields)
