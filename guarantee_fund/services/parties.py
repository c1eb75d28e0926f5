"""Parties joining and leaving (SOK Art. 9, 10, 12): a joiner is billed at once, a leaver stops being billed."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans.accounts.roles import Role
from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.money import format_euro
from woonkans.notifications import notify
from woonkans.parties.models import AgreementTerm, Organisation, OrganisationKind, compact_iban, validate_iban

from ..models import Contribution, ContributionRound, Fund, RoundKind
from .ledger import ROUND_TERM, next_round_number, round_amounts

MANAGING_ROLES = (Role.TREASURER, Role.ADMINISTRATOR)
# Who pays into the fund (Art. 7): municipalities by key, corporations by stock, providers equally.
CONTRIBUTING_KINDS = (OrganisationKind.MUNICIPALITY, OrganisationKind.CORPORATION, OrganisationKind.CARE_PROVIDER)


def _require_manager(actor, party):
    if not actor.has_role(*MANAGING_ROLES):
        raise PermissionDenied
    if party.kind not in CONTRIBUTING_KINDS:
        raise ValidationError(_("Deze organisatie neemt geen deel aan het garantiefonds."))


@transaction.atomic
def set_iban(*, actor, party, iban):
    """The account a payout or refund goes to: checked (ISO 13616 mod-97), stored compact, audited.

    The audit entry names the party and the change, never the numbers (the access log is no copy
    of bank data)."""
    if not actor.has_role(Role.TREASURER):
        raise PermissionDenied
    _require_manager(actor, party)
    compact = compact_iban(iban)
    validate_iban(compact)
    party = Organisation.objects.select_for_update().get(pk=party.pk)
    if party.iban == compact:
        return party
    party.iban = compact
    party.save(update_fields=["iban"])
    _audit(actor, party, "IBAN gewijzigd")
    return party


def _require_fund_open():
    if Fund.get().dissolved_at is not None:
        raise ValidationError(_("Het garantiefonds is opgeheven."))


def _audit(actor, party, what):
    log_access(user=actor, action=AccessAction.UPDATE, obj=party, purpose=f"garantiefonds deelname: {what}")


def _day(value):
    return value.strftime("%d-%m-%Y")


# The two ways out: leaving at any time, or not renewing at the end of the term.
LEAVE = "opzegging"
NOT_RENEWING = "niet_verlengen"


@transaction.atomic
def give_notice(*, actor, party, notice_on, ground=LEAVE):
    """A party leaves; what it paid in is not returned (Art. 10.3, 12.2).

    ``ground`` LEAVE: two calendar months' notice (Art. 10.3). NOT_RENEWING: the party told the
    werkgroep it will not renew (Art. 12.2) and is out after the current term; told after the
    non-renewal date, the agreement has renewed for it and it is out after the next term.
    From the leaving date on the party is no longer billed (``ledger.participating``); rounds opened
    before it still bill it.
    """
    _require_manager(actor, party)
    _require_fund_open()
    party = Organisation.objects.select_for_update().get(pk=party.pk)
    if party.left_on is not None and party.notice_given_on is not None:
        raise ValidationError(_("Deze partij heeft al opgezegd."))
    if party.left_on is not None and party.left_on <= notice_on:
        raise ValidationError(_("Deze partij is al uitgetreden."))
    term = AgreementTerm.current()
    if ground == NOT_RENEWING:
        left_on = term.next_decision(notice_on).ends_on + datetime.timedelta(days=1)
    elif ground == LEAVE:
        left_on = term.leaving_on(notice_on)
    else:
        raise ValidationError(_("Kies de grond van de opzegging."))
    party.notice_given_on = notice_on
    party.left_on = left_on
    party.save(update_fields=["notice_given_on", "left_on"])
    _audit(actor, party, "opzegging" if ground == LEAVE else "niet verlengen")
    return party


def _takes_part(party, on_date):
    if party.left_on is not None:
        return party.left_on > on_date  # notice given: in until the leaving date
    # Joined before, or a party from the start that has been billed already.
    return party.joined_on is not None or party.contributions.exists()


@transaction.atomic
def join_party(*, actor, party, joined_on):
    """A party joins (Art. 9) and takes part in the fund at once (9.2c): it is billed on joining.

    The bill is the full contribution of Art. 7 as a round opened on the joining date computes it
    with the party counted in: € 1.000 for a provider (7.5); for a municipality or corporation its
    share of € 50.000 by the key or by housing stock, the shares changing because it joined (9.2c).
    Not pro rata of time: contributions are asked per round, not per year (Art. 7.6, Bijlage 3 §1),
    so the agreement gives no period to prorate over. The parties already in pay nothing extra and
    get nothing back; the next rounds split with the newcomer. Returns the joining bill's round.
    """
    _require_manager(actor, party)
    _require_fund_open()
    party = Organisation.objects.select_for_update().get(pk=party.pk)
    if _takes_part(party, joined_on):
        raise ValidationError(
            _("%(party)s neemt op %(date)s al deel aan het garantiefonds.")
            % {"party": party.name, "date": _day(joined_on)}
        )
    party.joined_on = joined_on
    party.left_on = None
    party.notice_given_on = None
    party.save(update_fields=["joined_on", "left_on", "notice_given_on"])
    try:
        cents = round_amounts(joined_on).get(party.pk, 0)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    if not cents:
        what = {
            OrganisationKind.MUNICIPALITY: _("een aandeel in de verdeelsleutel"),
            OrganisationKind.CORPORATION: _("woningbezit in de regio"),
        }.get(party.kind, _("een bijdrage"))
        raise ValidationError(
            _("Leg eerst %(what)s van %(party)s vast in beheer; daarmee wordt de inleg bij toetreding berekend.")
            % {"what": what, "party": party.name}
        )
    today = timezone.localdate()
    round_ = ContributionRound.objects.create(
        number=next_round_number(),
        kind=RoundKind.JOINING,
        opened_by=actor if actor.has_role(Role.TREASURER) else None,
        due_on=max(today, joined_on) + ROUND_TERM,
    )
    Contribution.objects.create(round=round_, party=party, amount_cents=cents)
    _audit(actor, party, "toetreding")
    notify(
        organisations=[party],
        roles=(Role.ADMINISTRATOR, Role.WERKGROEP, Role.TREASURER),
        subject=_("Welkom bij Woonkans: inleg garantiefonds"),
        intro=_("Uw organisatie is toegetreden tot Woonkans en neemt deel aan het garantiefonds (Art. 9.2c)."),
        path=reverse("guarantee_fund:rounds"),
    )
    notify(
        organisations=Organisation.objects.filter(kind=OrganisationKind.MGR),
        roles=(Role.TREASURER,),
        subject=_("Toetreding: betaalverzoek klaar"),
        intro=_("Een partij is toegetreden; haar betaalverzoek voor het garantiefonds staat klaar."),
        path=reverse("guarantee_fund:round", kwargs={"round_id": round_.pk}),
    )
    return round_


def joining_message(round_):
    contribution = round_.contributions.select_related("party").get()
    return _(
        "De toetreding van %(party)s is vastgelegd. Het betaalverzoek van %(amount)s staat in ronde %(number)s "
        "(te betalen vóór %(due)s)."
    ) % {
        "party": contribution.party.name,
        "amount": format_euro(contribution.amount_cents),
        "number": round_.number,
        "due": _day(round_.due_on),
    }


def notice_message(party, ground=LEAVE):
    if ground == NOT_RENEWING:
        return _(
            "Vastgelegd dat %(party)s niet verlengt: zij treedt uit per %(date)s, na afloop van de looptijd "
            "(Art. 12.2), en krijgt het ingelegde niet terug. Vanaf die datum wordt zij niet meer gefactureerd."
        ) % {"party": party.name, "date": _day(party.left_on)}
    return _(
        "De opzegging van %(party)s is vastgelegd: zij treedt uit per %(date)s (opzegtermijn van %(months)s "
        "kalendermaanden, Art. 10.3) en krijgt het ingelegde niet terug. Vanaf die datum wordt zij niet meer "
        "gefactureerd."
    ) % {"party": party.name, "date": _day(party.left_on), "months": AgreementTerm.current().leaving_notice_months}
