from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from woonkans.migration_operations import AddPostgresIndex


def fill_signalled_at(apps, schema_editor):
    """Every meeting gets its signal's time (as matching.services.raise_signal sets it)."""
    CaseMeeting = apps.get_model("matching", "CaseMeeting")
    Signal = apps.get_model("matching", "Signal")
    CaseMeeting.objects.filter(signalled_at__isnull=True).update(
        signalled_at=Subquery(Signal.objects.filter(pk=OuterRef("signal_id")).values("created_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0019_evaluation_due_and_answered_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="casemeeting",
            name="signalled_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="gesignaleerd op"),
        ),
        AddPostgresIndex(
            model_name="casemeeting",
            index=models.Index(
                models.OrderBy(models.F("signalled_at"), nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status__in", ["requested", "planned"])),
                name="matching_cm_open_signalled",
            ),
        ),
        # After the index: filling before it, in the same transaction, leaves the index unusable
        # (indcheckxmin) until every older transaction has ended.
        migrations.RunPython(fill_signalled_at, migrations.RunPython.noop, elidable=True),
    ]
