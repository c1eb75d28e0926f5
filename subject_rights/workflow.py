"""The life of a data-subject request (GDPR art. 12): one transition table, like every workflow here."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from woonkans.state import TransitionNotAllowed, TransitionTable


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Inzage (art. 15)")
    RECTIFICATION = "rectification", _("Rectificatie en aanvulling (art. 16)")
    ERASURE = "erasure", _("Wissen (art. 17)")
    RESTRICTION = "restriction", _("Beperking van de verwerking (art. 18)")
    OBJECTION = "objection", _("Bezwaar (art. 21)")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("In behandeling")
    IN_EFFECT = "in_effect", _("Beperking van kracht")
    GRANTED = "granted", _("Afgehandeld: toegewezen")
    REFUSED = "refused", _("Afgehandeld: afgewezen")


# While a request is in one of these, the case keeps its data (no retention purge).
PENDING = frozenset({RequestStatus.OPEN, RequestStatus.IN_EFFECT})
FINISHED = frozenset({RequestStatus.GRANTED, RequestStatus.REFUSED})


class RequestTransition(models.TextChoices):
    RESTRICT = "restrict"
    LIFT = "lift"
    GRANT = "grant"
    REFUSE = "refuse"


# What the privacy officer reads next to the action when the request's stage does not allow it.
REFUSALS = {
    RequestTransition.RESTRICT: _("Alleen een verzoek in behandeling kan tot een beperking leiden."),
    RequestTransition.LIFT: _("Er is geen beperking van kracht."),
    RequestTransition.GRANT: _("Dit verzoek is al afgehandeld."),
    RequestTransition.REFUSE: _("Dit verzoek is al afgehandeld."),
}

TRANSITIONS = TransitionTable(
    {
        RequestTransition.RESTRICT: ({RequestStatus.OPEN}, RequestStatus.IN_EFFECT),
        # Lifting a restriction ends the request: it was granted for as long as it was needed.
        RequestTransition.LIFT: ({RequestStatus.IN_EFFECT}, RequestStatus.GRANTED),
        RequestTransition.GRANT: ({RequestStatus.OPEN}, RequestStatus.GRANTED),
        RequestTransition.REFUSE: ({RequestStatus.OPEN}, RequestStatus.REFUSED),
    },
    refusals=REFUSALS,
)

__all__ = ["TransitionNotAllowed"]


def target_of(transition, current):
    return TRANSITIONS.target(transition, current)


def allowed(transition, current):
    return TRANSITIONS.allowed(transition, current)
