"""The case itself, and the per-object permission tables its grants are written to."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from woonkans.numbering import NumberedMixin, NumberedQuerySet
from woonkans.parties.models import Organisation, Region
from woonkans.privacy.personal_data import Category, OnPurge, PersonalData, PersonalField
from woonkans.state import GuardedStatus

from ..workflow import COARSE, Status

# DPIA §10 (Bewaartermijnen; Wmo art. 5.3.4, selectielijst 3.1.5): a resident who was eligible for
# Woonkans is kept 15 years, one who was not 5. A case never judged is kept as not eligible.
ELIGIBLE_RETENTION_YEARS = 15
NOT_ELIGIBLE_RETENTION_YEARS = 5
# The one rule, by ``Referral.eligible``: the model's ``retention_years`` and the purge's query
# (woonkans.privacy.retention.cases_due) are both read from it.
RETENTION_YEARS_BY_ELIGIBLE = {
    True: ELIGIBLE_RETENTION_YEARS,
    False: NOT_ELIGIBLE_RETENTION_YEARS,
    None: NOT_ELIGIBLE_RETENTION_YEARS,
}

# Waiting in the regisseurs' inbox ("Nieuwe aanmeldingen"): submitted, and no profile started yet. The
# referral stays "submitted" while its profile is written (Bijlage 2 step 4 is one step), so the start of
# the profile is recorded on the referral itself: the inbox, the home's counter and the partial index
# that serves both read this one condition.
WAITING_IN_INBOX = Q(status=Status.SUBMITTED, profile_started_at__isnull=True)
# Submitted, still open, and the regisseur's first feedback (randvoorwaarden) not given: the lead-time step
# "feedback_1" (leadtimes.waiting) reads this condition on the partial index that holds just these cases.
# Feedback 1 is recorded on the referral (referrals.services.give_feedback): "no such feedback row" is an
# anti-join no index can stop early, and read every submitted case of the region.
AWAITING_PRECONDITIONS_FEEDBACK = Q(
    submitted_at__isnull=False, closed_at__isnull=True, preconditions_feedback_at__isnull=True
)
# Lead-time steps "feedback_2" (the profile shared, the regisseur's feedback on it not given) and "feedback_3"
# (matched, the feedback on the placement not given): each is kept on the referral as the moment the step
# started, set by the service that starts it (mark_profile_shared, mark_matched) and cleared by give_feedback.
# One column each, so the planner knows how few cases wait (a condition over two columns that go together,
# "matched and no feedback", it estimated at a fifth of all cases and read them all); the partial indexes
# hold just the waiting cases in the order of the step's start.
AWAITING_PROFILE_FEEDBACK = Q(profile_feedback_due_since__isnull=False)
AWAITING_PLACEMENT_FEEDBACK = Q(placement_feedback_due_since__isnull=False)
# The FeedbackKind (its value) that ends each step, and the field that holds the step's start.
FEEDBACK_DUE_SINCE = {2: "profile_feedback_due_since", 3: "placement_feedback_due_since"}


class Referral(NumberedMixin, GuardedStatus, models.Model):
    NUMBER_PREFIX = "WK"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The human case number (woonkans.numbering); the corporations never see it (docs/lists.md).
    number = models.CharField(_("zaaknummer"), max_length=16, unique=True, null=True, editable=False)
    municipality = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("gemeente")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("regio"))
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.REPORTED)
    reported_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("gemeld door"),
    )
    reported_with_mandate = models.BooleanField(_("gemeld met mandaat van de inwoner"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    research_started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Set with the profile, in its transaction (referrals.services.mark_profile_started): the case leaves the
    # inbox. An anti-join over the profiles would read every submitted case of the region per page view.
    profile_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The first feedback of kind "randvoorwaarden", set with it (give_feedback): AWAITING_PRECONDITIONS_FEEDBACK.
    preconditions_feedback_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Since when the feedback on the shared profile (kind 2) and on the placement (kind 3) is due: the profile's
    # first share (its shared_at) and the match (its matched_at); None when not started or given.
    profile_feedback_due_since = models.DateTimeField(null=True, blank=True, editable=False)
    placement_feedback_due_since = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField(_("reden"), blank=True)
    eligible = models.BooleanField(_("behoort tot de doelgroep"), null=True, blank=True)
    eligibility_checked_at = models.DateTimeField(null=True, blank=True)
    exception_granted = models.BooleanField(default=False)
    # DPIA §10: a legal hold (litigation, a supervisor's inquiry) stops the retention purge.
    legal_hold = models.BooleanField(_("juridische bewaarplicht (niet opschonen)"), default=False)
    # GDPR art. 18: while set, the case is read-only and its shares are paused (subject_rights).
    restricted_at = models.DateTimeField(_("verwerking beperkt sinds"), null=True, blank=True, editable=False)
    # Set by woonkans.privacy.retention.purge_case: the personal data of this case is gone.
    purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The case points at its anonymous monitoring fact; nothing points back (monitoring.models).
    fact = models.OneToOneField(
        "monitoring.CaseFact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    objects = NumberedQuerySet.as_manager()

    personal_data = PersonalData.of(
        free_text="closed_reason",
        case="municipality region reported_by reported_with_mandate eligible legal_hold restricted_at",
        fields={
            "status": PersonalField(Category.CASE, label=_("status")),
            "created_at": PersonalField(Category.CASE, label=_("aangemaakt op")),
            "updated_at": PersonalField(Category.CASE, label=_("laatst gewijzigd op")),
            "research_started_at": PersonalField(Category.CASE, label=_("onderzoek gestart op")),
            "submitted_at": PersonalField(Category.CASE, label=_("aangemeld op")),
            "profile_started_at": PersonalField(Category.CASE, label=_("bemiddelingsprofiel gestart op")),
            "preconditions_feedback_at": PersonalField(
                Category.CASE, label=_("terugkoppeling randvoorwaarden gegeven op")
            ),
            "profile_feedback_due_since": PersonalField(
                Category.CASE, label=_("terugkoppeling over het profiel te geven sinds")
            ),
            "placement_feedback_due_since": PersonalField(
                Category.CASE, label=_("terugkoppeling over de plaatsing te geven sinds")
            ),
            "closed_at": PersonalField(Category.CASE, label=_("afgesloten op")),
            "eligibility_checked_at": PersonalField(Category.CASE, label=_("doelgroep getoetst op")),
            "exception_granted": PersonalField(Category.CASE, label=_("uitzondering toegekend")),
            "purged_at": PersonalField(Category.CASE, label=_("persoonsgegevens verwijderd op")),
        },
        not_personal="id number created_by fact",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        permissions = [
            ("view_report_status", "Can see the coarse status of a report it made"),
            ("view_identity", "Can see the resident's identity and lease documents (matched corporation)"),
            ("view_contact", "Can see the resident's name and contact data (linked care provider)"),
        ]
        indexes = [
            models.Index(fields=["municipality", "status", "-created_at"]),
            # The restricted cases only (AVG art. 18, a handful): a list of matches checks "not restricted"
            # on the match's referral_id against this (one page, read once) instead of reading each referral.
            models.Index(fields=["id"], condition=models.Q(restricted_at__isnull=False), name="referrals_restricted"),
            # The consultant's list (/aanmeldingen/) in each of its orders (woonkans.lists adds -pk): a
            # page walks one and probes each row's grant, whatever the number of the municipality's cases.
            models.Index(fields=["municipality", "created_at", "id"], name="referrals_muni_created"),
            models.Index(fields=["municipality", "number"], name="referrals_muni_number"),
            models.Index(fields=["municipality", "status", "-id"], name="referrals_muni_status"),
            models.Index(fields=["municipality", "status", "id"], name="referrals_muni_status_desc"),
            # A care provider's own reports (/meldingen/, referrals.selectors.provider_reports) newest first,
            # restricted cases left out as the provider sees them: a page walks the provider's part and probes
            # each row's grant, and the capped count (selectors.counted_reports) reads this index only.
            models.Index(
                fields=["reported_by", "created_at", "id"],
                condition=models.Q(reported_by__isnull=False, restricted_at__isnull=True),
                name="referrals_reporter_created",
            ),
            # The inbox's rows only, in its default order (submitted_at, then the list's "-pk"): a page
            # walks this and stops after its rows; it holds the open inbox, not every case.
            models.Index(fields=["submitted_at", "-id"], condition=WAITING_IN_INBOX, name="referrals_inbox_waiting"),
            # The inbox list of one region (referrals.selectors.regisseur_inbox) in each of its orders: a page
            # walks one and probes each row's grant; the capped total reads the region's waiting cases only.
            models.Index(
                "region",
                "submitted_at",
                models.F("id").desc(),
                condition=WAITING_IN_INBOX,
                name="referrals_inbox_region",
            ),
            models.Index(
                "region",
                models.F("submitted_at").desc(nulls_last=True),
                models.F("id").desc(),
                condition=WAITING_IN_INBOX,
                name="referrals_inbox_region_desc",
            ),
            models.Index(fields=["region", "number"], condition=WAITING_IN_INBOX, name="referrals_inbox_region_number"),
            # Lead-time step "feedback_1" in the order of its start: "Wacht te lang" stops after its limit.
            models.Index(
                fields=["submitted_at", "id"],
                condition=AWAITING_PRECONDITIONS_FEEDBACK,
                name="referrals_awaiting_feedback_1",
            ),
            # Steps "feedback_2" and "feedback_3" in the order of their start: just the cases waiting.
            models.Index(
                fields=["profile_feedback_due_since", "id"],
                condition=AWAITING_PROFILE_FEEDBACK,
                name="referrals_awaiting_feedback_2",
            ),
            models.Index(
                fields=["placement_feedback_due_since", "id"],
                condition=AWAITING_PLACEMENT_FEEDBACK,
                name="referrals_awaiting_feedback_3",
            ),
        ]

    def __str__(self):
        return f"Aanmelding {self.short_reference}"

    @property
    def short_reference(self):
        return self.number or str(self.id)[:8].upper()

    @property
    def coarse_status(self):
        return COARSE[Status(self.status)]

    @property
    def retention_years(self):
        """DPIA §10: 15 years when the resident was eligible, 5 when not (RETENTION_YEARS_BY_ELIGIBLE)."""
        return RETENTION_YEARS_BY_ELIGIBLE[self.eligible]


class ReferralUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)

    personal_data = PersonalData.none()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("recht van een gebruiker op een aanmelding")
        verbose_name_plural = _("rechten van gebruikers op aanmeldingen")


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)

    personal_data = PersonalData.none()

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("recht van een groep op een aanmelding")
        verbose_name_plural = _("rechten van groepen op aanmeldingen")
        # The lists' per-row probe (woonkans.privacy.disclosure.grants): object first, index-only.
        indexes = [models.Index(fields=["content_object", "permission", "group"], name="referrals_rgop_object_perm")]
