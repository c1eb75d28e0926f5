"""The art. 15 overview: everything held about the resident, with purposes, recipients, retention,
source and who viewed the data when (organisation and role, from the access log).

One structure feeds both files: JSON for machines, PDF (templates/pdf/subject_access.html) for the
resident; its access history (``access_history``) also feeds the officer's page that shows it.
Records list the fields each model declares personal (``personal_data`` on the model, see
woonkans/privacy/personal_data.py) with the declaration's Dutch labels; a field added later must be
declared before the system check passes, and then shows up here.
"""

from collections import Counter
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guarantee_fund.models import Claim, ClaimConsultation, ClaimDeviation, ClaimDocument, ClaimLine
from matching.models import CaseMeeting, Evaluation, Match, Offer, Profile, ProfileMessage, ProfileShare, Signal
from matching.models.profile import SECTION_FIELDS, SECTIONS
from referrals.models import Consent, Document, ExceptionRequest, Feedback, Identity, Referral, ReferralEvent, Research
from woonkans.audit.labels import model_label, role_labels
from woonkans.audit.models import AccessAction, AccessLog, AccessOutcome
from woonkans.privacy.files import file_kind_label
from woonkans.privacy.personal_data import export_fields

from .models import SubjectRequest
from .recipients import case_recipients

PURPOSES = [
    _("Het inventariseren van de zorg- en ondersteuningsbehoefte (Wmo-onderzoek)"),
    _("Bepalen of de inwoner tot de doelgroep van Woonkans behoort"),
    _("Passende zorg en ondersteuning realiseren en een passende woning bemiddelen"),
    _("Het begeleiden van het traject na de huisvesting en het garantiefonds (borg bij misgaan)"),
    _("Anonieme verantwoording en monitoring van het programma"),
]
LEGAL_BASIS = _(
    "Uitvoering van een taak van algemeen belang (AVG art. 6 lid 1 sub e) op grond van de Wmo 2015, "
    "met uitdrukkelijke toestemming van de inwoner voor het delen met de partners van Woonkans."
)


def _value(instance, field):
    if field.name == "content_type":  # a MIME type: "PDF-document", not "application/pdf"
        return file_kind_label(getattr(instance, field.name))
    if field.choices:
        return str(getattr(instance, f"get_{field.name}_display")())
    value = getattr(instance, field.attname if not field.is_relation else field.name)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    return value


def record(instance, *, extra=(), leave_out=()):
    """[(label, value)] of one row: the fields its model declares personal (``personal_data``),
    with their Dutch labels; keys, technical fields and staff members' own data are declared not
    personal and stay out."""
    rows = []
    for field, label in export_fields(type(instance)):
        if field.name in leave_out:
            continue
        value = _value(instance, field)
        if value in (None, "", []):
            continue
        rows.append((str(label), value))
    rows.extend(extra)
    return rows


def _section(title, instances, **kwargs):
    return {"title": str(title), "records": [record(instance, **kwargs) for instance in instances]}


def _retention(referral):
    years = referral.retention_years
    return {
        "years": years,
        "rule": _(
            "Na afsluiten van de zaak %(years)s jaar (Wmo, selectielijst, DPIA §10): 15 jaar als de inwoner tot de "
            "doelgroep behoorde, anders 5 jaar. Daarna worden de persoonsgegevens verwijderd; alleen anonieme "
            "cijfers blijven."
        )
        % {"years": years},
        "closed_at": referral.closed_at.date() if referral.closed_at else None,
        "removed_after": (referral.closed_at.date() + relativedelta(years=years)) if referral.closed_at else None,
    }


def _source(referral):
    if referral.reported_by_id:
        return _(
            "Gemeld door %(organisation)s, met mandaat van de inwoner; aangevuld in het gesprek met de inwoner."
        ) % {"organisation": referral.reported_by.name}
    return _("Verstrekt door de inwoner zelf in het gesprek met de Wmo-consulent van %(municipality)s.") % {
        "municipality": referral.municipality.name
    }


# What the resident reads for one kind of log entry: the action, on the model's Dutch name.
ACTION_PHRASES = {
    AccessAction.READ: gettext_lazy("%(object)s bekeken"),
    AccessAction.CREATE: gettext_lazy("%(object)s aangemaakt"),
    AccessAction.UPDATE: gettext_lazy("%(object)s gewijzigd"),
    AccessAction.DELETE: gettext_lazy("%(object)s verwijderd"),
    AccessAction.EXPORT: gettext_lazy("%(object)s gedownload"),
    AccessAction.PRINT: gettext_lazy("%(object)s afgedrukt"),
    AccessAction.SEARCH: gettext_lazy("Uw zaak gezien in een lijst van %(objects)s"),
}


def explain(action, object_type, outcome):
    """One log entry in plain Dutch: "Aanmelding bekeken", "Document gedownload (geweigerd)"."""
    phrase = ACTION_PHRASES.get(action, _("%(object)s gebruikt"))
    text = str(phrase) % {
        "object": capfirst(model_label(object_type)) or _("Gegevens"),
        "objects": model_label(object_type, plural=True) or _("zaken"),
    }
    if outcome == AccessOutcome.DENIED:
        text = _("%(what)s: geprobeerd, maar geweigerd (geen toegang)") % {"what": text}
    return text


