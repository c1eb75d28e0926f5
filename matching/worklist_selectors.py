"""'Mijn werkvoorraad' for matching's lists (woonkans.worklist): one aggregate query per list.

Each count runs on the same unlogged queryset its list uses (the list itself logs the search when it is
opened); no case is read here, only how many wait and since when.
"""

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.permissions import CONSULTANT_ROLES
from woonkans import worklist

from . import permissions, waiting
from .aftercare_selectors import chair_region, incoming_handovers, open_case_meetings, provider_changes_to_answer
from .models import ProfileStatus, ShareResponse
from .overleg_selectors import _region_meetings
from .selectors import OPEN_CASE_MEETING, _case_meetings_to_run, _corporation_shares, _region_profiles, _trajectories
from .tasks import EVALUATION_INTERVAL

# The regisseur's profiles per status: (status, label, field where the stage starts, lead-time step, order).
REGISSEUR_PROFILES = (
    (ProfileStatus.DRAFT, _("Bemiddelingsprofielen om te schrijven en te delen"), "created_at", "", 20),
    (ProfileStatus.SHARED, _("Gedeelde profielen: reacties en aanbiedingen"), "shared_at", "", 30),
    # matched_at: the match's own moment, kept on the profile (matching_profile_matched walks it).
    (ProfileStatus.MATCHED, _("Gematcht, huurcontract nog niet getekend"), "matched_at", "matched", 40),
)


def _regisseur_rows(user):
    role = worklist.role_of(user, permissions.REGISSEUR_ROLES)
    profiles = reverse("matching:profiles")
    # Each status walks its (status, start) index and probes the grants, stopping at the cap.
    by_status = worklist.measure_by(
        _region_profiles(user, probe=True),
        "status",
        {status: field for status, _label, field, _step, _order in REGISSEUR_PROFILES},
    )
    rows = [
        worklist.WorkCount(
            role=role,
            key=f"matching.profiles.{status}",
            label=str(label),
            count=by_status[status][0],
            capped=by_status[status][1],
            url=f"{profiles}?status={status}",
            since=by_status[status][2],
            step=step,
            order=order,
        )
        for status, label, _field, step, order in REGISSEUR_PROFILES
    ]
    # A dwelling offered: the overleg decides (lead-time step "offer", from the first open offer, kept on
    # the profile). An open offer answer always has its offer, so offered_at is set for each of these
    # profiles; saying so lets the count walk the partial index matching_profile_offered and probe grants.
    offered = _region_profiles(user, ProfileStatus.SHARED, share_response=ShareResponse.OFFER, probe=True).filter(
        offered_at__isnull=False
    )
    rows.append(
        worklist.row(
            role,
            "matching.profiles.offers",
            _("Aanbiedingen van corporaties: besluit in het overleg"),
            offered,
            "offered_at",
            f"{profiles}?status={ProfileStatus.SHARED}&shares__response={ShareResponse.OFFER}",
            step="offer",
            order=25,
        )
    )
    # Questions of corporations in a profile's thread, the regisseur's answer still to come: kept on the
    # profile (question_at), so the count walks the partial index matching_profile_question and probes grants.
    rows.append(
        worklist.row(
            role,
            "matching.profiles.questions",
            _("Vragen van corporaties om te beantwoorden"),
            waiting.with_question_waiting(_region_profiles(user, probe=True)),
            "question_at",
            f"{profiles}?question_waiting=true",
            age_unit="days",
            order=27,
        )
    )
    # The overleg's meetings not yet held: the agenda to prepare; one whose date has passed still needs its
    # minutes finished (overdue).
    today = timezone.localdate()
    meetings = (
        _region_meetings(user, held=False)
        .order_by()
        .aggregate(n=Count("pk"), first=Min("date"), late=Count("pk", filter=Q(date__lt=today)))
    )
    rows.append(
        worklist.WorkCount(
            role=role,
            key="matching.meetings",
            label=str(_("Woonkans-overleg voorbereiden of afronden")),
            count=meetings["n"],
            url=f"{reverse('matching:meetings')}?held=false",
            due=meetings["first"],
            overdue=meetings["late"],
            order=50,
        )
    )
    region = chair_region(user)
    if region is not None:
        aftercare = reverse("matching:aftercare")
        rows.append(
            worklist.row(
                role,
                "matching.signals",
                _("Signalen: casusoverleg nodig?"),
                open_case_meetings(region),
                "signalled_at",  # the signal's created_at, on the meeting (matching_cm_region_open)
                f"{aftercare}#h-signals",
                age_unit="days",
                order=60,
            )
        )
        rows.append(
            worklist.row(
                role,
                "matching.handovers",
                _("Warme overdrachten naar je regio"),
                incoming_handovers(region),
                "proposed_at",
                f"{aftercare}#h-incoming",
                age_unit="days",
                order=70,
            )
        )
    return rows


