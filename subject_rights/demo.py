"""Demo requests for the privacy officer of Venlo: one fresh access request and one overdue objection."""

import datetime

from django.utils import timezone

from referrals.models import Referral
from woonkans.accounts.models import User

from . import services
from .models import SubjectRequest

DEMO_REQUESTS = [
    ("access", 3, "De inwoner wil weten welke gegevens Woonkans van hem heeft en wie ze heeft ingezien."),
    ("objection", 40, "De inwoner maakt bezwaar tegen het delen van zijn profiel met een tweede corporatie."),
]


def seed_demo_requests(*, scale=0):
    if SubjectRequest.objects.exists():
        return []
    officer = User.objects.filter(is_demo=True, username="privacy.venlo").select_related("organisation").first()
    if officer is None:
        return []
    referral = (
        Referral.objects.filter(municipality=officer.organisation, created_by__is_demo=True, submitted_at__isnull=False)
        .order_by("created_at")
        .first()
    )
    if referral is None:
        return []
    today = timezone.localdate()
    for kind, days_ago, text in DEMO_REQUESTS:
        services.register_request(
            actor=officer,
            referral=referral,
            kind=kind,
            received_on=today - datetime.timedelta(days=days_ago),
            request_text=text,
        )
    return []
