from django.db import migrations

# A matched referral whose profile went further says so (housed, ended well, ended negatively).
FOLLOWS = ("housed", "ended_positive", "ended_negative")


def forwards(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    for status in FOLLOWS:
        Referral.objects.filter(status="matched", profile__status=status).update(status=status)


def backwards(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Referral.objects.filter(status__in=FOLLOWS).update(status="matched")


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_offer_rent_in_range"),
        ("referrals", "0006_referral_status_after_match"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
