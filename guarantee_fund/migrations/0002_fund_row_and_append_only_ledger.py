"""The one fund row, and on PostgreSQL a ledger that refuses UPDATE and DELETE (corrections are new entries)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION guarantee_fund_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the fund ledger is append-only (%)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    apps.get_model("guarantee_fund", "Fund").objects.get_or_create(pk=1)
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(
        "CREATE TRIGGER guarantee_fund_ledgerentry_append_only BEFORE UPDATE OR DELETE "
        "ON guarantee_fund_ledgerentry FOR EACH ROW EXECUTE FUNCTION guarantee_fund_ledger_append_only()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS guarantee_fund_ledgerentry_append_only ON guarantee_fund_ledgerentry")
    schema_editor.execute("DROP FUNCTION IF EXISTS guarantee_fund_ledger_append_only()")


class Migration(migrations.Migration):
    dependencies = [("guarantee_fund", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
