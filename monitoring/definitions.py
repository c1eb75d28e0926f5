"""One definition per figure (SOK Art. 3.1c, 5.1d, 8.8): what counts, from which step, on which date.

The monitoring page, the half-yearly report (PDF and CSV), the "Toelichting op de cijfers" page and
the regisseur's own pages (matching's /profielen/ housed count) all count through this module, so
one figure cannot mean two things. Each figure counts anonymous facts (monitoring.CaseFact) whose
date field falls in the period and that meet its condition.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    description: str
    date_field: str
    condition: Q = Q()

    def in_period(self, start, end):
        return Q(**{f"{self.date_field}__gte": start, f"{self.date_field}__lte": end}) & self.condition


FIGURES = {
    figure.key: figure
    for figure in (
        Figure(
            "reports",
            _("Meldingen"),
            _(
                "Meldingen bij het Wmo-loket die in de periode zijn ontvangen (Bijlage 2 stap 2), "
                "geteld op de datum van de melding."
            ),
            "reported_on",
        ),
        Figure(
            "referrals",
            _("Aanmeldingen"),
            _(
                "Aanmeldingen die de Wmo-consulent in de periode bij Woonkans heeft ingediend "
                "(stap 4), geteld op de datum van indienen."
            ),
            "submitted_on",
        ),
        Figure(
            "not_eligible",
            _("Geen doelgroep"),
            _(
                "Meldingen waarvan de doelgroeptoets (SOK art. 1b) in de periode niet werd gehaald en "
                "die niet (of nog niet) via een uitzondering zijn toegelaten, geteld op de datum van de "
                "toets. De reden is de eerste voorwaarde waaraan niet werd voldaan."
            ),
            "eligibility_on",
            Q(eligible=False),
        ),
        Figure(
            "eligible",
            _("Doelgroep"),
            _(
                "Aanmeldingen die in de periode zijn ingediend en tot de doelgroep behoren, inclusief "
                "aanmeldingen die het Woonkans-overleg als uitzondering toeliet; datum van indienen."
            ),
            "submitted_on",
            Q(eligible=True),
        ),
        Figure(
            "shared",
            _("Profielen gedeeld"),
            _(
                "Bemiddelingsprofielen die in de periode voor het eerst met corporaties zijn gedeeld "
                "(stap 5), geteld op de datum van eerste delen."
            ),
            "shared_on",
        ),
        Figure(
            "matched",
            _("Matches"),
            _("Profielen die in de periode aan een corporatie zijn gekoppeld (stap 6), op de datum van de match."),
            "matched_on",
        ),
        Figure(
            "housed",
            _("Gehuisvest"),
            _(
                "Inwoners van wie het huurcontract in de periode is ingegaan, geteld op de datum van het "
                "huurcontract die de regisseur vastlegt; ook als het traject daarna is beëindigd. "
                "Dit getal staat tegenover de jaardoelstelling van de regio (SOK art. 5.2b), naar rato "
                "van de lengte van de periode."
            ),
            "housed_on",
        ),
        Figure(
            "young_adults_housed",
            _("Jongvolwassenen gehuisvest"),
            _("Gehuisveste inwoners die bij aanmelding 18 tot en met 27 jaar waren (SOK preambule, focusgroep)."),
            "housed_on",
            Q(young_adult=True),
        ),
        Figure(
            "ended_positive",
            _("Goed afgerond"),
            _("Trajecten die in de periode goed zijn afgerond, op de datum van afronden."),
            "ended_on",
            Q(outcome="ended_positive"),
        ),
        Figure(
            "ended_negative",
            _("Negatief beëindigd"),
            _(
                "Trajecten die in de periode negatief zijn beëindigd (ontruimd of vertrokken), op de "
                "datum van beëindigen; alleen dan is een claim op het garantiefonds mogelijk."
            ),
            "ended_on",
            Q(outcome="ended_negative"),
        ),
    )
}

# Where a case stands on a day: its latest step on or before that day, and not ended by then.
WAITING_STEPS = (
    ("in_research", _("In onderzoek, nog niet aangemeld"), "reported_on", "submitted_on"),
    ("awaiting_share", _("Aangemeld, profiel nog niet gedeeld"), "submitted_on", "shared_on"),
    ("awaiting_match", _("Profiel gedeeld, nog geen match"), "shared_on", "matched_on"),
    ("awaiting_home", _("Gematcht, nog niet gehuisvest"), "matched_on", "housed_on"),
)
WAITING_DESCRIPTION = _(
    "Inwoners die op de einddatum van de periode (of vandaag, als die eerder is) op een stap wachten: "
    "de vorige stap is gezet, de volgende nog niet, en de zaak is niet gestopt of afgesloten."
)


def waiting_on(step_from, step_to, on):
    return (
        Q(**{f"{step_from}__lte": on})
        & (Q(**{f"{step_to}__isnull": True}) | Q(**{f"{step_to}__gt": on}))
        & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))
    )


def trajectory_in_period(start, end):
    """A trajectory counts for the outcomes when it was housed by the end and had not ended before the start."""
    return Q(housed_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))


OUTCOME_DESCRIPTION = _(
    "Trajecten die vóór het einde van de periode zijn gehuisvest en niet vóór het begin zijn beëindigd, "
    "naar hoe ze er op de einddatum voor staan: lopend, goed afgerond of negatief beëindigd."
)
LEAD_TIME_DESCRIPTION = _(
    "Het aantal dagen tussen twee stappen, voor zaken die de tweede stap in de periode bereikten: "
    "de mediaan (de helft was sneller) en het 90e percentiel (9 van de 10 waren sneller)."
)
SUPPRESSION_DESCRIPTION = _(
    "Aantallen van 1 tot en met 4 tonen we als “<5”. Zou zo’n getal uit een totaal, een andere rij "
    "of een andere tabel op dezelfde pagina terug te rekenen zijn, dan verbergen we ook andere cellen; "
    "die tonen we als “·”. Dat geldt voor alle tabellen van de pagina, de PDF en de CSV samen."
)

# SOK Art. 1b: the conditions of the target-group check, by the code the referral records.
INELIGIBLE_REASONS = {
    "adult": _("Jonger dan 18 jaar"),
    "participating_municipality": _("Niet uit een deelnemende gemeente"),
    "not_status_holder": _("Statushouder"),
    "not_labour_migrant": _("Arbeidsmigrant"),
    "no_regular_route": _("Kan via de reguliere weg huren"),
    "support_need_about_living": _("Geen ondersteuningsbehoefte rond zelfstandig wonen"),
}
CONTRACT_FORMS = {
    "provider_lease": _("Huurcontract op naam van de zorgaanbieder"),
    "linked_care": _("Huurcontract met gekoppelde zorgafspraken"),
    "undecided": _("Nog te bepalen"),
}


def housed_count(*, region_id, start, end):
    """The figure "Gehuisvest" for one region: the same number on every page that shows it."""
    from .models import CaseFact

    return CaseFact.objects.filter(FIGURES["housed"].in_period(start, end), region_id=region_id).count()
