"""Demo cases at route steps 5 and 6, housed and ended negatively, in both regions; Noord's overleg of today;
the synthetic cases of --scale and the demo's history (demo_scale)."""

import datetime

from django.conf import settings
from django.utils import timezone

from referrals import demo as referral_demo
from referrals.models import ExceptionRequest, Identity, Referral
from referrals.workflow import Status
from woonkans.accounts.models import User
from woonkans.parties.models import Organisation

from . import services
from .demo_scale import SYNTHETIC_FAMILY_NAME, create_synthetic_cases
from .models import AgendaItemKind, Meeting, Profile, ProfileMessage, ProfileStatus
from .models.profile import sync_message_at, sync_offered_at, sync_question_at
from .models.trajectory import sync_evaluation_due_from

# The demo's history: about a dozen cases a month over 24 months, run through the whole route.
HISTORY = 300

# key, consultant, regisseur, person, share with, match (corporation user, provider user), outcome
DEMO_CASES = [
    (
        "gedeeld-venlo",
        "consulent.venlo",
        "ketenregisseur.noord",
        ("Ilse", "Koopmans", "100000095", 2000, "Tegelseweg 40", "5912 BH", "Venlo"),
        ["Woonwenz", "Antares"],
        None,
        None,
    ),
    (
        "gematcht-venlo",
        "consulent.venlo",
        "ketenregisseur.noord",
        ("Ruben", "Smits", "100000101", 1996, "Eindhovenseweg 7", "5914 AA", "Venlo"),
        ["Woonwenz", "Antares", "Nester"],
        ("corporatie.woonwenz", "zorg.moveoo"),
        None,
    ),
    (
        "gehuisvest-venlo",
        "consulent.venlo",
        "ketenregisseur.noord",
        ("Emma", "Peeters", "100000113", 2002, "Straelseweg 101", "5911 GH", "Venlo"),
        ["Antares", "Woonwenz"],
        ("corporatie.antares", "zorg.legerdesheils"),
        "housed",
    ),
    (
        "gedeeld-roermond",
        "consulent.roermond",
        "procesregisseur.midden",
        ("Yasmina", "Bakkali", "100000125", 1993, "Kapellerlaan 15", "6041 JA", "Roermond"),
        ["Wonen Limburg", "Wonen Zuid"],
        None,
        None,
    ),
    (
        "gematcht-roermond",
        "consulent.roermond",
        "procesregisseur.midden",
        ("Thijs", "Hendrix", "100000137", 1999, "Maastrichterweg 2", "6041 NA", "Roermond"),
        ["Wonen Limburg", "Wonen Zuid"],
        ("corporatie.wonenlimburg", "zorg.moveoo"),
        None,
    ),
    (
        "negatief-roermond",
        "consulent.roermond",
        "ketenregisseur.midden",
        ("Marco", "de Wit", "100000149", 1987, "Roerkade 9", "6041 KL", "Roermond"),
        ["Wonen Limburg"],
        ("corporatie.wonenlimburg", "zorg.legerdesheils"),
        "evicted",
    ),
]

STAGE = {ProfileStatus.SHARED: 5}

# The facts of Bijlage 2 step 4 and SOK art. 5.3a/9.2b per demo case (matching/services/facts.py):
# one needs a safety plan, one is supported by a pgb provider outside the agreement (chair's exception).
SAFETY_PLAN_CASES = {"gematcht-roermond"}
PGB_NON_PARTY_CASES = {"gedeeld-roermond": ("Begeleiding Op Maat Roermond", "ketenregisseur.midden")}


