"""What the referral tells the disclosure policy about its case (woonkans.privacy.disclosure)."""

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


def register():
    disclosure.register_objects(
        disclosure.REFERRAL,
        model="referrals.Referral",
        group_permissions="referrals.ReferralGroupObjectPermission",
        user_permissions="referrals.ReferralUserObjectPermission",
    )
    disclosure.register_facts(referral_facts)
