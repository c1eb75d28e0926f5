"""Monitoring for the werkgroep, regisseurs and administrators: figures only, no case data."""

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.forms import DATE_WIDGET
from woonkans.accounts.permissions import role_required
from woonkans.accounts.roles import Role
from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.parties.models import Organisation, Region

from . import figures

MONITORING_ROLES = (Role.WERKGROEP, Role.KETENREGISSEUR, Role.PROCESREGISSEUR, Role.ADMINISTRATOR)
COLUMNS = ["reports", "referrals", "eligible", "not_eligible", "shared", "matched", "housed"]
COLUMN_LABELS = [
    _("Meldingen"),
    _("Aanmeldingen"),
    _("Doelgroep"),
    _("Geen doelgroep"),
    _("Profielen gedeeld"),
    _("Matches"),
    _("Gehuisvest"),
]


class PeriodForm(forms.Form):
    van = forms.DateField(label=_("Vanaf"), widget=DATE_WIDGET)
    tot = forms.DateField(label=_("Tot en met"), widget=DATE_WIDGET)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("van") and cleaned.get("tot") and cleaned["van"] > cleaned["tot"]:
            self.add_error("tot", _("De einddatum ligt vóór de begindatum."))
        return cleaned


def _named(rows, model):
    names = dict(model.objects.filter(pk__in=rows.keys()).values_list("pk", "name"))
    return {names[key]: values for key, values in sorted(rows.items(), key=lambda item: names[item[0]])}


@role_required(*MONITORING_ROLES)
def monitoring(request):
    start, end = figures.half_year(timezone.localdate())
    form = PeriodForm(request.GET or None, initial={"van": start, "tot": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["van"], form.cleaned_data["tot"]
    log_access(
        user=request.user,
        action=AccessAction.READ,
        object_type="monitoring.casefact",
        purpose="monitoring (alleen cijfers)",
    )
    totals = figures.totals(start, end)
    young, housed = totals["young_adults_housed"], totals["housed"]
    context = {
        "form": form,
        "start": start,
        "end": end,
        "column_labels": COLUMN_LABELS,
        "corporation_labels": [_("Matches"), _("Gehuisvest")],
        "count_label": [_("Aantal")],
        "regions": figures.suppress(_named(figures.counts_by("region", start, end), Region), COLUMNS),
        "municipalities": figures.suppress(
            _named(figures.counts_by("municipality", start, end), Organisation), COLUMNS
        ),
        "corporations": figures.suppress(
            _named(figures.counts_by("corporation", start, end), Organisation), ["matched", "housed"]
        ),
        "target": figures.housed_against_target(start, end),
        "lead_times": figures.lead_times(start, end),
        "age": figures.suppress({_("18–27 jaar"): {"n": young}, _("28 jaar en ouder"): {"n": housed - young}}, ["n"]),
        "origins": figures.suppress(
            {
                key or _("Onbekend"): {"n": n}
                for key, n in figures.distribution("origin", "reported_on", start, end).items()
            },
            ["n"],
        ),
        "outcomes": figures.suppress({key: {"n": n} for key, n in figures.outcomes(start, end).items()}, ["n"]),
    }
    return render(request, "monitoring/monitoring.html", context)
