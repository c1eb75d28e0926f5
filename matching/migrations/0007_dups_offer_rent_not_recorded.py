from django.db import migrations, models

MIN_CENTS, MAX_CENTS = 1, 1_000_000


def bring_in_line(apps, schema_editor):
    """A database that ran 0003 before it learned to accept older offers has a NOT NULL column and the
    CHECK without NULL; one that ran the present 0003 already has both as below. Redo both, so every
    database ends the same (dropping NOT NULL and replacing the CHECK are harmless when already done)."""
    Offer = apps.get_model("matching", "Offer")
    field = Offer._meta.get_field("rent_cents")
    strict = models.PositiveIntegerField(verbose_name=field.verbose_name)
    strict.set_attributes_from_name("rent_cents")
    strict.model = Offer
    schema_editor.alter_field(Offer, strict, field)
    constraint = models.CheckConstraint(
        condition=models.Q(rent_cents__isnull=True) | models.Q(rent_cents__gte=MIN_CENTS, rent_cents__lte=MAX_CENTS),
        name="rent_in_range",
    )
    schema_editor.remove_constraint(Offer, constraint)
    schema_editor.add_constraint(Offer, constraint)


class Migration(migrations.Migration):
    dependencies = [("matching", "0006_merge_20261202_0933")]

    operations = [migrations.RunPython(bring_in_line, migrations.RunPython.noop)]