def _facts(users, key, match):
    provider = users[match[1]].organisation if match else Organisation.objects.get(name="Moveoo")
    today = timezone.localdate()
    facts = {
        "care_provider": provider,
        "care_funding": "zin",
        "safety_plan_needed": key in SAFETY_PLAN_CASES,
        "registered_on": today - datetime.timedelta(days=60),
        "registered_by": provider,
    }
    if key in SAFETY_PLAN_CASES:
        facts.update(safety_plan_provider=provider, safety_plan_agreed_on=today - datetime.timedelta(days=20))
    if key in PGB_NON_PARTY_CASES:
        facts.update(care_provider=None, care_provider_other=PGB_NON_PARTY_CASES[key][0], care_funding="pgb")
    return facts


def _aftercare(users, key, profile):
    """After-care to show (docs/after-care.md): an open signal, and a handover waiting for the other chair."""
    if key == "gehuisvest-venlo":
        services.raise_signal(
            actor=users["corporatie.antares"],
            profile=profile,
            kind="support_stalls",
            text="De begeleiding is al drie weken niet langs geweest.",
            about=profile.match.care_provider,
        )
    elif key == "gematcht-roermond":
        noord = Organisation.objects.get(name="Ketenregie Noord-Limburg").region
        services.propose_handover(
            actor=users["ketenregisseur.midden"],
            profile=profile,
            to_region=noord,
            note="Wil dichter bij familie in Venlo wonen; begeleiding door Moveoo loopt door.",
        )


def _progress(users, regisseur, referral, share_with, match, outcome, key=""):
    organisations = {org.name: org for org in Organisation.objects.filter(name__in=share_with)}
    profile = services.create_profile(actor=regisseur, referral=referral)
    profile = services.update_profile(
        actor=regisseur,
        profile=profile,
        expected_version=profile.version,
        data={
            "conclusion": "Kan met ambulante begeleiding zelfstandig wonen.",
            "failure_agreements": "Bij twee maanden huurachterstand volgt direct een casusoverleg.",
            **_facts(users, key, match),
        },
    )
    if key in PGB_NON_PARTY_CASES:
        services.grant_pgb_exception(
            actor=users[PGB_NON_PARTY_CASES[key][1]],
            profile=profile,
            reason="De inwoner krijgt al jaren begeleiding van deze aanbieder; overstappen zou het traject schaden.",
        )
    profile = services.share_profile(
        actor=regisseur, profile=profile, corporations=[organisations[name] for name in share_with]
    )
    if match is None:
        return profile
    corporation_user, provider_user = users[match[0]], users[match[1]]
    share = profile.shares.get(corporation=corporation_user.organisation)
    services.respond_to_profile(
        actor=corporation_user,
        share=share,
        response="offer",
        offer={
            "dwelling_address": "Demostraat 1",
            "dwelling_type": "Eenpersoonsappartement",
            "rent_cents": 61250,
            "available_from": timezone.localdate() + datetime.timedelta(days=30),
        },
    )
    services.record_match(
        actor=regisseur,
        profile=profile,
        corporation=corporation_user.organisation,
        dwelling_address="Demostraat 1",
        intended_date=timezone.localdate() + datetime.timedelta(days=30),
        care_provider=provider_user.organisation,
        corporation_contact=corporation_user,
        provider_contact=provider_user,
        offer=share.offers.first(),
    )
    if outcome in ("housed", "evicted"):
        services.record_housing(
            actor=regisseur, profile=profile, lease_signed_on=timezone.localdate() - datetime.timedelta(days=240)
        )
    if outcome == "evicted":
        services.end_trajectory(
            actor=regisseur,
            profile=profile,
            kind="evicted",
            ended_on=timezone.localdate(),
            evaluation="Huurachterstand van vier maanden; begeleiding kwam niet van de grond.",
        )
    return Profile.objects.get(pk=profile.pk)


# A question thread per shared demo case, its last word waiting for the other side (the home counts it):
# key -> (author, corporation, text, days ago).
DEMO_QUESTIONS = {
    "gedeeld-venlo": (
        "corporatie.woonwenz",
        "Woonwenz",
        "Kan de inwoner ook op een bovenwoning zonder lift wonen?",
        3,
    ),
    "gedeeld-roermond": (
        "procesregisseur.midden",
        "Wonen Limburg",
        "Hebben jullie al naar dit profiel kunnen kijken? Het overleg bespreekt het volgende week.",
        2,
    ),
}


