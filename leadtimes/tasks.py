"""The daily lead-time run: remind the responsible party, tell the chair at twice the target.

Policy (once per case per step per party a day at most, and not every day forever):
- the responsible party gets a link-only e-mail on the first run after the target is passed, and
  again every REMIND_EVERY days while the case still waits;
- at twice the target the region's chair (ketenregisseur) is told once per case and step.
What was sent is recorded in LeadTimeReminder (ids and dates only), in the transaction that writes
the outbox row, so a rerun the same day, or a crash between the two, never sends twice.
"""

from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Profile
from matching.permissions import CHAIR_ROLES, CORPORATION_ROLES, REGISSEUR_ROLES
from referrals.permissions import CONSULTANT_ROLES
from woonkans.notifications import notify
from woonkans.parties.models import Organisation, OrganisationKind

from .models import LeadTimeReminder, ReminderKind, Step
from .waiting import consultant_path, targets, waiting_in_step

REMIND_EVERY = timedelta(days=7)


def _chain_directions():
    by_region = {}
    for pk, region_id in Organisation.objects.filter(kind=OrganisationKind.CHAIN_DIRECTION).values_list(
        "pk", "region_id"
    ):
        by_region.setdefault(region_id, []).append(pk)
    return by_region


def _chair_path(item):
    if item.profile_id is not None:
        return reverse("matching:profile", kwargs={"profile_id": item.profile_id})
    return reverse("referrals:detail", kwargs={"referral_id": item.referral_id})


def _send(*, item, kind, organisation_ids, roles, subject, intro, path, today):
    with transaction.atomic():
        for organisation_id in organisation_ids:
            # The row first: a unique-constraint clash (a parallel run) rolls the e-mail back too.
            LeadTimeReminder.objects.create(
                step=item.step, kind=kind, referral_id=item.referral_id, organisation_id=organisation_id, sent_on=today
            )
        notify(
            organisations=Organisation.objects.filter(pk__in=organisation_ids),
            roles=roles,
            subject=subject,
            intro=intro,
            path=path,
        )


@shared_task(name="leadtimes.tasks.remind_lead_times")
def remind_lead_times(today=None):
    """Returns (reminders, chair notices) sent."""
    today = today or timezone.localdate()
    chain_directions = _chain_directions()
    reminders = chair_notices = 0
    for step, target in targets().items():
        items = waiting_in_step(step, target, today=today)
        if not items:
            continue
        recent = set(
            LeadTimeReminder.objects.filter(
                step=step, kind=ReminderKind.REMINDER, sent_on__gt=today - REMIND_EVERY
            ).values_list("referral_id", "organisation_id")
        )
        chair_told = set(
            LeadTimeReminder.objects.filter(step=step, kind=ReminderKind.CHAIR).values_list("referral_id", flat=True)
        )
        step_label = Step(step).label
        municipalities = {}
        if step == Step.HOUSED:  # the casusregisseur (own municipality's consultants) is reminded too
            municipalities = dict(
                Profile.objects.filter(referral_id__in=[item.referral_id for item in items]).values_list(
                    "referral_id", "referral__municipality_id"
                )
            )
        intro = _("Een casus staat langer dan de afgesproken doorlooptijd in de stap: %(step)s.") % {"step": step_label}
        for item in items:
            municipality_id = municipalities.get(item.referral_id)
            if municipality_id and (item.referral_id, municipality_id) not in recent:
                _send(
                    item=item,
                    kind=ReminderKind.REMINDER,
                    organisation_ids=[municipality_id],
                    roles=CONSULTANT_ROLES,
                    subject=_("Een casus wacht langer dan de doorlooptijd"),
                    intro=intro,
                    path=consultant_path(item.referral_id),
                    today=today,
                )
                reminders += 1
            regisseurs = chain_directions.get(item.region_id, [])
            responsible = [item.corporation_id] if item.corporation_id else regisseurs
            due = [pk for pk in responsible if (item.referral_id, pk) not in recent]
            if due:
                _send(
                    item=item,
                    kind=ReminderKind.REMINDER,
                    organisation_ids=due,
                    roles=CORPORATION_ROLES if item.corporation_id else REGISSEUR_ROLES,
                    subject=_("Een casus wacht langer dan de doorlooptijd"),
                    intro=intro,
                    path=item.path,
                    today=today,
                )
                reminders += 1
            if item.twice_over and item.referral_id not in chair_told and regisseurs:
                _send(
                    item=item,
                    kind=ReminderKind.CHAIR,
                    organisation_ids=regisseurs,
                    roles=CHAIR_ROLES,
                    subject=_("Een casus wacht twee keer de doorlooptijd"),
                    intro=_("Een casus staat twee keer zo lang als afgesproken in de stap: %(step)s.")
                    % {"step": step_label},
                    path=_chair_path(item),
                    today=today,
                )
                chair_notices += 1
    return reminders, chair_notices
