"""The claim's status changes, in one table. Each is carried out by one service.

The path (SOK art. 7.7-7.9, Bijlage 3 §3): filed -> discussed at the Woonkans-overleg (always first)
-> the chair consults the case's parties (art. 7.8) -> the chair decides -> the corporation submits
it to the MGR -> the MGR pays it or returns it for correction.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from woonkans.state import TransitionNotAllowed, TransitionTable

from .models import ClaimStatus as S
from .models import DeviationStatus as D


class ClaimTransition(models.TextChoices):
    FILE = "file", _("Ingediend")
    DISCUSS = "discuss", _("Besproken in het Woonkans-overleg")
    CONSULT = "consult", _("Partijen geraadpleegd")
    APPROVE = "approve", _("Goedgekeurd")
    REJECT = "reject", _("Afgewezen")
    SUBMIT_TO_MGR = "submit_to_mgr", _("Ingediend bij de MGR")
    RETURN = "return", _("Teruggestuurd")
    PAY = "pay", _("Uitbetaald")


CLAIM_TRANSITIONS = {
    ClaimTransition.FILE: ({S.DRAFT}, S.FILED),
    ClaimTransition.DISCUSS: ({S.FILED}, S.DISCUSSED),
    # A second consultation (another party, a later talk) is recorded too; the claim stays consulted.
    ClaimTransition.CONSULT: ({S.DISCUSSED, S.CONSULTED}, S.CONSULTED),
    ClaimTransition.APPROVE: ({S.CONSULTED}, S.APPROVED),
    ClaimTransition.REJECT: ({S.CONSULTED}, S.REJECTED),
    ClaimTransition.SUBMIT_TO_MGR: ({S.APPROVED, S.RETURNED}, S.AT_MGR),
    ClaimTransition.RETURN: ({S.AT_MGR}, S.RETURNED),
    ClaimTransition.PAY: ({S.AT_MGR}, S.PAID),
}

NOT_YET_DISCUSSED = _(
    "Een claim wordt altijd eerst besproken in het Woonkans-overleg (Bijlage 3 §3); deze claim is nog niet besproken."
)
NOT_YET_CONSULTED = _(
    "Leg eerst vast dat je de partijen van de casus hebt geraadpleegd (art. 7.8); pas daarna kun je besluiten."
)
DECISION_REFUSAL = _("Alleen een besproken claim, na raadpleging van de partijen, kan worden beoordeeld.")

# What the user reads next to the action when the claim's status does not allow it.
CLAIM_REFUSALS = {
    ClaimTransition.FILE: _("Deze claim is al ingediend."),
    ClaimTransition.DISCUSS: _("Alleen een ingediende claim kan voor het eerst worden besproken."),
    ClaimTransition.CONSULT: NOT_YET_DISCUSSED,
    ClaimTransition.APPROVE: DECISION_REFUSAL,
    ClaimTransition.REJECT: DECISION_REFUSAL,
    ClaimTransition.SUBMIT_TO_MGR: _(
        "Alleen een goedgekeurde of teruggestuurde claim kan bij de MGR worden ingediend."
    ),
    ClaimTransition.RETURN: _("Alleen een claim die bij de MGR ligt kan worden teruggestuurd."),
    ClaimTransition.PAY: _("Alleen een goedgekeurde claim die bij de MGR ligt kan worden uitbetaald."),
}

ClaimTransitionNotAllowed = TransitionNotAllowed
CLAIMS = TransitionTable(CLAIM_TRANSITIONS, refusals=CLAIM_REFUSALS)
claim_target = CLAIMS.target
claim_allowed = CLAIMS.allowed

# Statuses in which the chair may still ask the overleg for a deviation: before the decision.
OPEN_FOR_DEVIATION = (S.FILED, S.DISCUSSED, S.CONSULTED)


class DeviationTransition(models.TextChoices):
    CONSENT = "consent", _("Instemming")
    REFUSE = "refuse", _("Geen instemming")


DEVIATIONS = TransitionTable(
    {
        DeviationTransition.CONSENT: ({D.REQUESTED}, D.CONSENTED),
        DeviationTransition.REFUSE: ({D.REQUESTED}, D.REFUSED),
    },
    refusals={
        DeviationTransition.CONSENT: _("Over dit maatwerk is al gestemd."),
        DeviationTransition.REFUSE: _("Over dit maatwerk is al gestemd."),
    },
)
