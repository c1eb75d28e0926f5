"""Migration operations the apps share."""

from django.db import migrations


class _OnPostgresOnly:
    """Applies the operation to the database on PostgreSQL only; the migration state changes on every
    database, so the models and the migrations agree everywhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{super().describe()} (PostgreSQL only)"


class AddPostgresIndex(_OnPostgresOnly, migrations.AddIndex):
    """AddIndex, created on PostgreSQL only.

    For the list indexes that order NULLs (``nulls_last``) to match the list's ORDER BY: SQLite, the
    embedded database of ``make demo`` and a quick ``make test``, cannot order NULLs in an index
    (``CREATE INDEX ... NULLS LAST`` is a syntax error there) and its small databases need no such
    index. The index stays in the migration state on every database; removing one later needs the
    same guard (RemovePostgresIndex).
    """


class RemovePostgresIndex(_OnPostgresOnly, migrations.RemoveIndex):
    """RemoveIndex of an index AddPostgresIndex made: on SQLite there is none to drop."""


class AlterPostgresField(_OnPostgresOnly, migrations.AlterField):
    """AlterField, applied on PostgreSQL only (the state changes on every database).

    SQLite alters a column by rebuilding its table with every index of the model state, and cannot
    create the PostgreSQL-only ones (AddPostgresIndex, ``NULLS LAST``): there a NOT NULL that the
    services keep anyway is left out rather than the demo failing to migrate.
    """
