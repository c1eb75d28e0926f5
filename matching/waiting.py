"""What waits for someone in matching, as querysets both a list's filter and the home's count use.

Whatever the home counts, its list filters with the same expression, so the number on the home is the
number of rows behind its link. Nothing here is logged: the lists log when they are opened.
"""

import datetime

from django.db.models import DateField, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from .models import Evaluation, ProfileMessage, ProfileStatus
from .tasks import EVALUATION_INTERVAL

# An evaluation shows on the home this long before it is due (the reminder mail comes on the day).
EVALUATION_NOTICE = datetime.timedelta(days=14)


def _last_messages():
    """The last message of each question thread (one thread per profile and corporation)."""
    later = ProfileMessage.objects.filter(
        profile=OuterRef("profile"), corporation=OuterRef("corporation"), created_at__gt=OuterRef("created_at")
    )
    return ProfileMessage.objects.filter(~Exists(later))


def with_question_waiting(profiles):
    """The regisseur's profiles with a corporation's question waiting; ``question_at`` its oldest one,
    kept on the profile (models.profile.waiting_question) so the home's count walks its partial index."""
    return profiles.filter(question_at__isnull=False)


def with_message_waiting(shares):
    """The corporation's annotated shares (``available``) where the regisseur wrote last, after the
    corporation's own answer to the profile: an answer to its question, or a question to it."""
    written = (
        _last_messages()
        .filter(profile=OuterRef("profile_id"), corporation=OuterRef("corporation_id"))
        .exclude(author__organisation_id=F("corporation_id"))
    )
    shares = shares.filter(
        available=True,
        revoked_at__isnull=True,
        placed_elsewhere=False,
        profile__status=ProfileStatus.SHARED,
    ).annotate(message_at=Subquery(written.values("created_at")[:1]))
    return shares.filter(message_at__isnull=False).filter(
        Q(responded_at__isnull=True) | Q(responded_at__lt=F("message_at"))
    )


def with_evaluation_due(matches, today):
    """Housed trajectories whose next evaluation (six months after the last one, or after the lease:
    Art. 5.2c, 5.3b) falls within EVALUATION_NOTICE or has passed; ``last_evaluated`` its start."""
    last = Evaluation.objects.filter(profile=OuterRef("profile_id")).order_by("-held_on").values("held_on")[:1]
    return (
        matches.filter(profile__status=ProfileStatus.HOUSED, lease_signed_on__isnull=False)
        .annotate(last_evaluated=Coalesce(Subquery(last, output_field=DateField()), "lease_signed_on"))
        .filter(last_evaluated__lte=today + EVALUATION_NOTICE - EVALUATION_INTERVAL)
    )


def evaluation_due_on(last_evaluated):
    return last_evaluated + EVALUATION_INTERVAL
