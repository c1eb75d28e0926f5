"""The guarantee fund (SOK Art. 7, Bijlage 3): rounds, an insert-only ledger, claims and their payment.

Money is integer cents. The balance lives in one Fund row, changed with F() under a
row lock and guarded by CHECK (balance >= 0); the ledger is the history that adds up to it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.audit.models import AppendOnlyModel
from woonkans.money import MoneyRule, format_euro
from woonkans.numbering import NumberedMixin, NumberedQuerySet
from woonkans.parties.models import Organisation, OrganisationKind
from woonkans.privacy.models import StoredFileFields
from woonkans.privacy.personal_data import Category, ChangeLog, OnPurge, PersonalData, PersonalField
from woonkans.state import GuardedStatus

# One rule per money column people type: the CHECK below and the form field are both built from it.
# The SOK gives none of them a maximum (Art. 7, Bijlage 3): each is capped by the sanity bound
# woonkans.money.AMOUNT_CEILING_CENTS, not by a rule. The agreement's one amount rule for a claim,
# its total above the deposit (Bijlage 3 §2), is checked when the claim is submitted (services.claims).
DEPOSIT = MoneyRule(min_cents=0)
CLAIM_LINE_AMOUNT = MoneyRule(min_cents=1)
APPROVED_AMOUNT = MoneyRule(min_cents=1)


class Fund(models.Model):
    balance_cents = models.BigIntegerField(default=0)
    dissolved_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData.none()

    class Meta:
        verbose_name = _("garantiefonds")
        verbose_name_plural = _("garantiefondsen")
        constraints = [models.CheckConstraint(condition=models.Q(balance_cents__gte=0), name="fund_never_negative")]

    def __str__(self):
        return f"Garantiefonds ({format_euro(self.balance_cents)})"

    @classmethod
    def get(cls):
        return cls.objects.get_or_create(pk=1)[0]


class RoundKind(models.TextChoices):
    INITIAL = "initial", _("Eerste inleg")
    TOP_UP = "top_up", _("Aanvulling (fonds onder € 25.000)")
    # Art. 9.2c: a party that joins takes part in the fund at once, billed on its own.
    JOINING = "joining", _("Inleg bij toetreding")


class MunicipalBilling(models.TextChoices):
    """How the municipalities' € 50.000 of a round is asked for (Art. 7.3).

    The share of each municipality is always computed by the key; the council advice of 16 April 2024
    (argument 2.3) says it is paid from the regional BW, MO and B&P budget, so one regional payment
    is as valid as thirteen. The treasurer chooses per round.
    """

    PER_MUNICIPALITY = "per_municipality", _("Per gemeente, volgens de verdeelsleutel")
    REGIONAL = "regional", _("Eén betaling uit de regionale begroting BW, MO en B&P")


class ContributionRound(models.Model):
    number = models.PositiveIntegerField(unique=True)
    kind = models.CharField(max_length=10, choices=RoundKind.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("te betalen vóór"))
    triggered_by_entry = models.OneToOneField(
        "LedgerEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="triggered_round"
    )
    municipal_billing = models.CharField(
        _("betaling door de gemeenten"),
        max_length=16,
        choices=MunicipalBilling.choices,
        default=MunicipalBilling.PER_MUNICIPALITY,
    )
    # The municipality that holds the regional BW/MO/B&P budget and pays for all of them; the seed
    # names no holder, so the treasurer chooses it when opening a regional round.
    regional_payer = models.ForeignKey(
        Organisation,
        verbose_name=_("betaalt namens de regio"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    personal_data = PersonalData.none()

    class Meta:
        verbose_name = _("bijdrageronde")
        verbose_name_plural = _("bijdragerondes")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(municipal_billing=MunicipalBilling.REGIONAL, regional_payer__isnull=False)
                    | models.Q(municipal_billing=MunicipalBilling.PER_MUNICIPALITY, regional_payer__isnull=True)
                ),
                name="regional_round_names_its_payer",
            )
        ]

    def __str__(self):
        return f"Ronde {self.number} ({self.get_kind_display()})"

    @property
    def is_regional(self):
        return self.municipal_billing == MunicipalBilling.REGIONAL


class Contribution(models.Model):
    round = models.ForeignKey(ContributionRound, on_delete=models.PROTECT, related_name="contributions")
    party = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contributions")
    amount_cents = models.BigIntegerField()
    received_on = models.DateField(null=True, blank=True)
    ledger_entry = models.OneToOneField(
        "LedgerEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="contribution"
    )

    personal_data = PersonalData.none()

    class Meta:
        verbose_name = _("bijdrage")
        verbose_name_plural = _("bijdragen")
        ordering = ["party__kind", "party__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "party"], name="one_contribution_per_party_per_round"),
            models.CheckConstraint(condition=models.Q(amount_cents__gte=0), name="contribution_not_negative"),
        ]

    def __str__(self):
        return f"{self.party} – {self.round}"

    @property
    def paid_regionally(self):
        """A municipality's share in a regional round: part of the one regional payment, no request of its own."""
        return self.round.is_regional and self.party.kind == OrganisationKind.MUNICIPALITY


class EntryKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("Bijdrage")
    PAYOUT = "payout", _("Uitkering claim")
    DISTRIBUTION = "distribution", _("Uitkering bij opheffing")
    CORRECTION = "correction", _("Correctie")


class LedgerEntry(AppendOnlyModel):
    """One movement of money; never changed. A correction is a new entry that points at the one it reverses."""

    booked_on = models.DateField(_("datum"))
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=14, choices=EntryKind.choices)
    amount_cents = models.BigIntegerField(help_text=_("Positief: in het fonds; negatief: uit het fonds."))
    balance_after_cents = models.BigIntegerField()
    party = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reference = models.CharField(_("kenmerk"), max_length=100, blank=True)
    description = models.CharField(_("omschrijving"), max_length=200, blank=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by")
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    personal_data = PersonalData.none()

    class Meta:
        verbose_name = _("boeking")
        verbose_name_plural = _("grootboek")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(balance_after_cents__gte=0), name="ledger_balance_never_negative")
        ]

    def __str__(self):
        return f"{self.booked_on} {self.get_kind_display()} {format_euro(self.amount_cents)}"


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    FILED = "filed", _("Ingediend voor het Woonkans-overleg")
    DISCUSSED = "discussed", _("Besproken in het Woonkans-overleg")
    CONSULTED = "consulted", _("Partijen geraadpleegd door de voorzitter")
    APPROVED = "approved", _("Goedgekeurd door de voorzitter")
    REJECTED = "rejected", _("Afgewezen")
    AT_MGR = "at_mgr", _("Ingediend bij de MGR")
    RETURNED = "returned", _("Teruggestuurd voor correctie")
    PAID = "paid", _("Uitbetaald")


class TerminationKind(models.TextChoices):
    EVICTED = "evicted", _("Ontruimd")
    LEFT = "left", _("Vertrokken, woont er niet meer")


