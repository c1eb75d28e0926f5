"""The claim's status changes, in one table. Each is carried out by one service."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from woonkans.state import TransitionNotAllowed, TransitionTable

from .models import ClaimStatus as S


class ClaimTransition(models.TextChoices):
    FILE = "file", _("Ingediend")
    APPROVE = "approve", _("Goedgekeurd")
    REJECT = "reject", _("Afgewezen")
    SUBMIT_TO_MGR = "submit_to_mgr", _("Ingediend bij de MGR")
    RETURN = "return", _("Teruggestuurd")
    PAY = "pay", _("Uitbetaald")


CLAIM_TRANSITIONS = {
    ClaimTransition.FILE: ({S.DRAFT}, S.FILED),
    ClaimTransition.APPROVE: ({S.FILED}, S.APPROVED),
    ClaimTransition.REJECT: ({S.FILED}, S.REJECTED),
    ClaimTransition.SUBMIT_TO_MGR: ({S.APPROVED, S.RETURNED}, S.AT_MGR),
    ClaimTransition.RETURN: ({S.AT_MGR}, S.RETURNED),
    ClaimTransition.PAY: ({S.AT_MGR}, S.PAID),
}


# What the user reads next to the action when the claim's status does not allow it.
CLAIM_REFUSALS = {
    ClaimTransition.FILE: _("Deze claim is al ingediend."),
    ClaimTransition.APPROVE: _("Alleen een ingediende claim kan worden beoordeeld."),
    ClaimTransition.REJECT: _("Alleen een ingediende claim kan worden beoordeeld."),
    ClaimTransition.SUBMIT_TO_MGR: _(
        "Alleen een goedgekeurde of teruggestuurde claim kan bij de MGR worden ingediend."
    ),
    ClaimTransition.RETURN: _("Alleen een claim die bij de MGR ligt kan worden teruggestuurd."),
    ClaimTransition.PAY: _("Alleen een claim die bij de MGR ligt kan worden uitbetaald."),
}

ClaimTransitionNotAllowed = TransitionNotAllowed
CLAIMS = TransitionTable(CLAIM_TRANSITIONS, refusals=CLAIM_REFUSALS)
claim_target = CLAIMS.target
claim_allowed = CLAIMS.allowed
