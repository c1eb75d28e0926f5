"""Who the resident is: kept in its own table so later stages never need to load it."""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from woonkans.privacy.fields import EncryptedTextField
from woonkans.privacy.personal_data import Category, ChangeLog, OnPurge, PersonalData, PersonalField

from .referral import Referral


class Sex(models.TextChoices):
    FEMALE = "female", _("Vrouw")
    MALE = "male", _("Man")
    OTHER = "other", _("Anders")
    UNKNOWN = "unknown", _("Niet bekend")


class Identity(models.Model):
    """Everything that identifies the resident. Only the municipality, the region's regisseurs
    and (after a match) the matched corporation and provider ever load this."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="identity", primary_key=True)
    given_name = models.CharField(_("voornaam"), max_length=100)
    family_name = models.CharField(_("achternaam"), max_length=150)
    bsn = EncryptedTextField(_("BSN"), blank=True)
    bsn_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    birth_date = models.DateField(_("geboortedatum"), null=True, blank=True)
    sex = models.CharField(_("geslacht"), max_length=10, choices=Sex.choices, blank=True)
    street_address = models.CharField(_("straat en huisnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("woonplaats"), max_length=100, blank=True)
    phone = models.CharField(_("telefoonnummer"), max_length=20, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)

    personal_data = PersonalData.of(
        identifying="given_name family_name sex city",
        fields={
            "bsn": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.EXCLUDE),
            "bsn_index": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.EXCLUDE, exported=False),
            # Address, contact and birth date are starred out by half in the change log; the name stays
            # readable there, so a change can be traced to its case.
            "birth_date": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.MASK),
            "street_address": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.MASK),
            "postcode": PersonalField(Category.IDENTIFYING, label=_("postcode"), change_log=ChangeLog.MASK),
            "phone": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.MASK),
            "email": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.MASK),
        },
        not_personal="referral",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        verbose_name = _("identiteit")
        verbose_name_plural = _("identiteiten")

    def __str__(self):
        return f"Identiteit bij {self.referral}"

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}".strip()

    def age_on(self, day: date):
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
