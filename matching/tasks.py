"""Evaluation reminders: about twice a year per running trajectory (Art. 5.2c, 5.3b)."""

from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans.notifications import notify

from .models import Match, ProfileStatus
from .permissions import CORPORATION_ROLES, PROVIDER_ROLES

EVALUATION_INTERVAL = timedelta(days=182)


@shared_task(name="matching.tasks.remind_evaluations")
def remind_evaluations(today=None):
    """Remind the fixed contacts of trajectories without an evaluation in the last six months."""
    today = today or timezone.localdate()
    due_before = today - EVALUATION_INTERVAL
    matches = (
        Match.objects.filter(profile__status=ProfileStatus.HOUSED, lease_signed_on__lte=due_before)
        .annotate(last_evaluation=Max("profile__evaluations__held_on"))
        .select_related("corporation", "care_provider")
    )
    reminded = 0
    for match in matches:
        last = match.last_evaluation or match.lease_signed_on
        recently_reminded = match.evaluation_reminded_on and match.evaluation_reminded_on > due_before
        if last > due_before or recently_reminded:
            continue
        # The outbox row and the "reminded" mark commit together: never twice, never lost.
        with transaction.atomic():
            notify(
                organisations=[match.corporation, match.care_provider],
                roles=(*CORPORATION_ROLES, *PROVIDER_ROLES),
                subject=_("Tijd voor een evaluatie"),
                intro=_("Een Woonkans-traject heeft al zes maanden geen evaluatie gehad."),
                path=reverse("matching:trajectory", kwargs={"profile_id": match.profile_id}),
            )
            Match.objects.filter(pk=match.pk).update(evaluation_reminded_on=today)
        reminded += 1
    return reminded
