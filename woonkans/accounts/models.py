"""Users, their roles within one organisation, and their acceptance of logging."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.parties.models import Organisation

from .roles import Role, role_allowed_in


class User(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    is_demo = models.BooleanField(
        _("demogebruiker"), default=False, editable=False, help_text=_("Aangemaakt door seed_demo.")
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    @property
    def role_codes(self):
        """The user's roles; read with the signed-in user (accounts.backends) or from a prefetched list
        when present (one query per list, not per row)."""
        loaded = getattr(self, "loaded_role_codes", None)
        if loaded is not None:
            return sorted(loaded)
        cache = getattr(self, "_prefetched_objects_cache", {})
        assignments = cache["role_assignments"] if "role_assignments" in cache else self.role_assignments.all()
        return sorted(assignment.role for assignment in assignments)

    def has_role(self, *roles):
        return bool(set(self.role_codes) & {str(role) for role in roles})

    def role_labels(self):
        return [Role(code).label for code in self.role_codes]

    def clean(self):
        super().clean()
        if self.pk and self.organisation_id:
            for assignment in self.role_assignments.all():
                if not role_allowed_in(assignment.role, self.organisation.kind):
                    raise ValidationError(
                        {
                            "organisation": _("De rol %(role)s past niet bij een organisatie van deze soort.")
                            % {"role": Role(assignment.role).label}
                        }
                    )


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("rol"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(_("toegekend op"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("rol")
        verbose_name_plural = _("rollen")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")]

    def __str__(self):
        return str(Role(self.role).label)

    def clean(self):
        super().clean()
        # On the add-user page the user is not saved yet: read the organisation from the unsaved
        # user the inline was built for, so a user and their roles are made in one save.
        user = self._state.fields_cache.get("user") if self.user_id is None else self.user
        organisation = user.organisation if user is not None and user.organisation_id else None
        if organisation is None:
            raise ValidationError(_("Geef de gebruiker eerst een organisatie."))
        if not role_allowed_in(self.role, organisation.kind):
            raise ValidationError(
                {
                    "role": _("De rol %(role)s kan niet worden gegeven binnen %(kind)s.")
                    % {"role": Role(self.role).label, "kind": organisation.get_kind_display().lower()}
                }
            )


class RoleRequestStatus(models.TextChoices):
    PENDING = "pending", _("Wacht op goedkeuring")
    APPROVED = "approved", _("Goedgekeurd")
    REFUSED = "refused", _("Afgewezen")
    WITHDRAWN = "withdrawn", _("Vervallen")


class FourEyesRequest(models.Model):
    """What every four-eyes request records: who asked when, and which second administrator decided."""

    status = models.CharField(
        _("status"), max_length=16, choices=RoleRequestStatus.choices, default=RoleRequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        User, verbose_name=_("aangevraagd door"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    decided_by = models.ForeignKey(
        User, verbose_name=_("besloten door"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def one_pending(*fields, name):
        """At most one request waits for a decision about the same thing."""
        return models.UniqueConstraint(fields=list(fields), condition=models.Q(status="pending"), name=name)

    @staticmethod
    def decided_by_another(name):
        """The database's half of four eyes: whoever asked never decides."""
        return models.CheckConstraint(
            condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("requested_by")), name=name
        )


class RoleGrantRequest(FourEyesRequest):
    """A role asked for outside the asking administrator's own organisation (four eyes).

    The role takes effect (a RoleAssignment is made) only when a second administrator approves.
    The database itself refuses a request decided by the one who made it, or by the user it is for.
    """

    user = models.ForeignKey(User, verbose_name=_("gebruiker"), on_delete=models.CASCADE, related_name="role_requests")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("rol"), max_length=32, choices=Role.choices)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("rolaanvraag")
        verbose_name_plural = _("rolaanvragen")
        constraints = [
            FourEyesRequest.one_pending("user", "role", name="one_pending_request_per_user_role"),
            FourEyesRequest.decided_by_another("role_request_second_administrator_decides"),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("user")),
                name="role_request_not_decided_by_its_user",
            ),
            models.CheckConstraint(
                condition=~models.Q(requested_by=models.F("user")), name="role_request_not_for_oneself"
            ),
        ]

    def __str__(self):
        return f"{Role(self.role).label} – {self.user}"


