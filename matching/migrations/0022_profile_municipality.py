import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    """The referral's municipality on its profile, as create_profile now writes it."""
    Profile = apps.get_model("matching", "Profile")
    Referral = apps.get_model("referrals", "Referral")
    Profile.objects.update(
        municipality_id=Subquery(Referral.objects.filter(pk=OuterRef("referral_id")).values("municipality_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0021_profile_evaluation_due_matched"),
        ("parties", "0007_lists_number_sequence"),
        ("referrals", "0017_referral_feedback_due_since"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="municipality",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="parties.organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="profile",
            index=models.Index(
                models.F("municipality"),
                django.db.models.functions.comparison.Greatest("housed_on", "last_evaluation_on"),
                condition=models.Q(("status", "housed")),
                name="matching_profile_muni_eval_due",
            ),
        ),
        # Filled after creating the index: the index is usable at once (no broken HOT chains to wait out).
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
