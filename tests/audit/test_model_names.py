"""Every model names itself in Dutch in its own Meta: the admin, the log search and the resident's
art. 15 overview all read that one name (woonkans/audit/labels.py keeps no table of its own)."""

from django.apps import apps

from woonkans.audit.labels import model_label

# Add-ons the portal cannot give a Meta; woonkans/accounts/admin_scope.py names those it shows.
ADD_ONS = ("django.", "django_otp.", "axes.", "auditlog.", "guardian.")


def portal_models():
    return [model for model in apps.get_models() if not model.__module__.startswith(ADD_ONS)]


def test_every_portal_model_has_a_dutch_name_of_its_own():
    unnamed = [
        model._meta.label_lower
        for model in portal_models()
        if not {"verbose_name", "verbose_name_plural"} <= set(model._meta.original_attrs)
    ]
    assert not unnamed, f"no Dutch verbose_name (and _plural) in Meta: {unnamed}"


def test_the_log_reads_the_models_own_names():
    assert model_label("guarantee_fund.ledgerentry") == "boeking"
    assert model_label("matching.offer", plural=True) == "woningaanbiedingen"
    assert model_label("matching.handover", plural=True) == "warme overdrachten"
    assert model_label("referrals.referralevent") == "stap in de zaak"
    assert model_label("nope.nothing") == "gegevens"
    assert model_label("") == ""


def test_the_add_ons_the_admin_shows_read_dutch():
    from woonkans.accounts.admin_scope import name_in_dutch

    name_in_dutch()
    assert model_label("otp_static.statictoken") == "reservecode"
    assert model_label("guardian.userobjectpermission", plural=True) == "rechten van gebruikers"
