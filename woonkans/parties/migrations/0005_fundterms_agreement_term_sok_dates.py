"""The agreement's real term (SOK Art. 10.3, 12): from 15 April 2024, four years, renewed a year at a time."""

import datetime

from django.db import migrations

SOK = {
    "starts_on": datetime.date(2024, 4, 15),  # Art. 12.1
    "initial_years": 4,  # Art. 12.1
    "renewal_years": 1,  # Art. 12.2
    "non_renewal_notice_months": 6,  # Art. 12.2
    "leaving_notice_months": 2,  # Art. 10.3
}


def forwards(apps, schema_editor):
    AgreementTerm = apps.get_model("parties", "AgreementTerm")
    if not AgreementTerm.objects.exists():
        AgreementTerm.objects.create(**SOK)


class Migration(migrations.Migration):
    dependencies = [
        ("parties", "0004_fundterms_agreement_term"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
