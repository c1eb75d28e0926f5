"""Regions, organisations and their reference figures.

Parties are data, not code: they join and leave (SOK Art. 9, 10). Each
organisation owns one auth group that later stages grant object permissions to.
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

# The whole distribution key: 100 percent. The field validator and the CHECK use this one number.
WHOLE_KEY_BASIS_POINTS = 10_000


class Region(models.Model):
    name = models.CharField(_("naam"), max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    annual_housing_target = models.PositiveIntegerField(_("jaardoelstelling woningen"))
    code_letter = models.CharField(
        _("letter in profielcodes"), max_length=1, unique=True, help_text=_("Bijvoorbeeld N voor WK-N-…")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("regio")
        verbose_name_plural = _("regio's")

    def __str__(self):
        return self.name


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Gemeente")
    CORPORATION = "corporation", _("Woningcorporatie")
    CARE_PROVIDER = "care_provider", _("Zorg- en welzijnspartner")
    MGR = "mgr", _("MGR (kassier garantiefonds)")
    CHAIN_DIRECTION = "chain_direction", _("Ketenregie")
    OPERATOR = "operator", _("Functioneel beheer")


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(left_on__isnull=True)

    def of_kind(self, kind):
        return self.filter(kind=kind)


def compact_iban(value):
    return "".join((value or "").split()).upper()


def validate_iban(value):
    """ISO 13616: the shape and the mod-97 check digits, so a typing slip never gets paid."""
    from woonkans.privacy.pii_scan.numbers import iban_is_valid

    if not iban_is_valid(compact_iban(value)):
        raise ValidationError(_("Dit is geen geldig IBAN: controleer het rekeningnummer."), code="iban")


def format_iban(value):
    """In groups of four, as on a bank statement: NL91 ABNA 0417 1643 00."""
    compact = compact_iban(value)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


class Organisation(models.Model):
    name = models.CharField(_("naam"), max_length=200, unique=True)
    legal_name = models.CharField(_("statutaire naam"), max_length=300, blank=True)
    slug = models.SlugField(unique=True)
    kind = models.CharField(_("soort"), max_length=32, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("regio"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("Voor gemeenten en ketenregie de eigen regio; voor corporaties de thuisregio."),
    )
    sok_party_number = models.PositiveSmallIntegerField(_("partijnummer in de SOK"), null=True, blank=True)
    joined_on = models.DateField(_("toegetreden op"), null=True, blank=True)
    notice_given_on = models.DateField(_("opgezegd op"), null=True, blank=True)
    left_on = models.DateField(_("uitgetreden op"), null=True, blank=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, editable=False, related_name="organisation")
    # The organisation's bank account: the MGR pays an approved claim to the corporation's (SOK art. 7.7).
    iban = models.CharField(
        _("IBAN"),
        max_length=34,
        blank=True,
        validators=[validate_iban],
        help_text=_("Bijvoorbeeld NL91 ABNA 0417 1643 00."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The group is the organisation's identity for object permissions; it
        # is created with the organisation and follows its slug.
        with transaction.atomic():
            group_name = f"org:{self.slug}"
            if self.group_id is None:
                self.group, _created = Group.objects.get_or_create(name=group_name)
            elif self.group.name != group_name:
                self.group.name = group_name
                self.group.save(update_fields=["name"])
            super().save(*args, **kwargs)

    @property
    def is_active(self):
        return self.left_on is None

    @property
    def iban_display(self):
        return format_iban(self.iban)

    def clean(self):
        super().clean()
        self.iban = compact_iban(self.iban)


class HousingStock(models.Model):
    """Homes a corporation owns in a municipality: decides who may see a profile and fund shares."""

    corporation = models.ForeignKey(
        Organisation,
        verbose_name=_("woningcorporatie"),
        on_delete=models.CASCADE,
        related_name="housing_stock",
        limit_choices_to={"kind": OrganisationKind.CORPORATION},
    )
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("gemeente"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.MUNICIPALITY},
    )
    homes = models.PositiveIntegerField(_("aantal woningen"))
    is_demo_figure = models.BooleanField(
        _("demonstratiecijfer"), default=False, help_text=_("Aangevinkt: dit is geen echt cijfer.")
    )

    class Meta:
        verbose_name = _("woningbezit")
        verbose_name_plural = _("woningbezit")
        ordering = ["corporation__name", "municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["corporation", "municipality"], name="unique_stock_per_municipality"),
        ]

    def __str__(self):
        return f"{self.corporation} – {self.municipality}: {self.homes}"


class DistributionKeyShare(models.Model):
    """A municipality's share of the regional distribution key (Module 2), in basis points."""

    municipality = models.OneToOneField(
        Organisation,
        verbose_name=_("gemeente"),
        on_delete=models.CASCADE,
        related_name="distribution_key_share",
        limit_choices_to={"kind": OrganisationKind.MUNICIPALITY},
    )
    basis_points = models.PositiveIntegerField(
        _("aandeel (basispunten)"),
        help_text=_("1 procent = 100 basispunten; samen 10.000."),
        validators=[
            MaxValueValidator(
                WHOLE_KEY_BASIS_POINTS, message=_("Een aandeel is hoogstens %(limit_value)s basispunten (100 procent).")
            )
        ],
    )
    is_demo_figure = models.BooleanField(
        _("demonstratiecijfer"), default=False, help_text=_("Aangevinkt: dit is geen echt cijfer.")
    )

    class Meta:
        verbose_name = _("verdeelsleutel (aandeel)")
        verbose_name_plural = _("verdeelsleutel")
        ordering = ["municipality__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(basis_points__lte=WHOLE_KEY_BASIS_POINTS), name="key_share_at_most_whole"
            ),
        ]

    def __str__(self):
        return f"{self.municipality}: {self.basis_points / 100:.2f}%"