class Claim(NumberedMixin, GuardedStatus, models.Model):
    """The standard claim form of Bijlage 3. It names the case by its code only."""

    NUMBER_PREFIX = "GF"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The claim's own number: seven claims of one case (same code) stay apart.
    number = models.CharField(_("claimnummer"), max_length=16, unique=True, null=True, editable=False)
    profile = models.ForeignKey("matching.Profile", on_delete=models.PROTECT, related_name="claims")
    code = models.CharField(max_length=12, editable=False)
    corporation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="claims")
    region = models.ForeignKey("parties.Region", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT)
    termination_date = models.DateField(_("datum beëindiging"))
    termination_kind = models.CharField(_("soort beëindiging"), max_length=10, choices=TerminationKind.choices)
    evaluation = models.TextField(_("evaluatie"))
    deposit_cents = models.BigIntegerField(_("borg (centen)"))
    # The corporation's own statement: an input for the chair, not the finding (Bijlage 3 §2).
    no_serious_negligence = models.BooleanField(_("geen ernstige nalatigheid van een partij"), default=False)
    # The corporation asks for maatwerk (art. 7.9) at filing: rules that may be lifted do not stop the
    # filing then; they stop the approval until a consented deviation lifts them.
    asks_deviation = models.BooleanField(_("vraagt maatwerk (art. 7.9)"), default=False)
    deviation_reason = models.TextField(_("toelichting op het verzoek om maatwerk"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    filed_at = models.DateTimeField(null=True, blank=True)
    approved_cents = models.BigIntegerField(null=True, blank=True)
    decision_motivation = models.TextField(blank=True)
    # Bijlage 3 §3: always discussed at the Woonkans-overleg first; recorded from matching's ClaimDiscussed.
    discussed_meeting_id = models.PositiveIntegerField(null=True, blank=True)
    discussed_item_id = models.PositiveIntegerField(null=True, blank=True)
    discussed_on = models.DateField(_("besproken op"), null=True, blank=True)
    # The chair's finding on serious negligence (Bijlage 3 §2), with its reason.
    negligence_found = models.BooleanField(_("ernstige nalatigheid vastgesteld"), null=True, blank=True)
    negligence_reason = models.TextField(_("reden bij de vaststelling over nalatigheid"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    submitted_to_mgr_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    paid_on = models.DateField(null=True, blank=True)
    payment_reference = models.CharField(max_length=100, blank=True)
    payment_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payout = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="claim")

    objects = NumberedQuerySet.as_manager()

    personal_data = PersonalData.of(
        free_text="evaluation",
        case="termination_date termination_kind no_serious_negligence asks_deviation negligence_found",
        fields={
            "code": PersonalField(Category.PSEUDONYMOUS, label=_("code")),
            "corporation": PersonalField(Category.CASE, label=_("corporatie")),
            "region": PersonalField(Category.CASE, label=_("regio")),
            "status": PersonalField(Category.CASE, label=_("status")),
            # Amounts and payment stay after the purge: the fund's money trail, named by the code only.
            "deposit_cents": PersonalField(Category.FINANCIAL, kept_on_purge=True),
            "created_at": PersonalField(Category.CASE, label=_("aangemaakt op")),
            "filed_at": PersonalField(Category.CASE, label=_("ingediend op")),
            "approved_cents": PersonalField(
                Category.FINANCIAL, label=_("toegekend bedrag (centen)"), kept_on_purge=True
            ),
            "decision_motivation": PersonalField(Category.FREE_TEXT, label=_("motivering van het besluit")),
            "deviation_reason": PersonalField(Category.FREE_TEXT, label=_("toelichting op het verzoek om maatwerk")),
            "discussed_meeting_id": PersonalField(Category.CASE, label=_("overleg")),
            "discussed_item_id": PersonalField(Category.CASE, label=_("agendapunt")),
            "discussed_on": PersonalField(Category.CASE, label=_("besproken op")),
            "negligence_reason": PersonalField(
                Category.FREE_TEXT, label=_("reden bij de vaststelling over nalatigheid")
            ),
            "decided_at": PersonalField(Category.CASE, label=_("besloten op")),
            "submitted_to_mgr_at": PersonalField(Category.CASE, label=_("ingediend bij de MGR op")),
            "return_reason": PersonalField(Category.FREE_TEXT, label=_("reden van terugsturen")),
            "paid_on": PersonalField(Category.CASE, label=_("betaald op")),
            "payment_reference": PersonalField(Category.FINANCIAL, label=_("betalingskenmerk"), kept_on_purge=True),
            "payout": PersonalField(Category.FINANCIAL, label=_("uitbetaling"), kept_on_purge=True),
        },
        not_personal="id number profile created_by decided_by payment_confirmed_by",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        verbose_name = _("claim op het garantiefonds")
        verbose_name_plural = _("claims op het garantiefonds")
        ordering = ["-created_at"]
        permissions = [("pay_claim", "Can pay approved claims (MGR treasurer)")]
        indexes = [
            # The claims list's default order (newest filed first, concepts last): the page is read
            # in index order and stops after its rows, instead of sorting every visible claim.
            models.Index(
                models.F("filed_at").desc(nulls_last=True),
                models.F("created_at").desc(nulls_last=True),
                models.F("id").desc(),
                name="claim_list_order",
            ),
            # Who sees which claims (selectors._visible_claims): the regisseurs their region's filed
            # claims, the treasurer three statuses; the list's capped count reads only this index.
            models.Index(fields=["region", "status"], name="claim_region_status"),
            models.Index(fields=["status"], name="claim_status"),
            # The treasurer's home counts the claims at the MGR up to 99 from the longest waiting
            # (guarantee_fund.selectors.CLAIM_WORK): with ``claim_status`` alone it read and sorted all
            # of them (866 at 100 000 cases, 81 buffers); this index is walked in that order and stops.
            models.Index(
                fields=["submitted_to_mgr_at"], condition=models.Q(status="at_mgr"), name="claim_at_mgr_since"
            ),
        ]
        constraints = [
            DEPOSIT.check("deposit_cents", name="deposit_in_range"),
            APPROVED_AMOUNT.check("approved_cents", name="approved_amount_in_range", nullable=True),
        ]

    def __str__(self):
        return f"Claim {self.number or self.code}"

    @property
    def claimed_cents(self):
        # The list annotates the sum (one query for all rows); the detail page sums its lines.
        if "claimed_total" in self.__dict__:
            return self.__dict__["claimed_total"] or 0
        return sum(line.amount_cents for line in self.lines.all())

    @property
    def is_partial(self):
        return self.approved_cents is not None and self.approved_cents < self.claimed_cents


class CostCategory(models.TextChoices):
    REPAIR = "repair", _("Herstel- en mutatiekosten")
    LEGAL = "legal", _("Juridische (proces)kosten")
    RENT = "rent", _("Huurachterstand / huurderving")
    EVICTION = "eviction", _("Ontruimingskosten")


class ClaimLine(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(_("categorie"), max_length=10, choices=CostCategory.choices)
    description = models.CharField(_("omschrijving"), max_length=200)
    amount_cents = models.BigIntegerField(_("bedrag (centen)"))
    period_from = models.DateField(_("periode van"), null=True, blank=True)
    period_to = models.DateField(_("periode tot en met"), null=True, blank=True)
    mediation_exhausted = models.BooleanField(_("reguliere bemiddeling was uitgeput"), default=False)
    # Repair costs restore what the inspection form (opnameformulier) lists (Bijlage 3 §2): the item there.
    inspection_item = models.CharField(_("post op het opnameformulier"), max_length=120, blank=True)

    personal_data = PersonalData.of(
        case="period_from period_to mediation_exhausted",
        fields={
            "inspection_item": PersonalField(Category.FINANCIAL, kept_on_purge=True),
            "category": PersonalField(Category.FINANCIAL, kept_on_purge=True),
            "description": PersonalField(Category.FINANCIAL, kept_on_purge=True),
            "amount_cents": PersonalField(Category.FINANCIAL, kept_on_purge=True),
        },
        not_personal="id claim",
        on_purge=OnPurge.KEEP,
    )

    class Meta:
        verbose_name = _("kostenpost van een claim")
        verbose_name_plural = _("kostenposten van claims")
        ordering = ["category", "id"]
        constraints = [CLAIM_LINE_AMOUNT.check("amount_cents", name="claim_line_amount_in_range")]

    def __str__(self):
        return f"{self.get_category_display()}: {format_euro(self.amount_cents)}"


class ClaimDocument(StoredFileFields):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    description = models.CharField(_("omschrijving"), max_length=120)

    personal_data = PersonalData.of(
        identifying="file_name",
        free_text="description",
        fields={
            "path": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.EXCLUDE, exported=False),
            "content_type": PersonalField(Category.CASE, label=_("bestandstype")),
            "size": PersonalField(Category.CASE, label=_("grootte (bytes)")),
            "sha256": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.EXCLUDE, exported=False),
            "uploaded_at": PersonalField(Category.CASE, label=_("geüpload op")),
        },
        not_personal="uploaded_by id claim",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        verbose_name = _("document bij een claim")
        verbose_name_plural = _("documenten bij claims")

    def __str__(self):
        return self.file_name


class ClaimConsultation(models.Model):
    """The chair's consultation of the case's parties before deciding (SOK art. 7.8): who, when, outcome."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="consultations")
    organisations = models.ManyToManyField(Organisation, related_name="+", verbose_name=_("geraadpleegde partijen"))
    consulted_on = models.DateField(_("geraadpleegd op"))
    outcome = models.TextField(_("uitkomst"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData.of(
        free_text="outcome",
        case="consulted_on",
        fields={
            "recorded_at": PersonalField(Category.CASE, label=_("vastgelegd op")),
        },
        not_personal="id claim recorded_by",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        verbose_name = _("raadpleging over een claim")
        verbose_name_plural = _("raadplegingen")
        ordering = ["consulted_on", "id"]

    def __str__(self):
        return f"Raadpleging {self.consulted_on}"


class DeviationStatus(models.TextChoices):
    REQUESTED = "requested", _("Ter stemming in het Woonkans-overleg")
    CONSENTED = "consented", _("Instemming van de aanwezigen")
    REFUSED = "refused", _("Geen instemming van de aanwezigen")


class ClaimDeviation(GuardedStatus, models.Model):
    """Maatwerk (SOK art. 7.9): the chair asks to lift named rules for one claim; those present vote.

    Only a consented deviation lifts anything, and only the rules it names (guarantee_fund.rules).
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="deviations")
    rules = models.JSONField(_("regels die vervallen"), default=list)
    motivation = models.TextField(_("motivering"))
    status = models.CharField(max_length=10, choices=DeviationStatus.choices, default=DeviationStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    meeting_id = models.PositiveIntegerField(null=True, blank=True)
    item_id = models.PositiveIntegerField(null=True, blank=True)
    voted_on = models.DateField(_("gestemd op"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    present = models.PositiveIntegerField(null=True, blank=True)

    personal_data = PersonalData.of(
        free_text="motivation",
        case="voted_on",
        fields={
            "rules": PersonalField(Category.CASE, label=_("regels die vervallen")),
            "status": PersonalField(Category.CASE, label=_("status")),
            "requested_at": PersonalField(Category.CASE, label=_("gevraagd op")),
            "meeting_id": PersonalField(Category.CASE, label=_("overleg")),
            "item_id": PersonalField(Category.CASE, label=_("agendapunt")),
            "votes_for": PersonalField(Category.CASE, label=_("stemmen voor")),
            "present": PersonalField(Category.CASE, label=_("aanwezig")),
        },
        not_personal="id claim requested_by",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        verbose_name = _("maatwerk bij een claim")
        verbose_name_plural = _("maatwerk bij claims")
        ordering = ["requested_at", "id"]

    def __str__(self):
        return f"Maatwerk {self.pk}"

    @property
    def rule_labels(self):
        from .rules import rule_labels

        return rule_labels(self.rules)
