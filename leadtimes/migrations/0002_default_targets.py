"""The default target lead times (issue 12.6; the steps are those of the route in Bijlage 2)."""

from django.db import migrations

DEFAULTS = [
    ("submitted", 10, "working_days"),
    ("shared", 10, "working_days"),
    ("offer", 15, "working_days"),
    ("matched", 20, "working_days"),
    ("housed", 6, "months"),
    # The three feedbacks to the consultant (DPIA §3): due soon after the step that triggers each.
    ("feedback_1", 10, "working_days"),
    ("feedback_2", 5, "working_days"),
    ("feedback_3", 5, "working_days"),
]


def add_defaults(apps, schema_editor):
    target = apps.get_model("leadtimes", "LeadTimeTarget")
    for step, amount, unit in DEFAULTS:
        target.objects.get_or_create(step=step, defaults={"amount": amount, "unit": unit})


class Migration(migrations.Migration):
    dependencies = [("leadtimes", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
