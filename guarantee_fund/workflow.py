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


ClaimTransitionNotAllowed = TransitionNotAllowed
CLAIMS = TransitionTable(CLAIM_TRANSITIONS)
claim_target = CLAIMS.target
claim_allowed = CLAIMS.allowed
