import django.db.models.deletion
from django.db import migrations, models

from woonkans.migration_operations import AlterPostgresField


class Migration(migrations.Migration):
    # After the fill (0025, its own transaction: PostgreSQL does not alter a table with pending FK checks).
    # PostgreSQL only: SQLite would rebuild the table with its NULLS LAST indexes, which it cannot create.
    dependencies = [
        ("matching", "0025_case_meeting_region"),
    ]

    operations = [
        AlterPostgresField(
            model_name="casemeeting",
            name="region",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="parties.region",
            ),
        ),
    ]