def _trajectory_rows(user):
    """The matched corporation and the linked provider: leases still to sign, evaluations due (Art. 5.2c)."""
    role = worklist.role_of(user, (*permissions.CORPORATION_ROLES, *permissions.PROVIDER_ROLES))
    trajectories = reverse("matching:trajectories")
    rows = []
    if user.has_role(*permissions.CORPORATION_ROLES):
        rows.append(
            worklist.row(
                role,
                "matching.trajectories.matched",
                _("Gematcht, huurcontract nog niet vastgelegd"),
                # Matched means no lease and no end yet (record_housing, end_trajectory): saying so lets the
                # count walk the partial index matching_match_corp_open, not every match of the corporation.
                _trajectories(user).filter(
                    profile__status=ProfileStatus.MATCHED, lease_signed_on__isnull=True, ended_on__isnull=True
                ),
                "matched_at",
                f"{trajectories}?status={ProfileStatus.MATCHED}",
                step="matched",
                order=30,
            )
        )
    today = timezone.localdate()
    overdue_before = today - EVALUATION_INTERVAL
    due = waiting.with_evaluation_due(_trajectories(user), today)
    # Both counts walk the side's partial index (evaluation_due_from, kept on the match) in the order the
    # evaluations fall due and stop at the cap, in one query; the first row is the earliest date.
    (count, capped, first), (late, _late_capped, _none) = worklist.measure_many(
        [(due, "evaluation_due_from"), (due.filter(evaluation_due_from__lt=overdue_before), None)]
    )
    rows.append(
        worklist.WorkCount(
            role=role,
            key="matching.trajectories.evaluation",
            label=str(_("Evaluaties van trajecten (bijna) nodig")),
            count=count,
            capped=capped,
            url=f"{trajectories}?evaluation_due=true",
            due=waiting.evaluation_due_on(first) if first else None,
            overdue=late,
            order=35,
        )
    )
    return rows


def worklist_counts(user):
    rows = []
    if user.has_role(*permissions.REGISSEUR_ROLES) and user.organisation_id:
        rows += _regisseur_rows(user)
    if user.has_role(*permissions.CORPORATION_ROLES) and user.organisation_id:
        rows.append(
            worklist.row(
                permissions.CORPORATION_ROLES[0],
                "matching.table.awaiting",
                _("Gedeelde profielen zonder reactie"),
                _corporation_shares(user, awaiting=True),
                "shared_at",
                f"{reverse('matching:table')}?responded_at__isnull=true",
                step="shared",
                order=10,
            )
        )
        rows.append(
            worklist.row(
                permissions.CORPORATION_ROLES[0],
                "matching.table.messages",
                _("Berichten van de regisseur die op je wachten"),
                waiting.with_message_waiting(_corporation_shares(user)),
                "message_at",
                f"{reverse('matching:table')}?message_waiting=true",
                age_unit="days",
                order=15,
            )
        )
    if user.has_role(*permissions.CORPORATION_ROLES, *permissions.PROVIDER_ROLES) and user.organisation_id:
        rows += _trajectory_rows(user)
    if user.has_role(*permissions.PROVIDER_ROLES) and user.organisation_id:
        rows.append(
            worklist.row(
                permissions.PROVIDER_ROLES[0],
                "matching.provider_changes",
                _("Verzoeken om een traject over te nemen"),
                provider_changes_to_answer(user=user),
                "proposed_at",
                f"{reverse('matching:trajectories')}#h-proposals",
                age_unit="days",
                order=20,
            )
        )
    if user.has_role(*CONSULTANT_ROLES):
        # The consultant as appointed casusregisseur: the case meetings still to plan or to hold.
        meetings = _case_meetings_to_run(user, OPEN_CASE_MEETING).order_by().aggregate(n=Count("pk"))
        rows.append(
            worklist.WorkCount(
                role=CONSULTANT_ROLES[0],
                key="matching.case_meetings",
                label=str(_("Casusoverleggen die je voert")),
                count=meetings["n"],
                url=f"{reverse('matching:my_case_meetings')}?status=requested&status=planned",
                order=40,
            )
        )
    return rows