def access_history(referral, profile, claims):
    """Who read or changed the data: per day, organisation and role, what they did and how often.

    The log has a row per page view; the resident wants to know who looked and what for, not fifteen
    pages of identical rows. Organisation and role only, never the employee's name."""
    subjects = [str(referral.pk)]
    if profile is not None:
        subjects.append(profile.code)
    subjects.extend({claim.code for claim in claims})
    rows = (
        AccessLog.objects.filter(subject__in=subjects)
        .order_by("at", "id")
        .values_list("at", "organisation", "roles", "action", "object_type", "outcome", "purpose")
    )
    groups = {}
    for at, organisation, roles, action, object_type, outcome, purpose in rows:
        key = (timezone.localdate(at), organisation, roles)
        group = groups.setdefault(key, {"count": 0, "items": Counter(), "purposes": {}})
        group["count"] += 1
        group["items"][explain(action, object_type, outcome)] += 1
        if purpose:
            group["purposes"].setdefault(purpose)
    return [
        {
            "day": day,
            "organisation": organisation or str(_("het portaal (automatisch)")),
            "roles": role_labels(roles) or str(_("geen rol")),
            "count": group["count"],
            "items": [{"what": what, "count": count} for what, count in group["items"].items()],
            "purposes": list(group["purposes"]),
        }
        for (day, organisation, roles), group in groups.items()
    ]


def _case(referral_id):
    """The referral, its profile and the claims on it: what the overview and the access history are about."""
    referral = Referral.objects.select_related("municipality", "region", "reported_by").get(pk=referral_id)
    profile = Profile.objects.filter(referral=referral).select_related("region").first()
    claims = list(Claim.objects.filter(profile=profile).select_related("corporation")) if profile else []
    return referral, profile, claims


def case_access_history(referral_id):
    """The access history of the overview on its own, for the officer's page (the same groups as the PDF)."""
    return access_history(*_case(referral_id))


def build_overview(referral_id):
    referral, profile, claims = _case(referral_id)
    sections = [
        _section(_("Zaak"), [referral]),
        _section(_("Identiteit en contactgegevens"), Identity.objects.filter(referral=referral)),
        _section(_("Onderzoek (keukentafelgesprek)"), Research.objects.filter(referral=referral)),
        _section(_("Toestemming"), Consent.objects.filter(referral=referral)),
        _section(_("Documenten"), Document.objects.filter(referral=referral)),
        _section(_("Terugkoppelingen van de regisseur"), Feedback.objects.filter(referral=referral)),
        _section(_("Uitzonderingsverzoeken"), ExceptionRequest.objects.filter(referral=referral)),
        _section(_("Verloop van de zaak"), ReferralEvent.objects.filter(referral=referral)),
    ]
    if profile is not None:
        profile_text = [(str(label), getattr(profile, field)) for field, label in SECTIONS if getattr(profile, field)]
        sections += [
            {
                "title": str(_("Bemiddelingsprofiel (zonder naam, onder code)")),
                "records": [record(profile, leave_out=SECTION_FIELDS)],
            },
            {"title": str(_("Tekst van het bemiddelingsprofiel")), "records": [profile_text] if profile_text else []},
            _section(_("Gedeeld met corporaties"), ProfileShare.objects.filter(profile=profile)),
            _section(_("Woningaanbiedingen"), Offer.objects.filter(share__profile=profile)),
            _section(_("Vragen en berichten over het profiel"), ProfileMessage.objects.filter(profile=profile)),
            _section(_("Match en traject"), Match.objects.filter(profile=profile)),
            _section(_("Evaluaties"), Evaluation.objects.filter(profile=profile)),
            _section(_("Signalen"), Signal.objects.filter(profile=profile)),
            _section(_("Casusoverleggen"), CaseMeeting.objects.filter(profile=profile)),
            _section(_("Claims op het garantiefonds"), claims),
            _section(_("Kostenposten van claims"), ClaimLine.objects.filter(claim__in=claims)),
            _section(_("Documenten bij claims"), ClaimDocument.objects.filter(claim__in=claims)),
            {
                "title": str(_("Raadplegingen bij claims")),
                "records": [
                    record(
                        consultation,
                        extra=[
                            (
                                str(_("geraadpleegde partijen")),
                                ", ".join(o.name for o in consultation.organisations.all()),
                            )
                        ],
                    )
                    for consultation in ClaimConsultation.objects.filter(claim__in=claims).prefetch_related(
                        "organisations"
                    )
                ],
            },
            {
                "title": str(_("Maatwerk bij claims")),
                # The rules by their Dutch labels, never their codes.
                "records": [
                    record(
                        deviation,
                        leave_out=("rules",),
                        extra=[(str(_("regels die vervallen")), "; ".join(map(str, deviation.rule_labels)))],
                    )
                    for deviation in ClaimDeviation.objects.filter(claim__in=claims)
                ],
            },
        ]
    sections.append(
        _section(
            _("Verzoeken van de inwoner (AVG)"),
            SubjectRequest.objects.filter(referral=referral).order_by("received_on", "registered_at"),
        )
    )
    return {
        "generated_at": timezone.now(),
        "reference": referral.short_reference,
        "controller": referral.municipality.name,
        "purged": referral.purged_at is not None,
        "purposes": [str(purpose) for purpose in PURPOSES],
        "legal_basis": str(LEGAL_BASIS),
        "source": _source(referral),
        "retention": _retention(referral),
        "recipients": [
            {"organisation": entry["organisation"].name, "received": [str(item) for item in entry["received"]]}
            for entry in case_recipients(referral)
        ],
        "sections": [section for section in sections if section["records"]],
        "access_history": access_history(referral, profile, claims),
        "rights": str(
            _(
                "U kunt uw gegevens laten verbeteren of aanvullen, laten wissen waar geen wettelijke bewaarplicht "
                "geldt, de verwerking laten beperken en bezwaar maken. U kunt een klacht indienen bij de Autoriteit "
                "Persoonsgegevens."
            )
        ),
    }


def as_json(value):
    """json.dumps default: dates and times as ISO 8601, everything else as text."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)
