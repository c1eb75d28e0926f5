"""The referral's status and every allowed change of it, in one table (as Signalen does).

Each transition is carried out by one service in services.py, which checks this
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
    MATCH = "match", _("Gematcht")


# transition: (statuses it may start from, status it leads to)
TRANSITIONS = {
    Transition.START_RESEARCH: ({Status.REPORTED}, Status.IN_RESEARCH),
    Transition.SUBMIT: ({Status.IN_RESEARCH}, Status.SUBMITTED),
    Transition.REQUEST_EXCEPTION: ({Status.IN_RESEARCH}, Status.EXCEPTION_REQUESTED),
    Transition.GRANT_EXCEPTION: ({Status.EXCEPTION_REQUESTED}, Status.IN_RESEARCH),
    Transition.REFUSE_EXCEPTION: ({Status.EXCEPTION_REQUESTED}, Status.CLOSED),
    Transition.MATCH: ({Status.SUBMITTED}, Status.MATCHED),
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
ACTIVE = frozenset({Status.REPORTED, Status.IN_RESEARCH, Status.EXCEPTION_REQUESTED, Status.SUBMITTED, Status.MATCHED})


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
    Status.WITHDRAWN: CoarseStatus.CLOSED,
    Status.CONSENT_WITHDRAWN: CoarseStatus.CLOSED,
    Status.CLOSED: CoarseStatus.CLOSED,
}


TABLE = TransitionTable(TRANSITIONS)
target_of = TABLE.target
allowed = TABLE.allowed

__all__ = ["TransitionNotAllowed", "allowed", "target_of"]