@dataclass(frozen=True)
class TermPeriod:
    """One period of the agreement: the first four years, or one tacit renewal (SOK Art. 12)."""

    number: int  # 1 = the first term, 2 = the first renewal, ...
    starts_on: datetime.date
    ends_on: datetime.date  # the last day in force
    announce_by: datetime.date  # the last day to tell the werkgroep a party will not renew (Art. 12.2)

    @property
    def is_renewal(self):
        return self.number > 1


class AgreementTerm(models.Model):
    """The cooperation agreement's term and notice periods as data (SOK Art. 10.3, 12): one row, in /beheer/.

    Art. 12.1: in force from 15 April 2024, for four years. Art. 12.2: then renewed tacitly, a year
    each time; a party that will not renew tells the werkgroep at least six months before the end.
    Art. 10.3: a party may leave at any time with two calendar months' notice. Every date the portal
    shows or reminds of is computed here, from these figures.
    """

    starts_on = models.DateField(_("in werking per"), help_text=_("Art. 12.1"))
    initial_years = models.PositiveSmallIntegerField(
        _("eerste looptijd (jaren)"), validators=[MinValueValidator(1)], help_text=_("Art. 12.1")
    )
    renewal_years = models.PositiveSmallIntegerField(
        _("stilzwijgende verlenging (jaren)"), validators=[MinValueValidator(1)], help_text=_("Art. 12.2")
    )
    non_renewal_notice_months = models.PositiveSmallIntegerField(
        _("niet verlengen melden, maanden vóór afloop"), help_text=_("Art. 12.2")
    )
    leaving_notice_months = models.PositiveSmallIntegerField(
        _("opzegtermijn (kalendermaanden)"), validators=[MinValueValidator(1)], help_text=_("Art. 10.3")
    )

    # The SOK's own figures: the data migration writes them, and current() falls back on them.
    SOK = {
        "starts_on": datetime.date(2024, 4, 15),
        "initial_years": 4,
        "renewal_years": 1,
        "non_renewal_notice_months": 6,
        "leaving_notice_months": 2,
    }

    class Meta:
        verbose_name = _("looptijd van de overeenkomst")
        verbose_name_plural = _("looptijd van de overeenkomst")

    def __str__(self):
        return str(_("Samenwerkingsovereenkomst Woonkans vanaf %(date)s")) % {
            "date": self.starts_on.strftime("%d-%m-%Y")
        }

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls(**cls.SOK)

    def period_on(self, day):
        """The period that holds ``day`` (before the start: the first one)."""
        number, start = 1, self.starts_on
        end = start + relativedelta(years=self.initial_years)  # the first day no longer in this period
        while day >= end:
            number, start = number + 1, end
            end = start + relativedelta(years=self.renewal_years)
        return TermPeriod(
            number=number,
            starts_on=start,
            ends_on=end - datetime.timedelta(days=1),
            announce_by=end - relativedelta(months=self.non_renewal_notice_months) - datetime.timedelta(days=1),
        )

    def next_decision(self, day):
        """The period whose non-renewal date is still to come on ``day``: once it passed, the next renewal's."""
        period = self.period_on(day)
        if day > period.announce_by:
            period = self.period_on(period.ends_on + datetime.timedelta(days=1))
        return period

    def leaving_on(self, notice_on):
        """Art. 10.3: two calendar months after the notice, the party is out."""
        return notice_on + relativedelta(months=self.leaving_notice_months)


class TermReminder(models.Model):
    """A non-renewal reminder that went out (ids and dates only): the daily task never sends one twice."""

    announce_by = models.DateField()
    weeks_before = models.PositiveSmallIntegerField()
    sent_on = models.DateField()

    class Meta:
        verbose_name = _("herinnering looptijd")
        verbose_name_plural = _("herinneringen looptijd")
        constraints = [
            models.UniqueConstraint(fields=["announce_by", "weeks_before"], name="one_term_reminder_per_moment")
        ]

    def __str__(self):
        return f"{self.announce_by} (-{self.weeks_before} w)"


class NumberSequence(models.Model):
    """The last human number handed out per kind and year (woonkans.numbering): WK-2026-0042."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("nummerreeks")
        verbose_name_plural = _("nummerreeksen")
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="one_number_sequence_per_year")]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"
