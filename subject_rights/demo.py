"""Demo requests for the privacy officer of Venlo: one fresh access request and one overdue objection."""

import datetime

from django.utils import timezone

from referrals.models import Referral
from woonkans import bulk
from woonkans.accounts.models import User

from . import services
from .models import SubjectRequest

DEMO_REQUESTS = [
    ("access", 3, "De inwoner wil weten welke gegevens Woonkans van hem heeft en wie ze heeft ingezien."),
    ("objection", 40, "De inwoner maakt bezwaar tegen het delen van zijn profiel met een tweede corporatie."),
]


def seed_demo_requests(*, scale=0):
    synthetic = SubjectRequest.objects.filter(referral__identity__family_name="Testpersoon")
    if scale or not synthetic.exists():
        create_synthetic_requests()
    if SubjectRequest.objects.exclude(referral__identity__family_name="Testpersoon").exists():
        return []
    officer = User.objects.filter(is_demo=True, username="privacy.venlo").select_related("organisation").first()
    if officer is None:
        return []
    referral = (
        Referral.objects.filter(municipality=officer.organisation, created_by__is_demo=True, submitted_at__isnull=False)
        .exclude(identity__family_name="Testpersoon")  # one of the named demo cases, not the synthetic history
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


SYNTHETIC_TEXT = "Synthetisch verzoek van de inwoner."


def create_synthetic_requests(*, seed=2026):
    """Requests on about one in forty synthetic cases (access, rectification, objection), answered within
    the month of art. 12(3) except the ones received in the last weeks; written in bulk."""
    import random

    from .models import answer_due

    rng = random.Random(seed)
    today = timezone.localdate()
    officers = {}
    for user in User.objects.filter(is_demo=True, role_assignments__role="privacy_officer"):
        officers[user.organisation_id] = user
    fallback = next(iter(officers.values()), None)
    if fallback is None:
        return []
    asked = set(SubjectRequest.objects.values_list("referral_id", flat=True))
    requests = []
    referrals = Referral.objects.filter(identity__family_name="Testpersoon", purged_at__isnull=True).order_by("pk")
    for referral_id, municipality_id, created_at in referrals.values_list("pk", "municipality_id", "created_at"):
        if referral_id in asked or rng.random() > 0.025:
            continue
        received = timezone.localdate(created_at) + datetime.timedelta(days=rng.randint(10, 200))
        if received > today:
            continue
        kind = rng.choice(["access", "access", "rectification", "objection"])
        answered = received + datetime.timedelta(days=rng.randint(5, 28))
        status = "open" if answered > today else rng.choice(["granted", "granted", "refused"])
        officer = officers.get(municipality_id, fallback)
        requests.append(
            SubjectRequest(
                referral_id=referral_id,
                municipality_id=municipality_id,
                kind=kind,
                status=status,
                received_on=received,
                due_on=answer_due(received),
                request_text=SYNTHETIC_TEXT,
                registered_by=officer,
                decided_by=officer if status != "open" else None,
                decided_at=timezone.make_aware(datetime.datetime.combine(answered, datetime.time(11, 0)))
                if status != "open"
                else None,
                decision_reason="Afgehandeld binnen de termijn." if status != "open" else "",
                resident_informed_on=answered if status != "open" else None,
            )
        )
    bulk.insert(SubjectRequest, requests)
    return requests
