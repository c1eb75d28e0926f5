import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from woonkans.migration_operations import AddPostgresIndex


def fill_region(apps, schema_editor):
    """Every meeting gets its case's region (as raise_signal sets it and accept_handover moves it)."""
    CaseMeeting = apps.get_model("matching", "CaseMeeting")
    Profile = apps.get_model("matching", "Profile")
    CaseMeeting.objects.filter(region__isnull=True).update(
        region_id=Subquery(Profile.objects.filter(pk=OuterRef("profile_id")).values("region_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0024_match_referral"),
        ("parties", "0007_lists_number_sequence"),
    ]

    operations = [
        migrations.AddField(
            model_name="casemeeting",
            name="region",
            field=models.ForeignKey(
                null=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="parties.region",
            ),
        ),
        # PostgreSQL only (NULLS LAST in an index): SQLite's small demo reads its few meetings without it.
        AddPostgresIndex(
            model_name="casemeeting",
            index=models.Index(
                models.F("region"),
                models.OrderBy(models.F("signalled_at"), nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status__in", ["requested", "planned"])),
                name="matching_cm_region_open",
            ),
        ),
        # After the index: filling before it, in the same transaction, leaves the index unusable
        # (indcheckxmin) until every older transaction has ended (benchmarks/NOTES.md item 26).
        migrations.RunPython(fill_region, migrations.RunPython.noop, elidable=True),
    ]
