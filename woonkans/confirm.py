"""Whatever cannot be undone is confirmed: one mechanism, no JavaScript.

The first (valid) POST of an irreversible action does nothing but render a confirmation page that
says what will happen and to whom (which organisations get to see what). Everything that was posted
travels along in hidden fields, with a signed token over exactly that data, this user and this URL.
Only a POST that carries a valid token runs the service; a POST without it, or with data that differs
from what was confirmed, is asked again (the page shows the data as it now stands). "Terug" posts the
same data back with ``confirm_back`` so the view can render its form again with everything typed kept.

A view uses it like this::

    if request.method == "POST" and form.is_valid():
        step = confirm.step(request)
        if step is confirm.ASK:
            return confirm.ask(request, Confirmation(title=..., action=..., ...))
        if step is confirm.CONFIRMED:
            service(...)
            return redirect(...)
        # BACK: fall through and render the bound form again
"""

import enum
import hashlib
import json
from dataclasses import dataclass, field

from django.core import signing
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from woonkans.privacy.disclosure import policy

TOKEN_FIELD = "confirm_token"  # noqa: S105 (a field name, not a secret)
BACK_FIELD = "confirm_back"
# Posted by the browser or by this mechanism itself: never part of what is confirmed.
_NOT_DATA = frozenset({"csrfmiddlewaretoken", TOKEN_FIELD, BACK_FIELD})
_SALT = "woonkans.confirm"
# A confirmation page left open longer than this is asked again (the situation may have changed).
MAX_AGE_SECONDS = 60 * 60


class Step(enum.Enum):
    ASK = "ask"
    CONFIRMED = "confirmed"
    BACK = "back"


ASK, CONFIRMED, BACK = Step.ASK, Step.CONFIRMED, Step.BACK


@dataclass
class Confirmation:
    """What the confirmation page says. Every text is already translated (Dutch)."""

    title: str
    # One sentence: what will happen when confirmed.
    action: str
    # (label, value) pairs: the data as it will be recorded.
    facts: list = field(default_factory=list)
    # (organisation, what it will see or get): to whom this goes; empty when no one new sees anything.
    recipients: list = field(default_factory=list)
    button: str = _("Bevestigen")
    consequence: str = _("Dit kan daarna niet ongedaan worden gemaakt.")
    # Where "Terug" goes for a POST-only action that has no form to fill again; None posts back.
    back_url: str | None = None
    danger: bool = False


# What each grant of the disclosure policy lets an organisation see, in the words of the page.
_GRANT_TEXT = {
    policy.VIEW_PROFILE: _("het bemiddelingsprofiel (zonder naam, BSN of adres)"),
    policy.VIEW_IDENTITY: _("naam, geboortedatum en de documenten van stap 6"),
    policy.VIEW_CONTACT: _("naam en contactgegevens van de inwoner"),
    policy.VIEW_REFERRAL: _("de aanmelding"),
    policy.VIEW_REPORT_STATUS: _("alleen de globale status"),
}


def sees(stage, relation):
    """What an organisation with ``relation`` to a case sees in ``stage``, derived from the policy table."""
    grants = policy.POLICY.get(stage, {}).get(relation, ())
    texts = [str(text) for grant, text in _GRANT_TEXT.items() if grant in grants]
    return ", ".join(texts) if texts else gettext("niets van de zaak")


def _posted(request):
    return _items(request.POST)


def _items(data):
    """The posted pairs that are confirmed, in a stable order (a QueryDict or a plain dict of values/lists)."""
    getlist = data.getlist if hasattr(data, "getlist") else lambda key: _as_list(data[key])
    return sorted((key, str(value)) for key in data for value in getlist(key) if key not in _NOT_DATA)


def _as_list(value):
    return list(value) if isinstance(value, list | tuple) else [value]


def _digest(user_pk, path, items):
    payload = json.dumps([str(user_pk), path, items], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def token_for(*, user, path, data):
    """The token the confirmation page issues to ``user`` for posting ``data`` to ``path``."""
    return signing.TimestampSigner(salt=_SALT).sign(_digest(user.pk, path, _items(data)))


def token(request):
    return token_for(user=request.user, path=request.path, data=request.POST)


def is_confirmed(request):
    """True only for a POST whose token was issued for exactly this user, URL and data."""
    if request.method != "POST":
        return False
    try:
        signed = signing.TimestampSigner(salt=_SALT).unsign(request.POST.get(TOKEN_FIELD, ""), max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # also SignatureExpired
        return False
    return signed == _digest(request.user.pk, request.path, _posted(request))


def step(request):
    if request.POST.get(BACK_FIELD) == "1":
        return BACK
    return CONFIRMED if is_confirmed(request) else ASK


class _Rehearsed(Exception):
    pass


def rehearse(perform):
    """Run ``perform`` and roll everything back, so its refusals (ValidationError and the like) surface
    on the form before the confirmation page is shown, not after "Bevestigen". Notifications and
    events wait for a commit that never comes (on_commit), so a rehearsal tells nobody."""
    try:
        with transaction.atomic():
            perform()
            raise _Rehearsed
    except _Rehearsed:
        pass


def ask(request, confirmation, *, status=200):
    """The confirmation page: what will happen, to whom, the posted data carried in hidden fields."""
    context = {"confirmation": confirmation, "hidden": _posted(request), "token": token(request)}
    return render(request, "confirm.html", context, status=status)
