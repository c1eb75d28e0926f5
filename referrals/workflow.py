"""The referral's status and every allowed change of it, in one table (as Signalen does).

Each transition is carried out by one service in services/, which checks this
table under a row lock, writes the timeline event and changes the grants.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from woonkans.state import TransitionNotAllowed, TransitionTable


class Status(models.TextChoices):
    REPORTED = "reported", _("Melding ontvangen")
    IN_RESEARCH = "in_research", _("In onderzoek")
    EXCEPTION_REQUESTED = "exception_requested", _("Uitzondering aangevraagd")
    SUBMITTED = "submitted", _("Aangemeld bij Woonkans")
    MATCHED = "matched", _("Gematcht met een corporatie")
    # Where the case is after the match (the casusregisseur follows it to the end).
    HOUSED = "housed", _("Gehuisvest")
    ENDED_POSITIVE = "ended_positive", _("Traject goed afgerond")
    ENDED_NEGATIVE = "ended_negative", _("Traject negatief beëindigd")
    WITHDRAWN = "withdrawn", _("Ingetrokken")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Toestemming ingetrokken")
    CLOSED = "closed", _("Afgesloten")


class Transition(models.TextChoices):
    START_RESEARCH = "start_research", _("Onderzoek gestart")
    SUBMIT = "submit", _("Aangemeld bij Woonkans")
    REQUEST_EXCEPTION = "request_exception", _("Uitzondering aangevraagd")
    WITHDRAW = "withdraw", _("Aanmelding ingetrokken")
    WITHDRAW_CONSENT = "withdraw_consent", _("Toestemming ingetrokken")
    GRANT_EXCEPTION = "grant_exception", _("Uitzondering toegekend")
    REFUSE_EXCEPTION = "refuse_exception", _("Uitzondering afgewezen")
    # An incidental exclusion (preamble): granted, the case leaves Woonkans; refused, the research goes on.
    EXCLUDE = "exclude", _("Incidenteel uitgesloten")
    KEEP_IN_TARGET_GROUP = "keep_in_target_group", _("Uitsluiting afgewezen")
    MATCH = "match", _("Gematcht")
    HOUSE = "house", _("Gehuisvest")
    END_WELL = "end_well", _("Traject goed afgerond")
    END_NEGATIVELY = "end_negatively", _("Traject negatief beëindigd")
    # Art. 17 granted before the case reached the region: the research stops as withdrawn.
    ERASE = "erase", _("Gegevens gewist")


# transition: (statuses it may start from, status it leads to)
TRANSITIONS = {
    Transition.START_RESEARCH: ({Status.REPORTED}, Status.IN_RESEARCH),
    Transition.SUBMIT: ({Status.IN_RESEARCH}, Status.SUBMITTED),
    Transition.REQUEST_EXCEPTION: ({Status.IN_RESEARCH}, Status.EXCEPTION_REQUESTED),
    Transition.GRANT_EXCEPTION: ({Status.EXCEPTION_REQUESTED}, Status.IN_RESEARCH),
    Transition.REFUSE_EXCEPTION: ({Status.EXCEPTION_REQUESTED}, Status.CLOSED),
    Transition.EXCLUDE: ({Status.EXCEPTION_REQUESTED}, Status.CLOSED),
    Transition.KEEP_IN_TARGET_GROUP: ({Status.EXCEPTION_REQUESTED}, Status.IN_RESEARCH),
    Transition.MATCH: ({Status.SUBMITTED}, Status.MATCHED),
    Transition.HOUSE: ({Status.MATCHED}, Status.HOUSED),
    Transition.END_WELL: ({Status.HOUSED}, Status.ENDED_POSITIVE),
    Transition.END_NEGATIVELY: ({Status.HOUSED}, Status.ENDED_NEGATIVE),
    Transition.ERASE: ({Status.REPORTED, Status.IN_RESEARCH}, Status.WITHDRAWN),
    Transition.WITHDRAW: (
        {Status.REPORTED, Status.IN_RESEARCH, Status.EXCEPTION_REQUESTED, Status.SUBMITTED},
        Status.WITHDRAWN,
    ),
    Transition.WITHDRAW_CONSENT: (
        {Status.IN_RESEARCH, Status.EXCEPTION_REQUESTED, Status.SUBMITTED},
        Status.CONSENT_WITHDRAWN,
    ),
}

# The consultant may change the research only while it is being done.
EDITABLE = frozenset({Status.REPORTED, Status.IN_RESEARCH})
ACTIVE = frozenset(
    {Status.REPORTED, Status.IN_RESEARCH, Status.EXCEPTION_REQUESTED, Status.SUBMITTED, Status.MATCHED, Status.HOUSED}
)


class CoarseStatus(models.TextChoices):
    """What the reporting care provider may know: nothing of the research itself."""

    RECEIVED = "received", _("Ontvangen")
    IN_RESEARCH = "in_research", _("In onderzoek")
    REFERRED = "referred", _("Aangemeld bij Woonkans")
    CLOSED = "closed", _("Afgesloten")


COARSE = {
    Status.REPORTED: CoarseStatus.RECEIVED,
    Status.IN_RESEARCH: CoarseStatus.IN_RESEARCH,
    Status.EXCEPTION_REQUESTED: CoarseStatus.IN_RESEARCH,
    Status.SUBMITTED: CoarseStatus.REFERRED,
    Status.MATCHED: CoarseStatus.REFERRED,
    Status.HOUSED: CoarseStatus.REFERRED,
    Status.ENDED_POSITIVE: CoarseStatus.CLOSED,
    Status.ENDED_NEGATIVE: CoarseStatus.CLOSED,
    Status.WITHDRAWN: CoarseStatus.CLOSED,
    Status.CONSENT_WITHDRAWN: CoarseStatus.CLOSED,
    Status.CLOSED: CoarseStatus.CLOSED,
}


# What the user reads next to the action when the case's stage does not allow it.
REFUSALS = {
    Transition.START_RESEARCH: _("Het onderzoek voor deze melding is al gestart of kan niet meer starten."),
    Transition.SUBMIT: _("Deze aanmelding kan nu niet worden ingediend."),
    Transition.REQUEST_EXCEPTION: _("Voor deze aanmelding kan nu geen uitzondering worden aangevraagd."),
    Transition.GRANT_EXCEPTION: _("Over dit uitzonderingsverzoek is al besloten."),
    Transition.REFUSE_EXCEPTION: _("Over dit uitzonderingsverzoek is al besloten."),
    Transition.EXCLUDE: _("Over dit uitzonderingsverzoek is al besloten."),
    Transition.KEEP_IN_TARGET_GROUP: _("Over dit uitzonderingsverzoek is al besloten."),
    Transition.MATCH: _("Alleen een aanmelding die bij Woonkans is aangemeld kan worden gematcht."),
    Transition.HOUSE: _("Alleen een gematchte aanmelding kan als gehuisvest worden vastgelegd."),
    Transition.END_WELL: _("Alleen het traject van een gehuisveste inwoner kan worden afgerond."),
    Transition.END_NEGATIVELY: _("Alleen het traject van een gehuisveste inwoner kan worden beëindigd."),
    Transition.ERASE: _("Deze aanmelding kan niet meer als ingetrokken worden gesloten."),
    Transition.WITHDRAW: _("Deze aanmelding kan in deze fase niet meer worden ingetrokken."),
    Transition.WITHDRAW_CONSENT: _("De toestemming kan in deze fase niet meer via de aanmelding worden ingetrokken."),
}

TABLE = TransitionTable(TRANSITIONS, refusals=REFUSALS)
move = TABLE.move
target_of = TABLE.target
allowed = TABLE.allowed

__all__ = ["TransitionNotAllowed", "allowed", "move", "target_of"]
