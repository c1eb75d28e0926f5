"""Personal data declared once on its model: the check, the purge, art. 15, the change log and the
corporation's reads all follow the declaration (woonkans/privacy/personal_data.py)."""

import dataclasses
import datetime

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from matching import selectors
from matching import services as matching_services
from matching.models import Evaluation, Profile, ProfileShare, Signal
from matching.models.profile import SECTION_FIELDS
from referrals.models import Identity, Referral
from subject_rights.export import record
from woonkans.privacy import checks, personal_data
from woonkans.privacy.personal_data import ChangeLog, OnPurge
from woonkans.privacy.retention import CASE_ROWS, purge_case

from ..guarantee_fund.conftest import ended_negatively
from ..matching.conftest import make_shared, org
from ..referrals.conftest import make_submitted

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2031, 3, 10)


def resident_models():
    return [model for label in personal_data.PERSONAL_DATA_APPS for model in apps.get_app_config(label).get_models()]


# --- one decision per field ---------------------------------------------------------------


def test_every_model_of_the_resident_apps_is_declared_and_every_field_decided():
    assert checks.personal_data_declared(None) == []
    assert Profile in personal_data.declared_models() and Identity in personal_data.declared_models()


def test_a_new_field_without_a_decision_fails_the_check():
    # A profile field added to the model but not to its declaration: simulated by leaving one out.
    spec = personal_data.declared(Profile)
    fields = {name: field for name, field in spec.fields.items() if name != "finances"}
    errors = checks._declaration_errors(Profile, dataclasses.replace(spec, fields=fields))
    assert [error.id for error in errors] == ["privacy.E002"] and "finances" in errors[0].msg
    assert [error.id for error in checks._declaration_errors(Profile, None)] == ["privacy.E001"]
    # Naming a field that does not exist, or deciding a field twice, fails too.
    twice = dataclasses.replace(spec, not_personal=spec.not_personal | {"finances", "no_such_field"})
    assert [error.id for error in checks._declaration_errors(Profile, twice)] == ["privacy.E003"]


def test_an_exported_field_without_a_dutch_label_fails_the_check():
    spec = personal_data.declared(Profile)
    fields = {**spec.fields, "young_adult": dataclasses.replace(spec.fields["young_adult"], label=None)}
    errors = checks._declaration_errors(Profile, dataclasses.replace(spec, fields=fields))
    assert [error.id for error in errors] == ["privacy.E004"]


# --- the purge ------------------------------------------------------------------------------


def test_the_purge_finds_the_rows_of_every_model_whose_declaration_purges_them():
    declared = personal_data.declared_models()
    purged = {model for model in declared if personal_data.declared(model).on_purge != OnPurge.KEEP}
    handled_apart = {Referral, apps.get_model("referrals.ExceptionRequest")}
    assert purged - {model for _name, model, _lookup in CASE_ROWS} == handled_apart
    for model in {model for model in purged if personal_data.declared(model).on_purge is OnPurge.BLANK}:
        for name in personal_data.purge_values(model):
            field = model._meta.get_field(name)
            emptiable = isinstance(field, (models.CharField, models.TextField)) or field.null or field.has_default()
            assert emptiable, f"{model._meta.label}.{name} cannot be emptied"


def _rows(model, lookup, referral_id):
    return {row["pk"]: row for row in model.objects.filter(**{lookup: referral_id}).values("pk", *_names(model))}


def _names(model):
    return [field.attname for field in model._meta.concrete_fields]


def test_the_purge_empties_exactly_the_declared_fields(people):
    profile = ended_negatively(people)
    sections = {name: f"Jan Jansen: {name}" for name in SECTION_FIELDS}
    Profile.objects.filter(pk=profile.pk).update(young_adult=True, origin="bw", pii_overrides=["Jan"], **sections)
    matching_services.record_evaluation(actor=people["noord"], profile=profile, held_on=TODAY, notes="Jan gaat goed.")
    matching_services.raise_signal(
        actor=people["woonwenz"], profile=profile, kind="situation_changed", text="Jan.", about=org("Moveoo")
    )
    referral_id = profile.referral_id
    Referral.objects.filter(pk=referral_id).update(closed_reason="Jan verhuisd.")
    tables = [(Referral, "pk"), *[(model, lookup) for _name, model, lookup in CASE_ROWS]]
    before = {model: _rows(model, lookup, referral_id) for model, lookup in tables}
    assert before[Profile][profile.pk]["finances"] and before[Identity] and before[Evaluation] and before[Signal]

    purge_case(referral=Referral(pk=referral_id))

    for model, lookup in tables:
        spec = personal_data.declared(model)
        after = _rows(model, lookup, referral_id)
        if spec.on_purge is OnPurge.DELETE:
            assert after == {}, model
            continue
        emptied = personal_data.purge_values(model)
        for pk, row in before[model].items():
            for field in model._meta.concrete_fields:
                declared = spec.fields.get(field.name)
                if declared is not None and declared.purged:
                    assert after[pk][field.attname] == emptied[field.name], (model, field.name)
                elif field.name != "purged_at":
                    assert after[pk][field.attname] == row[field.attname], (model, field.name)
    kept = Profile.objects.get(pk=profile.pk)
    assert (kept.code, kept.age_band, kept.young_adult, kept.origin) == (profile.code, profile.age_band, True, "bw")
    assert kept.finances == "" and kept.pii_overrides == []


