"""What the referral tells the disclosure policy (woonkans.privacy.disclosure) and monitoring
(woonkans.cases) about its case."""

from django.utils import timezone

from woonkans import cases
from woonkans.privacy import disclosure

from .models import Referral


def referral_facts(referral_ids):
    referrals = Referral.objects.all() if referral_ids is None else Referral.objects.filter(pk__in=referral_ids)
    return {
        pk: {
            "referral_id": pk,
            "referral_status": status,
            "municipality_id": municipality_id,
            "region_id": region_id,
            "reported_by_id": reported_by_id,
            "restricted": restricted_at is not None,
            "purged": purged_at is not None,
        }
        for pk, status, municipality_id, region_id, reported_by_id, restricted_at, purged_at in referrals.values_list(
            "pk", "status", "municipality_id", "region_id", "reported_by_id", "restricted_at", "purged_at"
        )
    }


def monitoring_facts(referral_id):
    """The referral's part of the anonymous monitoring fact; the age is used for its band only."""
    referral = Referral.objects.select_related("identity", "research").filter(pk=referral_id).first()
    if referral is None:
        return {}
    identity = getattr(referral, "identity", None)
    research = getattr(referral, "research", None)
    on = timezone.localdate(referral.submitted_at) if referral.submitted_at else timezone.localdate()
    # The first condition of SOK Art. 1b that the latest exception request records as failed.
    request = referral.exception_requests.order_by("-pk").values_list("failed_conditions", flat=True).first()
    return {
        "fact_id": referral.fact_id,
        "purged": referral.purged_at is not None,
        "status": referral.status,
        "region_id": referral.region_id,
        "municipality_id": referral.municipality_id,
        "reported_by_provider": referral.reported_by_id is not None,
        "origin": research.origin if research else "",
        "age": identity.age_on(on) if identity else None,
        "eligible": referral.eligible,
        "exception_requested": request is not None,
        "eligibility_checked_at": referral.eligibility_checked_at,
        "ineligible_reason": request[0] if request else "",
        "exception_granted": referral.exception_granted,
        "created_at": referral.created_at,
        "submitted_at": referral.submitted_at,
        "closed_at": referral.closed_at,
    }


def link_fact(referral_id, fact_id):
    # Only a case without a fact takes this one: two concurrent runs cannot both link.
    return Referral.objects.filter(pk=referral_id, fact__isnull=True).update(fact_id=fact_id) == 1


def register():
    disclosure.register_objects(
        disclosure.REFERRAL,
        model="referrals.Referral",
        group_permissions="referrals.ReferralGroupObjectPermission",
        user_permissions="referrals.ReferralUserObjectPermission",
    )
    disclosure.register_facts(referral_facts)
    cases.register_monitoring_facts(monitoring_facts)
    cases.register_fact_link(link_fact)
