"""The daily reminder of the non-renewal date of the agreement (SOK Art. 12.2).

A party that will not renew tells the werkgroep at least six months before the end of the term.
Eight weeks and again two weeks before that date, the werkgroep and the MGR treasurer get a
link-only e-mail. What was sent is recorded in TermReminder (dates only), in the same transaction
as the outbox row: a rerun the same day, a second worker or a crash in between never sends twice.
A run that starts late (the beat was down) sends only the nearest reminder and marks the earlier.
"""

import datetime

from celery import shared_task
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans.accounts.roles import Role
from woonkans.notifications import notify

from .models import AgreementTerm, Organisation, OrganisationKind, TermReminder

# Weeks before the non-renewal date: early enough for a council decision, and a last call.
REMIND_WEEKS_BEFORE = (8, 2)


def _due_weeks(announce_by, today):
    return sorted(w for w in REMIND_WEEKS_BEFORE if announce_by - datetime.timedelta(weeks=w) <= today)


@shared_task(name="woonkans.parties.tasks.remind_non_renewal_date")
def remind_non_renewal_date(today=None):
    """Returns the number of weeks-before reminders sent (0 or 1)."""
    today = today or timezone.localdate()
    term = AgreementTerm.current()
    decision = term.next_decision(today)
    due = _due_weeks(decision.announce_by, today)
    if not due:
        return 0
    sent = set(TermReminder.objects.filter(announce_by=decision.announce_by).values_list("weeks_before", flat=True))
    if due[0] in sent:
        return 0
    date = decision.announce_by.strftime("%d-%m-%Y")
    end = decision.ends_on.strftime("%d-%m-%Y")
    subject = _("Woonkans: uiterlijk %(date)s melden als u niet wilt verlengen") % {"date": date}
    intro = _(
        "De samenwerkingsovereenkomst Woonkans loopt tot en met %(end)s en wordt daarna stilzwijgend met een jaar "
        "verlengd. Een partij die niet wil verlengen, meldt dat uiterlijk %(date)s aan de werkgroep (Art. 12.2). "
        "Tussentijds opzeggen kan met %(months)s kalendermaanden opzegtermijn (Art. 10.3)."
    ) % {"end": end, "date": date, "months": term.leaving_notice_months}
    try:
        with transaction.atomic():
            # The rows first: a parallel run's unique-constraint clash rolls the e-mails back too.
            for weeks in due:
                if weeks not in sent:
                    TermReminder.objects.create(announce_by=decision.announce_by, weeks_before=weeks, sent_on=today)
            notify(
                organisations=Organisation.objects.all(),
                roles=(Role.WERKGROEP,),
                subject=subject,
                intro=intro,
                path=reverse("monitoring:monitoring"),
            )
            notify(
                organisations=Organisation.objects.filter(kind=OrganisationKind.MGR),
                roles=(Role.TREASURER,),
                subject=subject,
                intro=intro,
                path=reverse("guarantee_fund:parties"),
            )
    except IntegrityError:
        return 0
    return 1
