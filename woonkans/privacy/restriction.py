"""GDPR art. 18: while a resident's case is restricted, nobody changes or shares it.

Every business action on a case calls ``ensure_processing_allowed`` inside its transaction
(after taking its row lock where it has one); the privacy officer's restriction service sets
``Referral.restricted_at`` under the referral's row lock. Reads stay possible for the
municipality and the regisseurs (storage is allowed); corporations and care providers lose
their view while the case is restricted ("shares paused", see the permissions modules).
``ProcessingRestrictedMiddleware`` turns the refusal into a message on the page the user was on.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

MESSAGE = _(
    "De verwerking van deze zaak is beperkt op verzoek van de inwoner (AVG art. 18). "
    "Niets kan worden gewijzigd of gedeeld totdat de privacyfunctionaris de beperking opheft."
)


class ProcessingRestricted(Exception):
    def __init__(self, message=MESSAGE):
        super().__init__(str(message))


def _referral_model():
    return apps.get_model("referrals", "Referral")


def is_restricted(referral_id) -> bool:
    return _referral_model().objects.filter(pk=referral_id, restricted_at__isnull=False).exists()


def ensure_processing_allowed(*, referral_id) -> None:
    """Raise ProcessingRestricted when the case is restricted. Reads the database, not a stale instance."""
    if referral_id is not None and is_restricted(referral_id):
        raise ProcessingRestricted
