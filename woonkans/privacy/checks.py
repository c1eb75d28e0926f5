from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def field_encryption_key(app_configs, **kwargs):
    from .crypto import check_key

    try:
        check_key()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="woonkans.E001")]
    return []


@checks.register(checks.Tags.models)
def personal_data_declared(app_configs, **kwargs):
    """Every model of a resident app declares its personal data, and every concrete field is decided."""
    from django.apps import apps

    from .personal_data import PERSONAL_DATA_APPS, declaration

    errors = []
    for label in PERSONAL_DATA_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            errors.extend(_declaration_errors(model, declaration(model)))
    return errors


def _declaration_errors(model, spec):
    name = model._meta.label
    if spec is None:
        hint = "Add personal_data = PersonalData(...) (woonkans.privacy.personal_data), or PersonalData.none()."
        return [checks.Error(f"{name} declares no personal_data", hint=hint, obj=model, id="privacy.E001")]
    if "*" in spec.not_personal:
        return []
    concrete = {field.name for field in model._meta.concrete_fields}
    errors = []
    undecided = sorted(concrete - set(spec.fields) - set(spec.not_personal))
    if undecided:
        errors.append(
            checks.Error(
                f"{name}: fields neither declared personal nor not personal: {', '.join(undecided)}",
                hint="Decide each in the model's personal_data: a PersonalField(category, ...) or not_personal.",
                obj=model,
                id="privacy.E002",
            )
        )
    unknown = sorted((set(spec.fields) | set(spec.not_personal)) - concrete)
    both = sorted(set(spec.fields) & set(spec.not_personal))
    if unknown or both:
        errors.append(
            checks.Error(
                f"{name}: personal_data names unknown fields {unknown} or declares as both {both}",
                obj=model,
                id="privacy.E003",
            )
        )
    for field_name, field in spec.fields.items():
        if field_name in concrete and field.exported and not field.label:
            verbose = str(model._meta.get_field(field_name).verbose_name)
            if verbose == field_name.replace("_", " "):
                errors.append(
                    checks.Error(
                        f"{name}.{field_name} is in the art. 15 overview without a Dutch label",
                        hint="Give the model field a verbose_name or the PersonalField a label.",
                        obj=model,
                        id="privacy.E004",
                    )
                )
    return errors
