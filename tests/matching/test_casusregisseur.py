"""The casusregisseur follows the case to the end (issue 12.5).

SOK art. 1a: the casusregisseur is the Wmo-consultant of the participating municipality; Bijlage 2 /
DPIA §3: the regisseur gives that consultant three feedbacks, the second being "het
bemiddelingsprofiel zoals het is opgesteld". So from the share on, the own municipality's consultant
reads the profile, the match, the trajectory and its end, read only; another municipality's consultant
gets a 404 with a logged denial. The referral page says where the case stands on the route.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import Evaluation
from referrals import services as referral_services
from referrals.models import FeedbackKind
from woonkans.audit.models import AccessLog, AccessOutcome
from woonkans.privacy import disclosure

from ..referrals.conftest import make_submitted
from .conftest import make_matched, make_shared, org

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _to_submitted(people):
    return make_submitted(people["venlo"]), None


def _to_shared(people):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    return profile.referral, profile


def _to_matched(people):
    profile = make_matched(people)
    return profile.referral, profile


def _to_housed(people):
    referral, profile = _to_matched(people)
    services.record_housing(actor=people["noord"], profile=profile, lease_signed_on=TODAY())
    return referral, profile


def _ended(kind):
    def to_ended(people):
        referral, profile = _to_housed(people)
        services.end_trajectory(
            actor=people["noord"], profile=profile, kind=kind, ended_on=TODAY(), evaluation="Huur niet betaald."
        )
        return referral, profile

    return to_ended


def _to_stopped(people):
    referral, profile = _to_shared(people)
    referral_services.withdraw_consent(actor=people["venlo"], referral=referral, reason="De inwoner wil niet meer.")
    return referral, profile


# stage -> (how to get there, the status the referral page shows, whether a trajectory exists)
STAGES = {
    "submitted": (_to_submitted, "Aangemeld bij Woonkans", False),
    "shared": (_to_shared, "Profiel gedeeld met corporaties", False),
    "matched": (_to_matched, "Gematcht met een corporatie", True),
    "housed": (_to_housed, "Gehuisvest", True),
    "ended_well": (_ended("positive"), "Traject goed afgesloten", True),
    "ended_negatively": (_ended("evicted"), "Traject negatief beëindigd", True),
    "stopped": (_to_stopped, "Toestemming ingetrokken", False),
}


def _status_text(client, referral):
    page = client.get(reverse("referrals:detail", kwargs={"referral_id": referral.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    start = html.index('class="wk-status')
    return html[html.index(">", start) + 1 : html.index("</span>", start)].strip()


def _denied(user, object_id):
    return AccessLog.objects.filter(user=user, object_id=str(object_id), outcome=AccessOutcome.DENIED).exists()


@pytest.mark.parametrize("stage", list(STAGES))
def test_the_own_consultant_follows_each_stage_and_another_municipality_gets_404(client, signed_in, people, stage):
    build, status, has_trajectory = STAGES[stage]
    referral, profile = build(people)

    signed_in(people["venlo"])
    assert _status_text(client, referral) == status
    if profile is not None:
        page = client.get(reverse("matching:profile", kwargs={"profile_id": profile.pk}))
        assert page.status_code == 200
        assert profile.code in page.content.decode()
        listed = profile.code in client.get(reverse("matching:trajectories")).content.decode()
        assert listed == has_trajectory
    if has_trajectory:
        assert client.get(reverse("matching:trajectory", kwargs={"profile_id": profile.pk})).status_code == 200

    signed_in(people["venray"])
    assert client.get(reverse("referrals:detail", kwargs={"referral_id": referral.pk})).status_code == 404
    if profile is not None:
        for name in ("matching:profile", "matching:trajectory"):
            assert client.get(reverse(name, kwargs={"profile_id": profile.pk})).status_code == 404, name
        assert _denied(people["venray"], profile.pk)
        assert profile.code not in client.get(reverse("matching:trajectories")).content.decode()
    assert not disclosure.reconcile([referral.pk], fix=False)


def test_the_consultant_does_not_see_the_draft_profile(client, signed_in, people):
    profile = services.create_profile(actor=people["noord"], referral=make_submitted(people["venlo"]))
    signed_in(people["venlo"])
    assert client.get(reverse("matching:profile", kwargs={"profile_id": profile.pk})).status_code == 404
    assert _denied(people["venlo"], profile.pk)
    assert _status_text(client, profile.referral) == "Bemiddelingsprofiel in opstelling"


@pytest.mark.parametrize("withdraw", ["withdraw_consent", "withdraw_referral"])
def test_a_stop_from_draft_does_not_show_the_consultant_the_draft_profile(client, signed_in, people, withdraw):
    # Feedback 2 (the profile as written) reaches the consultant with the share (DPIA §3): a case that stops
    # while the profile is a draft never disclosed it, so the stop must not disclose it either.
    profile = services.create_profile(actor=people["noord"], referral=make_submitted(people["venlo"]))
    getattr(referral_services, withdraw)(actor=people["venlo"], referral=profile.referral, reason="Gestopt.")
    state = disclosure.case_states([profile.referral_id])[profile.referral_id]
    assert disclosure.stage_of(state) == disclosure.Stage.STOPPED_IN_DRAFT
    signed_in(people["venlo"])
    assert client.get(reverse("matching:profile", kwargs={"profile_id": profile.pk})).status_code == 404
    assert _denied(people["venlo"], profile.pk)
    assert client.get(reverse("referrals:detail", kwargs={"referral_id": profile.referral_id})).status_code == 200
    assert not disclosure.reconcile([profile.referral_id], fix=False)


def test_reads_are_logged_for_the_consultant(client, signed_in, people):
    profile = make_matched(people)
    signed_in(people["venlo"])
    client.get(reverse("matching:profile", kwargs={"profile_id": profile.pk}))
    client.get(reverse("matching:trajectory", kwargs={"profile_id": profile.pk}))
    reads = AccessLog.objects.filter(user=people["venlo"], object_id=str(profile.pk), outcome=AccessOutcome.GRANTED)
    assert reads.count() == 2
    assert set(reads.values_list("purpose", flat=True)) == {"casusregie"}


def test_the_consultant_reads_only(client, signed_in, people):
    referral, profile = _to_housed(people)
    signed_in(people["venlo"])
    html = client.get(reverse("matching:profile", kwargs={"profile_id": profile.pk})).content.decode()
    for action in ("profile_edit", "profile_share", "profile_match", "profile_end", "profile_housed", "message"):
        kwargs = {"profile_id": profile.pk}
        if action == "message":
            kwargs["corporation_id"] = org("Woonwenz").pk
        assert reverse(f"matching:{action}", kwargs=kwargs) not in html, action
    assert "Woonwenz" in html  # the match
    trajectory = reverse("matching:trajectory", kwargs={"profile_id": profile.pk})
    assert 'name="evaluatie"' not in client.get(trajectory).content.decode()
    client.post(trajectory, {"evaluatie": "1", "held_on": TODAY().isoformat(), "notes": "Gaat goed."})
    assert not Evaluation.objects.filter(profile=profile).exists()
    # The regisseur's own pages stay closed to the consultant.
    assert client.get(reverse("matching:profile_edit", kwargs={"profile_id": profile.pk})).status_code == 404


def test_the_trajectory_page_shows_the_end(client, signed_in, people):
    referral, profile = _ended("evicted")(people)
    signed_in(people["venlo"])
    html = client.get(reverse("matching:trajectory", kwargs={"profile_id": profile.pk})).content.decode()
    assert "Negatief: ontruimd" in html
    assert "Traject negatief beëindigd" in html


def test_feedback_2_links_to_the_profile_as_written(client, signed_in, people):
    referral, profile = _to_shared(people)
    referral_services.give_feedback(
        actor=people["noord"], referral=referral, kind=FeedbackKind.PROFILE, text="Het profiel staat klaar."
    )
    link = reverse("matching:profile", kwargs={"profile_id": profile.pk})
    signed_in(people["venlo"])
    html = client.get(reverse("referrals:detail", kwargs={"referral_id": referral.pk})).content.decode()
    feedback = html[html.index('id="h-feedback"') : html.index("</section>", html.index('id="h-feedback"'))]
    assert f'href="{link}"' in feedback
    assert client.get(link).status_code == 200


def test_feedback_2_on_a_draft_does_not_link_yet(client, signed_in, people):
    profile = services.create_profile(actor=people["noord"], referral=make_submitted(people["venlo"]))
    referral_services.give_feedback(
        actor=people["noord"], referral=profile.referral, kind=FeedbackKind.PROFILE, text="In opstelling."
    )
    signed_in(people["venlo"])
    html = client.get(reverse("referrals:detail", kwargs={"referral_id": profile.referral_id})).content.decode()
    assert reverse("matching:profile", kwargs={"profile_id": profile.pk}) not in html
    assert "Het profiel is (nog) niet in te zien." in html


def test_the_municipality_list_shows_the_route_position(client, signed_in, people):
    referral, _profile = _to_housed(people)
    signed_in(people["venlo"])
    html = client.get(reverse("referrals:list")).content.decode()
    assert "Gehuisvest" in html


def test_the_casusregisseur_the_chair_appoints_reads_the_case_it_runs(client, signed_in, people):
    referral, profile = _to_housed(people)
    meeting = services.raise_signal(
        actor=people["woonwenz"], profile=profile, kind="other", text="Overlast.", about=org("Moveoo")
    )
    services.plan_case_meeting(
        actor=people["noord"],
        case_meeting=meeting,
        planned_on=TODAY() + datetime.timedelta(days=3),
        casusregisseur=people["venlo"],
    )
    signed_in(people["venlo"])
    assert client.get(reverse("matching:my_case_meeting", kwargs={"case_meeting_id": meeting.pk})).status_code == 200
    for name in ("matching:profile", "matching:trajectory"):
        assert client.get(reverse(name, kwargs={"profile_id": profile.pk})).status_code == 200, name