# --- art. 15 ---------------------------------------------------------------------------------


def test_the_overview_lists_exactly_the_declared_fields_with_dutch_labels(people):
    referral = make_submitted(people["venlo"])
    identity = referral.identity
    rows = dict(record(identity))
    declared = personal_data.declared(Identity).fields
    expected = {
        str(label)
        for field, label in personal_data.export_fields(Identity)
        if getattr(identity, field.attname) not in (None, "")
    }
    assert set(rows) == expected
    assert {"voornaam", "achternaam", "BSN", "geboortedatum"} <= set(rows)
    # The search index of the BSN is declared personal but not for the overview.
    assert not declared["bsn_index"].exported and identity.bsn_index not in [str(v) for v in rows.values()]
    # Staff fields (declared not personal) stay out.
    assert "created by" not in {label.lower() for label, _value in record(referral)}


# --- the change log --------------------------------------------------------------------------


def test_the_change_log_masks_and_leaves_out_what_the_declaration_says(people):
    for model in personal_data.declared_models():
        spec = personal_data.declared(model)
        if not auditlog.contains(model):
            continue
        config = auditlog.get_model_fields(model)
        assert set(config["mask_fields"]) == {n for n, f in spec.fields.items() if f.change_log is ChangeLog.MASK}
        assert set(config["exclude_fields"]) >= {n for n, f in spec.fields.items() if f.change_log is ChangeLog.EXCLUDE}
    identity = make_submitted(people["venlo"]).identity
    identity.phone = "0612345678"
    identity.bsn = "111222333"
    identity.save()
    changes = LogEntry.objects.get_for_object(identity).order_by("-timestamp").first().changes_dict
    assert changes["phone"][1] == "*****45678"
    assert "bsn" not in changes and "bsn_index" not in changes


# --- the corporation's reads -----------------------------------------------------------------


def _not_for_corporations():
    spec = personal_data.declared(Profile)
    # Deferred fields are named by attname: a foreign key (the care provider) as care_provider_id.
    return {Profile._meta.get_field(name).attname for name, field in spec.fields.items() if not field.corporation}


def test_the_corporation_profile_loads_only_what_a_corporation_may_read(people):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    Profile.objects.filter(pk=profile.pk).update(pii_overrides=["Jan"], young_adult=True)
    with CaptureQueriesContext(connection) as queries:
        loaded, _share, _thread = selectors.get_profile_for_corporation(user=people["woonwenz"], profile_id=profile.pk)
    assert loaded.get_deferred_fields() == _not_for_corporations()
    select = next(q["sql"] for q in queries.captured_queries if 'FROM "matching_profile"' in q["sql"])
    assert '"pii_overrides"' not in select and '"young_adult"' not in select and '"finances"' in select


def test_the_matching_table_loads_only_corporation_visible_columns(people):
    make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    share = selectors.corporation_table(user=people["woonwenz"]).get()
    assert isinstance(share, ProfileShare)
    assert _not_for_corporations() <= share.profile.get_deferred_fields()
    assert "dwelling_needs" not in share.profile.get_deferred_fields()


def test_a_page_cannot_show_a_field_the_declaration_withholds_from_corporations():
    with pytest.raises(ValueError, match="pii_overrides"):
        personal_data.corporation_fields(Profile, columns=["code", "pii_overrides"])
    # Declaring a field corporation-visible is the one decision that lets the read load it.
    spec = personal_data.declared(Profile)
    opened = {**spec.fields, "young_adult": dataclasses.replace(spec.fields["young_adult"], corporation=True)}
    original = Profile.personal_data
    try:
        Profile.personal_data = dataclasses.replace(spec, fields=opened)
        assert "young_adult" in personal_data.corporation_fields(Profile)
    finally:
        Profile.personal_data = original
    assert "young_adult" not in personal_data.corporation_fields(Profile)
