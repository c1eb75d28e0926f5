"""Cases in each step of the route, and a way to set how long they have waited there."""

import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from leadtimes.models import Step
from matching import services as matching
from matching.models import Match, Offer, Profile, ProfileShare
from matching.models.profile import sync_offered_at

from ..matching.conftest import make_matched, make_shared, org
from ..referrals.conftest import make_submitted
from .conftest import worked_start


def submitted(people):
    return make_submitted(people["venlo"])


def shared(people):
    return make_shared(people["noord"], people["venlo"], ["Woonwenz"]).referral


def offered(people):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    offer = {
        "dwelling_address": "Maasstraat 3",
        "dwelling_type": "Appartement",
        "rent_cents": 65_000,
        "available_from": timezone.localdate(),
    }
    share = profile.shares.get(corporation=org("Woonwenz"))
    matching.respond_to_profile(actor=people["woonwenz"], share=share, response="offer", offer=offer)
    return profile.referral


def matched(people):
    return make_matched(people, shared_with=("Woonwenz",)).referral


def housed(people):
    profile = make_matched(people, shared_with=("Woonwenz",))
    matching.record_housing(actor=people["noord"], profile=profile, lease_signed_on=timezone.localdate())
    return profile.referral


SETUP = {
    Step.SUBMITTED: submitted,
    Step.FEEDBACK_PRECONDITIONS: submitted,
    Step.SHARED: shared,
    Step.FEEDBACK_PROFILE: shared,
    Step.OFFER: offered,
    Step.MATCHED: matched,
    Step.FEEDBACK_PLACEMENT: matched,
    Step.HOUSED: housed,
}
# Who must see the case in the step, and who never.
RESPONSIBLE = {
    Step.SUBMITTED: ("noord",),
    Step.FEEDBACK_PRECONDITIONS: ("noord",),
    Step.FEEDBACK_PROFILE: ("noord",),
    Step.FEEDBACK_PLACEMENT: ("noord",),
    Step.OFFER: ("noord",),
    Step.HOUSED: ("noord", "venlo"),  # the regisseurs and the casusregisseur (the case's consultant)
    Step.SHARED: ("woonwenz",),
    Step.MATCHED: ("woonwenz",),
}
EVERYONE = (
    "noord",
    "midden",
    "proces_midden",
    "woonwenz",
    "antares",
    "wonenlimburg",
    "venlo",
    "venray",
    "roermond",
    "moveoo",
    "admin",
    "admin_venlo",
    "treasurer",
    "werkgroep_venlo",
)


def set_waited(step, referral, waited):
    """Move the step's start back so the case has waited `waited` working days (months for housed)."""
    start = worked_start(waited)
    if step in (Step.SUBMITTED, Step.FEEDBACK_PRECONDITIONS):
        type(referral).objects.filter(pk=referral.pk).update(submitted_at=start)
    elif step == Step.SHARED:
        ProfileShare.objects.filter(profile__referral=referral).update(shared_at=start)
    elif step == Step.FEEDBACK_PROFILE:
        Profile.objects.filter(referral=referral).update(shared_at=start)
        # The step's start as the services keep it on the referral (mark_profile_shared), while it runs.
        referrals = type(referral).objects.filter(pk=referral.pk, profile_feedback_due_since__isnull=False)
        referrals.update(profile_feedback_due_since=start)
    elif step == Step.OFFER:
        Offer.objects.filter(share__profile__referral=referral).update(created_at=start)
        sync_offered_at(referral.profile.pk)  # the step's start as the services keep it
    elif step in (Step.MATCHED, Step.FEEDBACK_PLACEMENT):
        Match.objects.filter(profile__referral=referral).update(matched_at=start)
        Profile.objects.filter(referral=referral).update(matched_at=start)  # as make_match keeps it
        # The start of step "feedback_3" as mark_matched keeps it on the referral, while it runs.
        referrals = type(referral).objects.filter(pk=referral.pk, placement_feedback_due_since__isnull=False)
        referrals.update(placement_feedback_due_since=start)
    elif step == Step.HOUSED:
        housed_on = timezone.localdate() - relativedelta(months=waited) - datetime.timedelta(days=1)
        Profile.objects.filter(referral=referral).update(housed_on=housed_on)