class LoggingAcceptance(models.Model):
    """A user's acceptance that all actions are logged (SPEC §6), per version of the notice."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="logging_acceptances")
    notice_version = models.CharField(max_length=20)
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("akkoord met logging")
        verbose_name_plural = _("akkoorden met logging")
        constraints = [
            models.UniqueConstraint(fields=["user", "notice_version"], name="one_acceptance_per_version"),
        ]

    def __str__(self):
        return f"{self.user} – {self.notice_version}"


class ReviewDecision(models.TextChoices):
    PENDING = "pending", _("Nog te beoordelen")
    CONFIRMED = "confirmed", _("Bevestigd")
    REVOKED = "revoked", _("Ingetrokken")


class AccessReview(models.Model):
    """A periodic check of who in an organisation still needs access (DPIA §16)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT, related_name="access_reviews"
    )
    opened_at = models.DateTimeField(_("geopend op"), default=timezone.now, editable=False)
    due_on = models.DateField(_("af te ronden vóór"))
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        User,
        verbose_name=_("afgesloten door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["-opened_at", "organisation__name"]
        verbose_name = _("toegangscontrole")
        verbose_name_plural = _("toegangscontroles")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_access_review_per_organisation",
            )
        ]

    def __str__(self):
        return f"{self.organisation} – {timezone.localtime(self.opened_at):%d-%m-%Y}"

    @property
    def is_open(self):
        return self.closed_at is None


class AccessReviewItem(models.Model):
    """One user in a review: what they could reach when it opened, and the decision about them."""

    review = models.ForeignKey(AccessReview, on_delete=models.CASCADE, related_name="items")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_review_items")
    roles = models.TextField(_("rollen bij openen"), blank=True, help_text=_("Rolcodes, gescheiden door komma's."))
    last_login = models.DateTimeField(_("laatst ingelogd bij openen"), null=True, blank=True)
    reach = models.JSONField(_("bereik bij openen"), default=dict, blank=True)
    decision = models.CharField(
        _("besluit"), max_length=16, choices=ReviewDecision.choices, default=ReviewDecision.PENDING
    )
    decided_by = models.ForeignKey(
        User, verbose_name=_("besloten door"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]
        verbose_name = _("gebruiker in toegangscontrole")
        verbose_name_plural = _("gebruikers in toegangscontrole")
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="one_item_per_user_per_review")]

    def __str__(self):
        return f"{self.review} – {self.user}"

    def role_labels(self):
        codes = [code for code in self.roles.split(",") if code in Role.values]
        return [Role(code).label for code in codes]


class CredentialResetRequest(FourEyesRequest):
    """A change to how someone signs in, asked for by an administrator of another organisation (four eyes).

    Asked: reset the login (the password becomes unusable, every second factor is deleted, the user
    sets a new password through a one-time link to their own e-mail address), a new e-mail address,
    a new username, or a combination. Nothing changes until a second administrator approves; the
    request never holds a password. The database refuses a request decided by its requester or by
    the user it is about.
    """

    user = models.ForeignKey(
        User, verbose_name=_("gebruiker"), on_delete=models.CASCADE, related_name="credential_requests"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reset_login = models.BooleanField(_("wachtwoord en tweede factor herstellen"), default=False)
    new_email = models.EmailField(_("nieuw e-mailadres"), blank=True)
    new_username = models.CharField(_("nieuwe gebruikersnaam"), max_length=150, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("aanvraag inloggegevens")
        verbose_name_plural = _("aanvragen inloggegevens")
        constraints = [
            FourEyesRequest.one_pending("user", name="one_pending_credential_request_per_user"),
            models.CheckConstraint(
                condition=models.Q(reset_login=True) | ~models.Q(new_email="") | ~models.Q(new_username=""),
                name="credential_request_asks_something",
            ),
            FourEyesRequest.decided_by_another("credential_request_second_administrator_decides"),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("user")),
                name="credential_request_not_decided_by_its_user",
            ),
            models.CheckConstraint(
                condition=~models.Q(requested_by=models.F("user")), name="credential_request_not_for_oneself"
            ),
        ]

    def __str__(self):
        return f"{_('Inloggegevens')} – {self.user}"

    def describe(self):
        """What the request changes, in Dutch (never the password: there is none)."""
        parts = []
        if self.reset_login:
            parts.append(str(_("wachtwoord en tweede factor herstellen")))
        if self.new_email:
            parts.append(str(_("nieuw e-mailadres: %(email)s")) % {"email": self.new_email})
        if self.new_username:
            parts.append(str(_("nieuwe gebruikersnaam: %(username)s")) % {"username": self.new_username})
        return "; ".join(parts)


# The OpenID Connect models live in their own module (accounts/oidc); Django finds them here.
from .oidc.models import OidcIdentity, OidcProvider, OidcProviderRequest  # noqa: E402, F401
