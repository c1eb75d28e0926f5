"""What the profile, its shares and the match tell the disclosure policy (woonkans.privacy.disclosure),
and what a case that stops closes here: its shares, its open offers and its place on the overleg agenda."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans.notifications import notify
from woonkans.parties.models import Organisation
from woonkans.privacy import disclosure

from .models import AgendaItem, Match, Profile, ProfileShare
from .workflow import PROFILES, ProfileTransition


def _of_cases(queryset, lookup, referral_ids):
    return queryset if referral_ids is None else queryset.filter(**{f"{lookup}__in": referral_ids})


def profile_facts(referral_ids):
    facts = {}
    owner = {}
    for pk, referral_id, status in _of_cases(Profile.objects.all(), "referral_id", referral_ids).values_list(
        "pk", "referral_id", "status"
    ):
        owner[pk] = referral_id
        facts[referral_id] = {"profile_id": pk, "profile_status": status, "shared_with": set()}
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
    # Open shares (and with them their offers and question threads) close; the row stays, empty.
    open_shares = ProfileShare.objects.filter(profile_id=state.profile_id, revoked_at__isnull=True)
    corporations = list(open_shares.values_list("corporation_id", flat=True))
    open_shares.update(revoked_at=timezone.now())
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


def register():
    disclosure.register_objects(
        disclosure.PROFILE,
        model="matching.Profile",
        group_permissions="matching.ProfileGroupObjectPermission",
        user_permissions="matching.ProfileUserObjectPermission",
    )
    disclosure.register_facts(profile_facts)
    disclosure.register_settler(settle)
