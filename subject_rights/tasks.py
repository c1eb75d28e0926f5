import datetime

from celery import shared_task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans.accounts.roles import Role
from woonkans.notifications import notify
from woonkans.parties.models import Organisation

from .models import SubjectRequest
from .workflow import RequestStatus

WARN_DAYS_BEFORE = 7


@shared_task(name="subject_rights.tasks.remind_deadlines")
def remind_deadlines():
    """Each morning: tell a municipality's privacy officers when a request is due within a week or overdue."""
    horizon = timezone.localdate() + datetime.timedelta(days=WARN_DAYS_BEFORE)
    open_requests = SubjectRequest.objects.filter(status=RequestStatus.OPEN)
    due_soon = open_requests.filter(extended_to__isnull=True, due_on__lte=horizon) | open_requests.filter(
        extended_to__lte=horizon
    )
    municipality_ids = set(due_soon.values_list("municipality_id", flat=True))
    if municipality_ids:
        notify(
            organisations=Organisation.objects.filter(pk__in=municipality_ids),
            roles=(Role.PRIVACY_OFFICER,),
            subject=_("Verzoeken van inwoners: termijn loopt af"),
            intro=_(
                "Een of meer verzoeken van inwoners moeten binnen een week beantwoord zijn, of zijn over de termijn."
            ),
            path=reverse("subject_rights:list"),
        )
    return len(municipality_ids)
