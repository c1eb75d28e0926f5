"""The target-group check of SOK Art. 1b, explained per condition in Dutch.

It informs the consultant; it never decides on its own: a failing case can go to
the Woonkans-overleg as an exception (no automated decisions, DPIA §8).
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

YOUNG_ADULT_AGES = range(18, 28)


@dataclass(frozen=True)
class Condition:
    code: str
    label: str
    met: bool
    explanation: str


# The conditions of art. 1b by code (an exception request keeps the codes; pages show these labels).
CONDITION_LABELS = {
    "adult": _("18 jaar of ouder"),
    "participating_municipality": _("Uit een deelnemende gemeente"),
    "not_status_holder": _("Geen statushouder"),
    "not_labour_migrant": _("Geen arbeidsmigrant"),
    "no_regular_route": _("Kan niet via de reguliere weg huren"),
    "support_need_about_living": _("Ondersteuningsbehoefte rond zelfstandig leren wonen"),
}


def evaluate(*, referral, identity, research, on_date: date) -> list[Condition]:
    age = identity.age_on(on_date) if identity else None
    municipality = referral.municipality
    participating = municipality.kind == "municipality" and (
        municipality.left_on is None or municipality.left_on > on_date
    )
    return [
        Condition(
            "adult",
            str(CONDITION_LABELS["adult"]),
            age is not None and age >= 18,
            str(_("De geboortedatum ontbreekt."))
            if age is None
            else str(_("De inwoner is bij aanmelding %(age)s jaar; Woonkans is er voor volwassenen vanaf 18 jaar."))
            % {"age": age},
        ),
        Condition(
            "participating_municipality",
            str(CONDITION_LABELS["participating_municipality"]),
            participating,
            str(_("%(municipality)s neemt niet (meer) deel aan Woonkans.")) % {"municipality": municipality.name},
        ),
        Condition(
            "not_status_holder",
            str(CONDITION_LABELS["not_status_holder"]),
            research is not None and not research.status_holder,
            str(_("Statushouders vallen niet onder de doelgroep; daarvoor bestaat een eigen huisvestingsroute.")),
        ),
        Condition(
            "not_labour_migrant",
            str(CONDITION_LABELS["not_labour_migrant"]),
            research is not None and not research.labour_migrant,
            str(_("Arbeidsmigranten vallen niet onder de doelgroep van Woonkans.")),
        ),
        Condition(
            "no_regular_route",
            str(CONDITION_LABELS["no_regular_route"]),
            research is not None and bool(research.regular_route_motivation.strip()),
            str(_("Licht toe waarom de inwoner niet via de reguliere weg een woning kan huren.")),
        ),
        Condition(
            "support_need_about_living",
            str(CONDITION_LABELS["support_need_about_living"]),
            research is not None and research.support_need_about_living and bool(research.support_need.strip()),
            str(_("Beschrijf de ondersteuningsbehoefte en bevestig dat die samenhangt met zelfstandig leren wonen.")),
        ),
    ]


def failed(conditions):
    return [condition for condition in conditions if not condition.met]


def is_young_adult(identity, on_date):
    age = identity.age_on(on_date) if identity else None
    return age in YOUNG_ADULT_AGES
