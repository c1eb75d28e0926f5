"""Parties joining and leaving (Art. 9, 10): the splits of later rounds follow automatically."""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db import transaction

from woonkans.accounts.roles import Role

MANAGING_ROLES = (Role.TREASURER, Role.ADMINISTRATOR)


@transaction.atomic
def give_notice(*, actor, party, notice_on):
    """Two calendar months' notice; no refund of what was paid in (Art. 10.3, 12.2)."""
    if not actor.has_role(*MANAGING_ROLES):
        raise PermissionDenied
    party.notice_given_on = notice_on
    party.left_on = notice_on + relativedelta(months=2)
    party.save(update_fields=["notice_given_on", "left_on"])
    return party


@transaction.atomic
def join_party(*, actor, party, joined_on):
    if not actor.has_role(*MANAGING_ROLES):
        raise PermissionDenied
    party.joined_on = joined_on
    party.left_on = None
    party.notice_given_on = None
    party.save(update_fields=["joined_on", "left_on", "notice_given_on"])
    return party
