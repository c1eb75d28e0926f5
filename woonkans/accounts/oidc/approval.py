"""Four eyes on an organisation's sign-in provider: a registration or a change is used only after a
second administrator approves it.

Whoever configures the provider decides which outside account signs in as which portal account, so
one administrator alone must not be able to do it. The same four-eyes record and checks as role and
credential requests (``FourEyesRequest``, ``check_second_administrator``): the second administrator
manages the provider's organisation (one of its own, or the operator's functional administrators,
"Functioneel beheer Woonkans") and is never the one who asked.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access

from ..models import RoleRequestStatus
from ..user_services import check_second_administrator, record_decision
from .models import OidcProvider, OidcProviderRequest

ALREADY_DECIDED = _("Over deze aanmelding van de inlogdienst is al besloten.")
# What the access log says of a decision: (approved, refused).
DECISIONS = ("inlogdienst goedgekeurd (vier ogen)", "aanmelding inlogdienst afgewezen")
NOTHING_PENDING = _("Voor deze inlogdienst wacht geen aanmelding op goedkeuring.")


@transaction.atomic
def ask_approval(*, actor, provider):
    """The provider was registered or its configuration changed: out of use until a second administrator
    approves. An older request is withdrawn: the one approved is the configuration as it is now."""
    OidcProvider.objects.filter(pk=provider.pk).update(approved=False)
    provider.approved = False
    pending_requests().filter(provider=provider).update(status=RoleRequestStatus.WITHDRAWN)
    provider_request = OidcProviderRequest.objects.create(
        provider=provider, organisation_id=provider.organisation_id, requested_by=actor
    )
    log_access(
        user=actor, action=AccessAction.CREATE, obj=provider_request, purpose="inlogdienst aangemeld (vier ogen)"
    )
    return provider_request


def pending_requests():
    return OidcProviderRequest.objects.filter(status=RoleRequestStatus.PENDING)


@transaction.atomic
def decide(*, actor, provider, approve):
    """The second administrator's decision on the provider's pending registration or change: approved,
    it is used for sign-in from now on (when switched on); refused, it stays out of use until a newer
    change is approved."""
    provider_request = pending_requests().select_for_update(of=("self",)).filter(provider=provider).first()
    if provider_request is None:
        raise ValidationError(NOTHING_PENDING)
    check_second_administrator(actor=actor, four_eyes_request=provider_request, already=ALREADY_DECIDED)
    record_decision(actor=actor, four_eyes_request=provider_request, approve=approve, purposes=DECISIONS)
    if approve:
        OidcProvider.objects.filter(pk=provider.pk).update(approved=True)
        provider.approved = True
    return provider_request
