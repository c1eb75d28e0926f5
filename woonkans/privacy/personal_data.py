"""Personal data declared on its model, once.

Each model that holds data about the resident carries ``personal_data = PersonalData(...)``: per
field its category, whether the change log masks or leaves it out, whether a corporation may read it,
and what the retention purge does with the row. Every other concrete field is listed in
``not_personal`` (keys, technical fields, staff members' own data), so a new field forces one
decision in one place: the system check ``privacy.E001``/``E002`` fails until it is declared.

The retention purge, the art. 15 export, the auditlog registration and the corporation's ``.only()``
reads all derive from these declarations. This module is core: it imports no domain app; domain
models import the declaration types from here.
"""

from dataclasses import dataclass, field
from enum import Enum

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

# The apps whose models are about residents: each of their models must carry a declaration (a model
# without personal data says so with ``PersonalData.none()``). Labels, not imports: core stays core.
PERSONAL_DATA_APPS = ("referrals", "matching", "guarantee_fund", "subject_rights")


class Category(models.TextChoices):
    IDENTIFYING = "identifying", _("identificerend")
    SPECIAL = "special", _("bijzonder (gezondheid)")
    FINANCIAL = "financial", _("financieel")
    FREE_TEXT = "free_text", _("vrije tekst")
    PSEUDONYMOUS = "pseudonymous", _("gepseudonimiseerd")
    # Status and dates of the resident's case: personal data while the case has a name, kept after
    # the purge (the row stays, without a name).
    CASE = "case", _("zaakgegevens")


class RetentionClass(models.TextChoices):
    # DPIA §10: N years after the case closed; 15 when the resident was eligible, otherwise 5.
    CASE_FILE = "case_file", _("5 jaar na afsluiten, 15 jaar als de inwoner tot de doelgroep behoorde")


class ChangeLog(Enum):
    LOG = "log"
    MASK = "mask"  # auditlog's mask_fields: the first half of the value is starred out
    EXCLUDE = "exclude"  # never written to the change log (the BSN: not even half of it)


class OnPurge(Enum):
    DELETE = "delete"  # the row goes
    BLANK = "blank"  # the row stays; its purged fields are emptied
    KEEP = "keep"  # the row stays as it is (nothing left that names the resident)


# Categories whose values stay after the purge unless a field says otherwise.
KEPT_CATEGORIES = frozenset({Category.PSEUDONYMOUS, Category.CASE})


@dataclass(frozen=True)
class PersonalField:
    category: Category
    label: str | None = None  # Dutch label for the art. 15 export when the model field has none
    change_log: ChangeLog = ChangeLog.LOG
    corporation: bool = False  # a corporation the profile is shared with may read it
    exported: bool = True  # in the art. 15 overview (False: shown there in its own section or not at all)
    kept_on_purge: bool | None = None  # None: by category (KEPT_CATEGORIES)

    @property
    def purged(self):
        if self.kept_on_purge is None:
            return self.category not in KEPT_CATEGORIES
        return not self.kept_on_purge


@dataclass(frozen=True)
class PersonalData:
    fields: dict[str, PersonalField] = field(default_factory=dict)
    not_personal: frozenset[str] = frozenset()
    on_purge: OnPurge = OnPurge.KEEP
    retention: RetentionClass | None = RetentionClass.CASE_FILE

    @classmethod
    def of(cls, *, fields=None, not_personal=(), on_purge=OnPurge.KEEP, retention=RetentionClass.CASE_FILE, **groups):
        """Fields without options grouped by category (``special="mobility finances"``), the
        others as ``fields={name: PersonalField(...)}``."""
        merged = {}
        for key, names in groups.items():
            category = Category(key)
            names = names.split() if isinstance(names, str) else names
            merged.update({name: PersonalField(category) for name in names})
        for name, spec in (fields or {}).items():
            if name in merged:
                raise ValueError(f"{name} is declared twice")
            merged[name] = spec
        if isinstance(not_personal, str):
            not_personal = not_personal.split()
        return cls(fields=merged, not_personal=frozenset(not_personal), on_purge=on_purge, retention=retention)

    @classmethod
    def none(cls):
        """A model in a resident app that holds no personal data (every field is not personal)."""
        return cls(not_personal=frozenset({"*"}), retention=None)

    @property
    def holds_personal_data(self):
        return bool(self.fields)


def declaration(model) -> PersonalData | None:
    return model.__dict__.get("personal_data")


def declared(model) -> PersonalData:
    found = declaration(model)
    if found is None:
        raise LookupError(f"{model._meta.label} declares no personal_data")
    return found


def declared_models():
    """Every installed model with personal data declared on it."""
    return [model for model in apps.get_models() if (d := declaration(model)) is not None and d.holds_personal_data]


def _concrete(model, names):
    by_name = {f.name: f for f in model._meta.concrete_fields}
    return [by_name[name] for name in by_name if name in names]


def purge_values(model) -> dict:
    """{field: empty value} for the fields the purge empties on a kept row (``OnPurge.BLANK``)."""
    spec = declared(model)
    values = {}
    for model_field in _concrete(model, {n for n, f in spec.fields.items() if f.purged}):
        if model_field.null:
            values[model_field.name] = None
        elif model_field.has_default() and not isinstance(model_field, (models.CharField, models.TextField)):
            values[model_field.name] = model_field.get_default()
        else:
            values[model_field.name] = ""
    return values


def auditlog_options(model) -> dict:
    """auditlog.register(...) keyword arguments derived from the declaration."""
    spec = declaration(model)
    if spec is None:
        return {}
    options = {}
    masked = [n for n, f in spec.fields.items() if f.change_log is ChangeLog.MASK]
    excluded = [n for n, f in spec.fields.items() if f.change_log is ChangeLog.EXCLUDE]
    if masked:
        options["mask_fields"] = masked
    if excluded:
        options["exclude_fields"] = excluded
    return options


def register_with_auditlog(model, **options):
    from auditlog.registry import auditlog

    auditlog.register(model, **options, **auditlog_options(model))


def corporation_fields(model, *, prefix="", columns=None) -> list[str]:
    """The fields a corporation may read, for ``.only()`` (keys and ``not_personal`` fields stay readable).

    ``columns`` narrows it to what one page shows; a column that is not corporation-visible raises,
    so a page cannot show what the declaration withholds.
    """
    spec = declared(model)
    visible = {n for n, f in spec.fields.items() if f.corporation} | set(spec.not_personal)
    allowed = [f.attname if f.is_relation else f.name for f in _concrete(model, visible)]
    if columns is not None:
        withheld = [c for c in columns if c not in allowed]
        if withheld:
            raise ValueError(f"{model._meta.label}: not visible to corporations: {withheld}")
        allowed = list(columns)
    return [prefix + name for name in allowed]


def export_fields(model):
    """[(model field, Dutch label)] for the art. 15 overview, in the model's field order."""
    spec = declared(model)
    exported = {n for n, f in spec.fields.items() if f.exported}
    return [(f, spec.fields[f.name].label or f.verbose_name) for f in _concrete(model, exported)]