def _questions(users, key, profile):
    if key not in DEMO_QUESTIONS:
        return
    author, corporation, text, days_ago = DEMO_QUESTIONS[key]
    message = services.post_message(
        actor=users[author], profile=profile, corporation=Organisation.objects.get(name=corporation), text=text
    )
    ProfileMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago))
    sync_question_at(profile.pk)  # dated above
    sync_message_at(profile.pk)


# When each demo case took its steps, in days before today: a route of months, as the real ones take.
DEMO_DAYS_AGO = {
    "gedeeld-venlo": {"started": 120, "submitted": 75, "shared": 60},
    "gematcht-venlo": {"started": 200, "submitted": 150, "shared": 135, "matched": 20},
    "gehuisvest-venlo": {"started": 400, "submitted": 350, "shared": 330, "matched": 280, "housed": 240},
    "gedeeld-roermond": {"started": 100, "submitted": 60, "shared": 45},
    "gematcht-roermond": {"started": 260, "submitted": 210, "shared": 190, "matched": 30},
    "negatief-roermond": {
        "started": 700,
        "submitted": 640,
        "shared": 620,
        "matched": 500,
        "housed": 470,
        "ended": 30,
    },
}


def date_case(profile_id, *, started, submitted, shared, matched=None, housed=None, ended=None):
    """Date a demo case's steps as they happened (the services wrote them today): the referral's research,
    the profile and its shares, answers and offers, the match, housing and end, and the timeline."""
    from referrals.models import EventKind, ReferralEvent

    from .models import CaseMeeting, Match, Offer, ProfileShare, ProfileVersion, Signal

    ago = referral_demo._days_ago
    profile = Profile.objects.get(pk=profile_id)
    shared_at = ago(shared)
    Profile.objects.filter(pk=profile_id).update(created_at=shared_at - datetime.timedelta(days=3), shared_at=shared_at)
    ProfileVersion.objects.filter(profile_id=profile_id).update(saved_at=shared_at - datetime.timedelta(days=3))
    ProfileShare.objects.filter(profile_id=profile_id).update(shared_at=shared_at)
    answered = shared_at + datetime.timedelta(days=7)
    ProfileShare.objects.filter(profile_id=profile_id, responded_at__isnull=False).update(responded_at=answered)
    Offer.objects.filter(share__profile_id=profile_id).update(created_at=answered)
    events = ReferralEvent.objects.filter(referral_id=profile.referral_id)
    events.filter(kind=EventKind.PROFILE_SHARED).update(at=shared_at)
    # The moments the services also record on the referral (mark_profile_shared, mark_matched), if still due.
    due = Referral.objects.filter(pk=profile.referral_id)
    due.filter(profile_feedback_due_since__isnull=False).update(profile_feedback_due_since=shared_at)
    if matched is not None:
        matched_at = ago(matched, hour=14)
        Profile.objects.filter(pk=profile_id).update(matched_at=matched_at)
        Match.objects.filter(profile_id=profile_id).update(
            matched_at=matched_at, intended_date=timezone.localdate(matched_at) + datetime.timedelta(days=30)
        )
        Offer.objects.filter(share__profile_id=profile_id).update(
            available_from=timezone.localdate(matched_at) + datetime.timedelta(days=21)
        )
        ProfileShare.objects.filter(profile_id=profile_id, placed_elsewhere=True).update(revoked_at=matched_at)
        events.filter(kind=EventKind.MATCHED).update(at=matched_at)
        due.filter(placement_feedback_due_since__isnull=False).update(placement_feedback_due_since=matched_at)
    if housed is not None:
        housed_on = timezone.localdate(ago(housed))
        Profile.objects.filter(pk=profile_id).update(housed_on=housed_on)
        Match.objects.filter(profile_id=profile_id).update(lease_signed_on=housed_on)
        events.filter(kind=EventKind.HOUSED).update(at=ago(housed), note=housed_on.strftime("%d-%m-%Y"))
        Signal.objects.filter(profile_id=profile_id).update(created_at=ago(20))
        CaseMeeting.objects.filter(profile_id=profile_id).update(signalled_at=ago(20))  # as raise_signal copies it
        events.filter(kind=EventKind.SIGNAL_RAISED).update(at=ago(20))
    if ended is not None:
        ended_on = timezone.localdate(ago(ended))
        Profile.objects.filter(pk=profile_id).update(ended_on=ended_on)
        Match.objects.filter(profile_id=profile_id).update(ended_on=ended_on)
        ProfileShare.objects.filter(profile_id=profile_id, placed_elsewhere=False).update(revoked_at=ago(ended))
        events.filter(kind=EventKind.ENDED).update(at=ago(ended))
    sync_offered_at(profile_id)  # the offers and shares were dated above
    sync_question_at(profile_id)
    sync_message_at(profile_id)
    sync_evaluation_due_from(profile_id)  # the lease was dated above
    referral_demo.date_referral(profile.referral_id, started=started, submitted=submitted)


