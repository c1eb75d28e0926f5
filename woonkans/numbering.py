"""Human case numbers: ``WK-2026-0042``, one sequence per kind and year, handed out at creation.

The next number is one statement (an upsert that returns the new value): two requests creating a
case at the same moment queue on the sequence's row and get consecutive numbers, never the same one.
A number is not reused when the transaction that took it rolls back (a gap, never a duplicate).

Kinds: ``WK`` the case (referral; internal to municipality and regisseurs, the corporations read the
profile's pseudonymous code instead, docs/disclosure.md), ``GF`` a guarantee-fund claim, ``UV`` an
exception request, ``AVG`` a data subject's request.
"""

import datetime

from django.db import connection, migrations, models
from django.utils import timezone

DIGITS = 4


def next_value(prefix, year, count=1, *, sequence_model=None, using=None):
    """Reserve ``count`` numbers of the year's sequence; returns the last one reserved.

    A data migration passes its historical ``NumberSequence`` and its schema editor's connection.
    """
    if sequence_model is None:
        from woonkans.parties.models import NumberSequence as sequence_model
    table = sequence_model._meta.db_table
    with (using or connection).cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, year, last) VALUES (%s, %s, %s) "  # noqa: S608 - table name from the model
            f"ON CONFLICT (prefix, year) DO UPDATE SET last = {table}.last + EXCLUDED.last RETURNING last",
            [prefix, year, count],
        )
        return cursor.fetchone()[0]


def _year(when):
    if when is None:
        return timezone.localdate().year
    if isinstance(when, datetime.datetime):
        return timezone.localtime(when).year if timezone.is_aware(when) else when.year
    return when.year


def format_number(prefix, year, value):
    return f"{prefix}-{year}-{value:0{DIGITS}d}"


def next_number(prefix, when=None):
    year = _year(when)
    return format_number(prefix, year, next_value(prefix, year))


def assign_numbers(objs):
    """Number unsaved objects in bulk: one reservation per year, in the order given."""
    by_year = {}
    for obj in objs:
        if not obj.number:
            by_year.setdefault(_year(getattr(obj, obj.NUMBER_DATE_FIELD, None)), []).append(obj)
    for year, members in by_year.items():
        last = next_value(members[0].NUMBER_PREFIX, year, len(members))
        for offset, obj in enumerate(members):
            obj.number = format_number(obj.NUMBER_PREFIX, year, last - len(members) + 1 + offset)


class NumberedQuerySet(models.QuerySet):
    """bulk_create (the demo's scale data) numbers its rows as save() would."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        assign_numbers(objs)
        return super().bulk_create(objs, *args, **kwargs)


class NumberedMixin:
    """Gives a model its number on first save; the model declares ``number`` and ``NUMBER_PREFIX``."""

    NUMBER_PREFIX = "WK"
    NUMBER_DATE_FIELD = "created_at"

    def save(self, *args, **kwargs):
        if self.pk is None:
            # A copy (pk set to None to insert it as a new row) is a new case: it gets its own number.
            self.number = None
        if not self.number:
            self.number = next_number(self.NUMBER_PREFIX, getattr(self, self.NUMBER_DATE_FIELD, None))
        super().save(*args, **kwargs)


def backfill(model, prefix, date_field, *, sequence_model=None, using=None):
    """Number a model's existing rows in the order they were made (per year), for a data migration."""
    rows = list(model.objects.filter(number__isnull=True).order_by(date_field, "pk").only("pk", date_field))
    by_year = {}
    for row in rows:
        by_year.setdefault(_year(getattr(row, date_field)), []).append(row)
    for year, members in sorted(by_year.items()):
        last = next_value(prefix, year, len(members), sequence_model=sequence_model, using=using)
        for offset, row in enumerate(members):
            row.number = format_number(prefix, year, last - len(members) + 1 + offset)
        model.objects.bulk_update(members, ["number"], batch_size=1000)


def backfill_operation(*targets):
    """The migration step that numbers the rows made before a model had a number.

    ``targets`` are ``(app_label, model_name, prefix, date_field)``; the models are the migration's
    historical ones (``apps.get_model``), so the step keeps working when the models change later.
    Going back leaves the numbers: the field that holds them is dropped by the migration's schema step.
    """

    def forwards(apps, schema_editor):
        sequence_model = apps.get_model("parties", "NumberSequence")
        for app_label, model_name, prefix, date_field in targets:
            backfill(
                apps.get_model(app_label, model_name),
                prefix,
                date_field,
                sequence_model=sequence_model,
                using=schema_editor.connection,
            )

    return migrations.RunPython(forwards, migrations.RunPython.noop)
