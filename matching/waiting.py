"""What waits for someone in matching, as querysets both a list's filter and the home's count use.

Whatever the home counts, its list filters with the same expression, so the number on the home is the
number of rows behind its link. Nothing here is logged: the lists log when they are opened.
"""

import datetime

from django.db.models import F

from .models import ProfileStatus
from .tasks import EVALUATION_INTERVAL

# An evaluation shows on the home this long before it is due (the reminder mail comes on the day).
EVALUATION_NOTICE = datetime.timedelta(days=14)


def with_question_waiting(profiles):
    """The regisseur's profiles with a corporation's question waiting; ``question_at`` its oldest one,
    kept on the profile (models.profile.waiting_question) so the home's count walks its partial index."""
    return profiles.filter(question_at__isnull=False)


def with_message_waiting(shares):
    """The corporation's annotated shares (``available``) where the regisseur wrote last, after the
    corporation's own answer to the profile: an answer to its question, or a question to it.
    ``message_at`` (that last message) is kept on the share (models.profile.waiting_message), so the
    home's count walks the partial index matching_share_message and probes the grants."""
    return shares.filter(
        available=True,
        revoked_at__isnull=True,
        placed_elsewhere=False,
        profile__status=ProfileStatus.SHARED,
        message_at__isnull=False,
    )


def with_evaluation_due(matches, today):
    """Housed trajectories whose next evaluation (six months after the last one, or after the lease:
    Art. 5.2c, 5.3b) falls within EVALUATION_NOTICE or has passed; ``last_evaluated`` its start, kept on
    the match (models.trajectory.evaluation_due_from) so the home's count walks the partial index of
    each side and stops at the cut-off."""
    return matches.filter(
        profile__status=ProfileStatus.HOUSED,
        lease_signed_on__isnull=False,
        evaluation_due_from__lte=today + EVALUATION_NOTICE - EVALUATION_INTERVAL,
    ).annotate(last_evaluated=F("evaluation_due_from"))


def evaluation_due_on(last_evaluated):
    return last_evaluated + EVALUATION_INTERVAL