def manifest_entry(profile):
    referral = Referral.objects.select_related("identity", "region", "municipality", "reported_by").get(
        pk=profile.referral_id
    )
    entry = referral_demo.manifest_entry(referral)
    match = getattr(profile, "match", None)
    entry.update(
        {
            "code": profile.code,
            "stage": 5 if profile.status == ProfileStatus.SHARED else 6,
            "status": profile.status,
            "region": profile.region.name,
            "shared_with": sorted(profile.shares.values_list("corporation__name", flat=True)),
            "matched_corporation": match.corporation.name if match else None,
            "care_provider": match.care_provider.name if match else None,
        }
    )
    return entry


def seed_demo_cases(*, scale=0):
    users = {user.username: user for user in User.objects.filter(is_demo=True).select_related("organisation")}
    entries = []
    for key, consultant, regisseur, person, share_with, match, outcome in DEMO_CASES:
        existing = (
            Identity.objects.filter(given_name=person[0], family_name=person[1], referral__created_by__is_demo=True)
            .select_related("referral")
            .first()
        )
        if existing is not None and hasattr(existing.referral, "profile"):
            profile = existing.referral.profile
        else:
            referral = (
                existing.referral
                if existing
                else referral_demo.build_case(users, consultant, None, Status.SUBMITTED, person, {})
            )
            profile = _progress(users, users[regisseur], referral, share_with, match, outcome, key)
            _aftercare(users, key, profile)
            date_case(profile.pk, **DEMO_DAYS_AGO[key])
            _questions(users, key, profile)
        entries.append(
            manifest_entry(
                Profile.objects.select_related("region", "match__corporation", "match__care_provider").get(
                    pk=profile.pk
                )
            )
        )
    seed_demo_overleg(users)
    # --scale N adds N synthetic cases; without it, the demo's first run adds its history once.
    seeded = Referral.objects.filter(identity__family_name=SYNTHETIC_FAMILY_NAME).exists()
    history = scale or (0 if seeded else getattr(settings, "DEMO_HISTORY_CASES", HISTORY))
    if history:
        create_synthetic_cases(count=history)
    return entries


