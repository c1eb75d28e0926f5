from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery


def _held(apps, codename, side):
    Organisation = apps.get_model("parties", "Organisation")
    Grant = apps.get_model("referrals", "ReferralGroupObjectPermission")
    group = Organisation.objects.filter(pk=OuterRef(OuterRef(side))).values("group_id")[:1]
    return Exists(
        Grant.objects.filter(
            content_object_id=OuterRef("referral_id"),
            permission__content_type__app_label="referrals",
            permission__content_type__model="referral",
            permission__codename=codename,
            group_id=Subquery(group),
        )
    )


def fill(apps, schema_editor):
    """Every match gets its sides' grants, as matching.case_facts.follow_grants copies them after a sync."""
    apps.get_model("matching", "Match").objects.update(
        identity_granted=_held(apps, "view_identity", "corporation_id"),
        contact_granted=_held(apps, "view_contact", "care_provider_id"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0026_case_meeting_region_required"),
        ("referrals", "0018_referral_restricted_index"),
        ("parties", "0007_lists_number_sequence"),
    ]

    operations = [
        # Nullable: SQLite adds the column without rebuilding the table (whose NULLS LAST indexes it
        # cannot create); NULL counts as not granted until the fill below or the next sync.
        migrations.AddField(
            model_name="match",
            name="contact_granted",
            field=models.BooleanField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="match",
            name="identity_granted",
            field=models.BooleanField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="match",
            index=models.Index(
                condition=models.Q(("identity_granted", True)),
                fields=["corporation", "matched_at", "id"],
                name="matching_match_corp_granted",
            ),
        ),
        migrations.AddIndex(
            model_name="match",
            index=models.Index(
                condition=models.Q(("contact_granted", True)),
                fields=["care_provider", "matched_at", "id"],
                name="matching_match_prov_granted",
            ),
        ),
        # After the indexes: filling before them, in the same transaction, leaves them unusable
        # (indcheckxmin) until every older transaction has ended (benchmarks/NOTES.md item 26).
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
