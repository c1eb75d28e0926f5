"""Parties joining and leaving (Art. 9, 10): the splits of later rounds follow automatically."""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from woonkans.accounts.roles import Role
from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.parties.models import OrganisationKind

MANAGING_ROLES = (Role.TREASURER, Role.ADMINISTRATOR)
# Who pays into the fund (Art. 7): municipalities by key, corporations by stock, providers equally.
CONTRIBUTING_KINDS = (OrganisationKind.MUNICIPALITY, OrganisationKind.CORPORATION, OrganisationKind.CARE_PROVIDER)


def _require_manager(actor, party):
    if not actor.has_role(*MANAGING_ROLES):
        raise PermissionDenied
    if party.kind not in CONTRIBUTING_KINDS:
        raise ValidationError(_("Deze organisatie neemt geen deel aan het garantiefonds."))


def _audit(actor, party, what):
    log_access(user=actor, action=AccessAction.UPDATE, obj=party, purpose=f"garantiefonds deelname: {what}")


@transaction.atomic
def give_notice(*, actor, party, notice_on):
    """Two calendar months' notice; no refund of what was paid in (Art. 10.3, 12.2)."""
    _require_manager(actor, party)
    if party.left_on is not None and party.notice_given_on is not None:
        raise ValidationError(_("Deze partij heeft al opgezegd."))
    party.notice_given_on = notice_on
    party.left_on = notice_on + relativedelta(months=2)
    party.save(update_fields=["notice_given_on", "left_on"])
    _audit(actor, party, "opzegging")
    return party


@transaction.atomic
def join_party(*, actor, party, joined_on):
    _require_manager(actor, party)
    party.joined_on = joined_on
    party.left_on = None
    party.notice_given_on = None
    party.save(update_fields=["joined_on", "left_on", "notice_given_on"])
    _audit(actor, party, "toetreding")
    return party
