"""``{% agreement_term %}``: the agreement's term and the non-renewal date (SOK Art. 10.3, 12), on any page.

Computed from the one AgreementTerm row, so the werkgroep (monitoring) and the treasurer (fund
pages) read the same dates the reminders are sent by.
"""

from django import template
from django.utils import timezone

from woonkans.parties.models import AgreementTerm
from woonkans.parties.tasks import REMIND_WEEKS_BEFORE

register = template.Library()


@register.inclusion_tag("parties/agreement_term.html")
def agreement_term(today=None):
    today = today or timezone.localdate()
    term = AgreementTerm.current()
    decision = term.next_decision(today)
    days_left = (decision.announce_by - today).days
    return {
        "term": term,
        "period": term.period_on(today),
        "decision": decision,
        "days_left": days_left,
        "soon": days_left <= max(REMIND_WEEKS_BEFORE) * 7,
        "in_force": today >= term.starts_on,
    }
