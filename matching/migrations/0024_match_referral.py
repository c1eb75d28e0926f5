import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_referral(apps, schema_editor):
    """As record_match writes it: the referral of the match's profile."""
    Match = apps.get_model("matching", "Match")
    Profile = apps.get_model("matching", "Profile")
    Match.objects.update(
        referral_id=Subquery(Profile.objects.filter(pk=OuterRef("profile_id")).values("referral_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0023_profile_municipality_required"),
        ("referrals", "0018_referral_restricted_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="match",
            name="referral",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="referrals.referral",
            ),
        ),
        migrations.RunPython(fill_referral, migrations.RunPython.noop, elidable=True),
    ]
