"""An organisation's OpenID provider and the subjects bound to portal accounts."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.parties.models import Organisation
from woonkans.privacy.fields import EncryptedTextField

from ..models import FourEyesRequest


class MatchOn(models.TextChoices):
    EMAIL = "email", _("E-mailadres van het account")
    USERNAME = "username", _("Gebruikersnaam van het account")


class OidcProviderQuerySet(models.QuerySet):
    def in_use(self):
        """The providers people may sign in with: switched on, and the configuration approved."""
        return self.filter(enabled=True, approved=True)


class OidcProvider(models.Model):
    """Registered by the organisation's administrator; the secret is stored encrypted (Fernet).

    Whoever configures the provider decides who signs in as whom, so a registration or a change of
    it is used only after a second administrator approved it (four eyes, OidcProviderRequest).
    """

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisatie"), on_delete=models.CASCADE, related_name="oidc_provider"
    )
    enabled = models.BooleanField(
        _("actief"), default=True, help_text=_("Alleen actieve inlogdiensten staan op de inlogpagina.")
    )
    issuer = models.URLField(
        _("issuer"),
        max_length=300,
        help_text=_("Het adres van de inlogdienst, precies zoals die het in zijn configuratie noemt."),
    )
    client_id = models.CharField(_("client-id"), max_length=200)
    client_secret = EncryptedTextField(_("client-secret"), help_text=_("Wordt versleuteld opgeslagen."))
    scopes = models.CharField(_("scopes"), max_length=200, default="openid email")
    match_claim = models.CharField(
        _("claim voor het koppelen"),
        max_length=100,
        default="email",
        help_text=_("De claim die bij de eerste keer inloggen het account aanwijst, bijvoorbeeld email."),
    )
    match_on = models.CharField(_("vergelijken met"), max_length=16, choices=MatchOn.choices, default=MatchOn.EMAIL)
    require_email_verified = models.BooleanField(
        _("alleen geverifieerd e-mailadres"),
        default=True,
        help_text=_("Koppelen op e-mailadres alleen als de inlogdienst email_verified=true meegeeft."),
    )
    mfa_amr_values = models.CharField(
        _("amr-waarden die als meervoudige authenticatie tellen"),
        max_length=200,
        blank=True,
        default="mfa",
        help_text=_("Gescheiden door spaties, bijvoorbeeld: mfa otp hwk. Leeg: amr telt niet."),
    )
    mfa_acr_values = models.CharField(
        _("acr-waarden die als meervoudige authenticatie tellen"),
        max_length=300,
        blank=True,
        help_text=_("Gescheiden door spaties. Leeg: acr telt niet."),
    )
    approved = models.BooleanField(
        _("goedgekeurd"),
        default=False,
        editable=False,
        help_text=_("Een nieuwe of gewijzigde inlogdienst werkt pas na goedkeuring door een tweede beheerder."),
    )
    # What the last connection test or failed sign-in found out about the configuration.
    status_ok = models.BooleanField(_("verbinding in orde"), null=True, editable=False)
    status_message = models.CharField(_("laatste melding"), max_length=300, blank=True, editable=False)
    status_at = models.DateTimeField(_("laatst gecontroleerd"), null=True, editable=False)

    objects = OidcProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("inlogdienst (OpenID Connect)")
        verbose_name_plural = _("inlogdiensten (OpenID Connect)")

    def __str__(self):
        return str(self.organisation)

    def amr_values(self):
        return set(self.mfa_amr_values.split())

    def acr_values(self):
        return set(self.mfa_acr_values.split())


class OidcIdentity(models.Model):
    """A provider's subject bound to one portal account at its first sign-in; afterwards only it signs in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("gebruiker"), on_delete=models.CASCADE, related_name="oidc_identity"
    )
    provider = models.ForeignKey(
        OidcProvider, verbose_name=_("inlogdienst"), on_delete=models.CASCADE, related_name="identities"
    )
    subject = models.CharField(_("subject (sub)"), max_length=255)
    bound_at = models.DateTimeField(_("gekoppeld op"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("gekoppeld organisatie-account")
        verbose_name_plural = _("gekoppelde organisatie-accounts")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="one_account_per_oidc_subject"),
        ]

    def __str__(self):
        return f"{self.user} – {self.provider}"


class OidcProviderRequest(FourEyesRequest):
    """A registration or change of a provider's configuration, waiting for a second administrator.

    The same four-eyes record as role and credential requests (``FourEyesRequest``): the database
    refuses a request decided by the administrator who made it. A newer change withdraws the older
    request, so what is approved is always the configuration as it is now.
    """

    # No user is the subject of this request (check_second_administrator asks for one).
    user_id = None

    provider = models.ForeignKey(
        OidcProvider, verbose_name=_("inlogdienst"), on_delete=models.CASCADE, related_name="approval_requests"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("aanmelding inlogdienst")
        verbose_name_plural = _("aanmeldingen inlogdienst")
        constraints = [
            FourEyesRequest.one_pending("provider", name="one_pending_request_per_oidc_provider"),
            FourEyesRequest.decided_by_another("oidc_provider_request_second_administrator_decides"),
        ]

    def __str__(self):
        return str(self.provider)
