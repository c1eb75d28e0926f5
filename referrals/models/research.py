"""What the consultant's research found, and the resident's consent to share it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.choices import Origin
from woonkans.parties.models import Organisation
from woonkans.privacy.personal_data import Category, OnPurge, PersonalData, PersonalField

from .referral import Referral


class ContractForm(models.TextChoices):
    PROVIDER_LEASE = "provider_lease", _("Huurcontract op naam van de zorgaanbieder")
    LINKED_CARE = "linked_care", _("Huurcontract met gekoppelde zorgafspraken")
    UNDECIDED = "undecided", _("Nog te bepalen in het overleg")


class Research(models.Model):
    """The keukentafelgesprek: the seven life domains and what matters for housing."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="research", primary_key=True)
    housing_situation = models.TextField(_("Woonsituatie"), blank=True)
    household_care = models.TextField(_("Huishouden en persoonlijke verzorging"), blank=True)
    daytime_activities = models.TextField(_("Daginvulling en dagbesteding"), blank=True)
    finances = models.TextField(_("Financiën en schulden"), blank=True)
    social_network = models.TextField(_("Sociale contacten, netwerk en mantelzorg"), blank=True)
    mobility = models.TextField(_("Mobiliteit"), blank=True)
    social_self_reliance = models.TextField(_("Sociale redzaamheid"), blank=True)
    support_need = models.TextField(_("Ondersteuningsbehoefte"), blank=True)
    support_need_about_living = models.BooleanField(
        _("De ondersteuningsbehoefte hangt samen met het zelfstandig leren wonen"), default=False
    )
    regular_route_motivation = models.TextField(_("Waarom lukt huren via de reguliere weg niet?"), blank=True)
    origin = models.CharField(_("Waar komt de inwoner vandaan?"), max_length=20, choices=Origin.choices, blank=True)
    origin_other = models.CharField(_("Anders, namelijk"), max_length=200, blank=True)
    status_holder = models.BooleanField(_("De inwoner is statushouder"), default=False)
    labour_migrant = models.BooleanField(_("De inwoner is arbeidsmigrant"), default=False)
    negative_rental_history = models.BooleanField(_("Negatieve huurhistorie"), default=False)
    rental_arrears = models.BooleanField(_("Huurachterstand"), default=False)
    rental_nuisance = models.BooleanField(_("Overlast"), default=False)
    rental_history_notes = models.TextField(_("Toelichting op de huurhistorie"), blank=True)
    search_area = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        verbose_name=_("Voorkeur zoekgebied"),
        limit_choices_to={"kind": "municipality"},
    )
    dwelling_needs = models.TextField(_("Passende woning"), blank=True)
    neighbourhood_needs = models.TextField(_("Passende wijk of buurt"), blank=True)
    contract_form = models.CharField(_("Contractvorm"), max_length=20, choices=ContractForm.choices, blank=True)
    guardianship = models.BooleanField(_("Er is bewindvoering"), default=False)
    guardianship_notes = models.TextField(_("Toelichting bewindvoering"), blank=True)
    safety_plan_needed = models.BooleanField(_("Een veiligheidsplan is nodig"), default=False)

    personal_data = PersonalData.of(
        special=(
            "housing_situation household_care daytime_activities social_network mobility social_self_reliance "
            "support_need support_need_about_living origin origin_other status_holder labour_migrant "
            "safety_plan_needed"
        ),
        financial="finances negative_rental_history rental_arrears guardianship guardianship_notes",
        free_text="regular_route_motivation rental_nuisance rental_history_notes dwelling_needs neighbourhood_needs",
        case="contract_form",
        not_personal="referral",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        verbose_name = _("onderzoek")
        verbose_name_plural = _("onderzoeken")

    def __str__(self):
        return f"Onderzoek bij {self.referral}"


class Consent(models.Model):
    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="consent", primary_key=True)
    support_plan_signed_on = models.DateField(_("ondersteuningsplan ondertekend op"))
    informed_of_sharing = models.BooleanField(_("geïnformeerd over wat met wie wordt gedeeld en waarom"))
    informed_of_rights = models.BooleanField(_("geïnformeerd over de rechten (AVG art. 15–18 en 21)"))
    privacy_statement_version = models.CharField(_("versie privacyverklaring"), max_length=20)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    personal_data = PersonalData.of(
        case="support_plan_signed_on informed_of_sharing informed_of_rights privacy_statement_version",
        fields={
            "recorded_at": PersonalField(Category.CASE, label=_("vastgelegd op")),
            "withdrawn_at": PersonalField(Category.CASE, label=_("ingetrokken op")),
            "withdrawal_reason": PersonalField(Category.FREE_TEXT, label=_("reden van intrekken")),
        },
        not_personal="referral recorded_by",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")

    def __str__(self):
        return f"Toestemming bij {self.referral}"

    @property
    def is_valid(self):
        return self.withdrawn_at is None and self.informed_of_sharing and self.informed_of_rights
