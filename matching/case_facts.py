"""What the profile, its shares and the match tell the disclosure policy (woonkans.privacy.disclosure),
and what a case that stops closes here: its shares, its open offers and its place on the overleg agenda."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans import cases
from woonkans.notifications import notify
from woonkans.parties.models import Organisation
from woonkans.privacy import disclosure
from woonkans.privacy.disclosure.grants import held_by_organisation

from .models import AgendaItem, EndKind, Match, Profile, ProfileShare, ProfileStatus
from .models.profile import sync_message_at, sync_offered_at, sync_question_at
from .models.trajectory import sync_evaluation_due_from
from .workflow import PROFILES, ProfileTransition

CLAIMABLE_ENDINGS = (EndKind.EVICTED, EndKind.LEFT)


def _of_cases(queryset, lookup, referral_ids):
    return queryset if referral_ids is None else queryset.filter(**{f"{lookup}__in": referral_ids})


def profile_facts(referral_ids):
    facts = {}
    owner = {}
    for pk, referral_id, status, shared_at in _of_cases(Profile.objects.all(), "referral_id", referral_ids).values_list(
        "pk", "referral_id", "status", "shared_at"
    ):
        owner[pk] = referral_id
        facts[referral_id] = {
            "profile_id": pk,
            "profile_status": status,
            "profile_shared": shared_at is not None,
            "shared_with": set(),
        }
    # A live share: not withdrawn and not closed because the resident was placed elsewhere.
    live = ProfileShare.objects.filter(revoked_at__isnull=True, placed_elsewhere=False)
    for profile_id, corporation_id in _of_cases(live, "profile__referral_id", referral_ids).values_list(
        "profile_id", "corporation_id"
    ):
        facts[owner[profile_id]]["shared_with"].add(corporation_id)
    matches = _of_cases(Match.objects.all(), "profile__referral_id", referral_ids)
    for profile_id, corporation_id, provider_id in matches.values_list(
        "profile_id", "corporation_id", "care_provider_id"
    ):
        facts[owner[profile_id]].update(matched_corporation_id=corporation_id, care_provider_id=provider_id)
    for values in facts.values():
        values["shared_with"] = frozenset(values["shared_with"])
    return facts


def settle(state, stage, actor):
    """The case stopped or ended: close what is open on it here, once, and tell who lost the profile."""
    # The overleg agenda drops the case: its undecided items on meetings not yet held.
    AgendaItem.objects.filter(
        decided=False, meeting__held=False, exception_request__referral_id=state.referral_id
    ).delete()
    if state.profile_id is None:
        return
    AgendaItem.objects.filter(decided=False, meeting__held=False, profile_id=state.profile_id).delete()
    if stage != disclosure.Stage.ENDED:
        profile = Profile.objects.select_for_update(of=("self",)).filter(pk=state.profile_id).first()
        if profile is not None and PROFILES.allowed(ProfileTransition.STOP, profile.status):
            PROFILES.move(profile, ProfileTransition.STOP)
            profile.save(update_fields=["status", "updated_at"])
            sync_evaluation_due_from(profile.pk)  # a housed case stopped: no evaluation falls due any more
    # Open shares (and with them their offers and question threads) close; the row stays, empty.
    open_shares = ProfileShare.objects.filter(profile_id=state.profile_id, revoked_at__isnull=True)
    corporations = list(open_shares.values_list("corporation_id", flat=True))
    open_shares.update(revoked_at=timezone.now())
    sync_offered_at(state.profile_id)  # their offers with them
    sync_question_at(state.profile_id)  # and their question threads
    sync_message_at(state.profile_id)
    if stage == disclosure.Stage.ENDED:
        return  # the matched corporation and provider ended the trajectory themselves
    if corporations:
        notify(
            organisations=Organisation.objects.filter(pk__in=corporations),
            roles=disclosure.RELATION_ROLES[disclosure.Relation.SHARED_CORPORATION],
            subject=_("Een profiel is niet meer beschikbaar"),
            intro=_("Een bemiddelingsprofiel in je matchingstabel is niet meer beschikbaar."),
            path=reverse("matching:table"),
        )
    if state.care_provider_id:
        notify(
            organisations=Organisation.objects.filter(pk=state.care_provider_id),
            roles=disclosure.RELATION_ROLES[disclosure.Relation.LINKED_PROVIDER],
            subject=_("Een Woonkans-traject is gestopt"),
            intro=_("Een Woonkans-traject van je organisatie is gestopt."),
            path=reverse("matching:trajectories"),
        )


def monitoring_facts(referral_id):
    """The profile's and match's part of the anonymous monitoring fact (dates, status, corporation)."""
    profile = Profile.objects.filter(referral_id=referral_id).select_related("match").first()
    if profile is None:
        return {}
    match = getattr(profile, "match", None)
    return {
        "profile_status": profile.status,
        "corporation_id": match.corporation_id if match else None,
        "shared_at": profile.shared_at,
        "matched_at": profile.matched_at,
        "housed_on": profile.housed_on,
        "profile_ended_on": profile.ended_on,
        "contract_form": profile.contract_form,
        "search_area_ids": sorted(profile.search_area.values_list("pk", flat=True)),
    }


def _trajectory(match):
    return cases.Trajectory(
        profile_id=match.profile_id,
        referral_id=match.profile.referral_id,
        code=match.profile.code,
        region_id=match.profile.region_id,
        corporation_id=match.corporation_id,
        care_provider_id=match.care_provider_id,
        ended_on=match.ended_on,
        end_kind=match.end_kind,
        end_kind_label=str(match.get_end_kind_display()) if match.end_kind else "",
        end_evaluation=match.end_evaluation,
        claimable=match.profile.status == ProfileStatus.ENDED_NEGATIVE and match.end_kind in CLAIMABLE_ENDINGS,
    )


def trajectories(profile_id):
    """One trajectory, or (with None) every trajectory a guarantee-fund claim may follow."""
    matches = Match.objects.select_related("profile")
    if profile_id is None:
        matches = matches.filter(profile__status=ProfileStatus.ENDED_NEGATIVE, end_kind__in=CLAIMABLE_ENDINGS)
    else:
        matches = matches.filter(profile_id=profile_id)
    return [_trajectory(match) for match in matches.order_by("profile_id")]


def read_trajectory(*, user, profile_id):
    from .selectors import get_trajectory

    return _trajectory(get_trajectory(user=user, profile_id=profile_id))


def _held(codename, side):
    """True on a match whose ``side`` organisation's group holds ``codename`` on the match's referral."""
    from referrals.models import Referral

    return held_by_organisation(Referral, codename, outer="referral_id", organisation=side)


def follow_grants(referral_ids):
    """Copy the side's grant onto the cases' matches (Match.identity_granted, contact_granted): called by
    disclosure.reconcile after it wrote these cases' grants (None: every case), so the columns say what
    the grant tables say, whatever the stage, restriction or provider change that moved them. One UPDATE."""
    matches = Match.objects.all() if referral_ids is None else Match.objects.filter(referral_id__in=referral_ids)
    matches.update(
        identity_granted=_held(disclosure.VIEW_IDENTITY[1], "corporation_id"),
        contact_granted=_held(disclosure.VIEW_CONTACT[1], "care_provider_id"),
    )


def register():
    disclosure.register_objects(
        disclosure.PROFILE,
        model="matching.Profile",
        group_permissions="matching.ProfileGroupObjectPermission",
        user_permissions="matching.ProfileUserObjectPermission",
    )
    disclosure.register_facts(profile_facts)
    disclosure.register_settler(settle)
    disclosure.register_grant_follower(follow_grants)
    cases.register_monitoring_facts(monitoring_facts)
    cases.register_trajectories(trajectories)
    cases.register_trajectory_reader(read_trajectory)
