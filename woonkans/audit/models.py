"""Access log (who read what, NEN 7513) and login log. Both are insert-only.

Rows are never updated; they are deleted only by the retention prune, which on
PostgreSQL must first open the trigger's guard (see migration 0002).
"""

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("log entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("log entries are removed only by the retention prune")

    def prune_before(self, cutoff, *, field="at"):
        """Delete entries older than cutoff; the one path that removes rows."""
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL woonkans.log_prune = 'on'")
            query = models.QuerySet(self.model, using=self.db).filter(**{f"{field}__lt": cutoff})
            deleted, _per_model = query.delete()
        return deleted


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("log entries are removed only by the retention prune")


class AccessAction(models.TextChoices):
    READ = "read", _("Inzien")
    CREATE = "create", _("Aanmaken")
    UPDATE = "update", _("Wijzigen")
    DELETE = "delete", _("Verwijderen")
    EXPORT = "export", _("Exporteren")
    PRINT = "print", _("Afdrukken")
    SEARCH = "search", _("Zoeken")


class AccessOutcome(models.TextChoices):
    GRANTED = "granted", _("Toegestaan")
    DENIED = "denied", _("Geweigerd")


class AccessLog(AppendOnlyModel):
    """One row per read (or refused read) of personal or case data."""

    at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    action = models.CharField(_("handeling"), max_length=10, choices=AccessAction.choices)
    outcome = models.CharField(_("uitkomst"), max_length=10, choices=AccessOutcome.choices)
    # Snapshots, so the entry still reads right after the user or organisation changes.
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )
    username = models.CharField(_("gebruiker"), max_length=150, db_index=True)
    organisation = models.CharField(_("organisatie"), max_length=200, blank=True)
    roles = models.CharField(_("rol(len)"), max_length=200, blank=True)
    purpose = models.CharField(_("doel"), max_length=200, blank=True)
    subject = models.CharField(
        _("betrokkene"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("Pseudoniem of id van de inwoner wiens gegevens het betreft; nooit een naam of BSN."),
    )
    object_type = models.CharField(_("soort object"), max_length=100, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)

    class Meta:
        verbose_name = _("toegangsregel")
        verbose_name_plural = _("toegangslog")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "-at"]), models.Index(fields=["username", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"


class LoginOutcome(models.TextChoices):
    SUCCESS = "success", _("Ingelogd")
    FAILURE = "failure", _("Mislukt")
    LOCKED_OUT = "locked_out", _("Geblokkeerd")
    LOGOUT = "logout", _("Uitgelogd")


class LoginMethod(models.TextChoices):
    """How a sign-in was made; the second part is what proved the second factor."""

    PASSWORD_TOTP = "password_totp", _("Wachtwoord + verificatiecode")
    PASSWORD = "password", _("Wachtwoord (verificatiecode nog in te stellen)")
    OIDC = "oidc", _("Organisatie-account (meervoudig bij de organisatie)")
    OIDC_TOTP = "oidc_totp", _("Organisatie-account + verificatiecode")
    OIDC_ENROL = "oidc_enrol", _("Organisatie-account (verificatiecode nog in te stellen)")
    # A refused organisation sign-in, before any second factor.
    OIDC_ATTEMPT = "oidc_attempt", _("Organisatie-account")


class LoginEvent(AppendOnlyModel):
    """The login log of the DPIA: date, time, IP, user agent and, on failure, the reason."""

    at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    username = models.CharField(_("gebruikersnaam"), max_length=150, db_index=True)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )
    outcome = models.CharField(_("uitkomst"), max_length=12, choices=LoginOutcome.choices)
    reason = models.CharField(_("reden"), max_length=40, blank=True)
    method = models.CharField(_("manier van inloggen"), max_length=16, choices=LoginMethod.choices, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("inlogregel")
        verbose_name_plural = _("inloglog")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.outcome}"


LOGIN_REASON_LABELS = {
    "invalid_credentials": _("Onjuiste gebruikersnaam of wachtwoord"),
    "invalid_token": _("Onjuiste verificatiecode"),
    "locked_out": _("Te veel mislukte pogingen"),
    "idle_timeout": _("Automatisch uitgelogd na inactiviteit"),
    "ip_changed": _("Uitgelogd: IP-adres gewijzigd"),
    "user_logout": _("Zelf uitgelogd"),
    # Signing in with the organisation's account (woonkans/accounts/oidc).
    "oidc_unknown_account": _("Organisatie-account hoort bij geen account in het portaal"),
    "oidc_subject_mismatch": _("Ander organisatie-account dan het gekoppelde"),
    "oidc_wrong_issuer": _("Inlogdienst met een ander adres (issuer) dan ingesteld"),
    "oidc_state": _("Ongeldig of verlopen inlogverzoek (state)"),
    "oidc_nonce": _("Antwoord hoort niet bij dit inlogverzoek (nonce)"),
    "oidc_token_expired": _("Verlopen token van de inlogdienst"),
    "oidc_token_invalid": _("Ongeldig token van de inlogdienst"),
    "oidc_provider_unreachable": _("Inlogdienst niet bereikbaar"),
    "oidc_client_rejected": _("Inlogdienst weigert het portaal (client-id of secret)"),
    "oidc_provider_error": _("Inlogdienst meldt een fout"),
    "oidc_inactive": _("Account niet actief"),
    "": "",
}
