import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # After the fill (0022, its own transaction: PostgreSQL does not alter a table with pending FK checks).
    dependencies = [
        ("matching", "0022_profile_municipality"),
    ]

    operations = [
        migrations.AlterField(
            model_name="profile",
            name="municipality",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="parties.organisation",
            ),
        ),
    ]