def seed_demo_overleg(users):
    """Noord's overleg of today: attendance, a discussed and decided profile item whose decision was
    corrected, and an exception request with votes (one changed) that the chair can still decide."""
    chair = users["ketenregisseur.noord"]
    region = chair.organisation.region
    if Meeting.objects.filter(region=region, chair=chair).exists():
        return
    today = timezone.localdate()
    meeting = services.create_meeting(actor=chair, region=region, date=today)
    parties = {org.name: org for org in Organisation.objects.filter(name__in=DEMO_ATTENDANCE)}
    for name in DEMO_ATTENDANCE:
        services.check_in(actor=chair, meeting=meeting, organisation=parties[name])
    profile = Profile.objects.filter(region=region, status=ProfileStatus.SHARED).order_by("created_at").first()
    if profile is not None:
        item = services.add_agenda_item(actor=chair, meeting=meeting, kind=AgendaItemKind.PROFILE, profile=profile)
        services.record_discussion(
            actor=chair, item=item, text="Woonwenz en Antares zoeken een benedenwoning in Venlo-Zuid."
        )
        services.decide_item(actor=chair, item=item, decision="Het profiel blijft gedeeld met Woonwenz en Antares.")
        services.correct_decision(
            actor=chair,
            item=item,
            text="Het profiel blijft gedeeld met Woonwenz en Antares; Nester kijkt ook mee.",
            reason="Nester was vergeten in het besluit.",
        )
    request = ExceptionRequest.objects.filter(region=region, decision=ExceptionRequest.Decision.OPEN).first()
    if request is not None:
        item = services.add_agenda_item(
            actor=chair, meeting=meeting, kind=AgendaItemKind.EXCEPTION, exception_request=request
        )
        votes = [("Gemeente Venray", "for"), ("Woonwenz", "for"), ("Antares", "against"), ("Antares", "for")]
        for name, choice in votes:
            services.record_vote(actor=chair, item=item, organisation=parties[name], choice=choice)


DEMO_ATTENDANCE = ("Ketenregie Noord-Limburg", "Gemeente Venlo", "Gemeente Venray", "Woonwenz", "Antares", "Moveoo")


def manifest_objects():
    """The overleg, after-care and trajectory objects people should look at, with the user who sees them."""
    from django.urls import reverse

    from .models import Decision, Handover, Signal, Vote

    chairs = {"Noord-Limburg": "ketenregisseur.noord", "Midden-Limburg": "ketenregisseur.midden"}
    objects = []

    def add(kind, label, path, region):
        objects.append({"kind": kind, "label": label, "path": path, "user": chairs.get(region, "beheerder")})

    today = timezone.localdate()
    for meeting in Meeting.objects.filter(date=today).select_related("region").order_by("region__name"):
        add(
            "overleg",
            f"Woonkans-overleg van vandaag ({meeting.region.name})",
            _meeting_path(meeting),
            meeting.region.name,
        )
    corrected = (
        Decision.objects.filter(corrects__isnull=False)
        .select_related("item__meeting__region")
        .order_by("item__meeting__date")
        .last()
    )
    if corrected is not None:
        meeting = corrected.item.meeting
        add(
            "overleg_correction",
            f"Overleg met een gecorrigeerd besluit ({meeting.date:%d-%m-%Y})",
            _meeting_path(meeting),
            meeting.region.name,
        )
    voted = (
        Meeting.objects.filter(held=True, items__votes__isnull=False, items__decided=True)
        .select_related("region")
        .order_by("-date")
        .first()
    )
    if voted is not None and Vote.objects.exists():
        add(
            "overleg_votes",
            f"Gehouden overleg met stemmingen ({voted.date:%d-%m-%Y})",
            _meeting_path(voted),
            voted.region.name,
        )
    handover = Handover.objects.select_related("from_region").order_by("-proposed_at").first()
    if handover is not None:
        add(
            "handover",
            "Warme overdracht naar de andere regio",
            reverse("matching:handover", kwargs={"handover_id": handover.pk}),
            handover.from_region.name,
        )
    signal = Signal.objects.select_related("profile__region").order_by("-created_at").first()
    if signal is not None:
        add(
            "signal",
            f"Signaal bij {signal.profile.code}",
            reverse("matching:profile", kwargs={"profile_id": signal.profile_id}),
            signal.profile.region.name,
        )
    return objects


def _meeting_path(meeting):
    from django.urls import reverse

    return reverse("matching:meeting", kwargs={"meeting_id": meeting.pk})
