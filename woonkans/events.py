"""Domain events: a case's transition tells the apps that follow it, after the transaction commits.

A service publishes a typed event inside its transaction; each subscriber gets it once the
transaction has committed (``transaction.on_commit``), so a rolled-back action tells nobody.
Subscribers are registered from their app's ``AppConfig.ready``; the publisher imports none of
them, which keeps the import-linter contracts in pyproject.toml (the forbidden arrows between apps).

Events carry ids and plain values only, never personal data: they are logged by type and id when
a subscriber fails, and a later broker could carry them as they are.

A subscriber runs after the commit, in its own transaction: when it fails, the committed action
stays done and the failure is logged (event type, ids, subscriber name; no personal data). What it
keeps up to date (e.g. the anonymous monitoring facts) must therefore be recomputable from the case.
"""

import dataclasses
import datetime
import logging
import uuid
from collections import defaultdict
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class DomainEvent:
    """Base of every event; subclasses add ids and plain values only."""


@dataclasses.dataclass(frozen=True)
class CaseChanged(DomainEvent):
    """A business action on a case (referral, profile, match) happened; ``kind`` names the timeline event."""

    referral_id: uuid.UUID
    kind: str = ""


@dataclasses.dataclass(frozen=True)
class ClaimFiled(DomainEvent):
    """A corporation filed a guarantee-fund claim; it goes on the region's next overleg agenda (Art. 7.8)."""

    claim_id: uuid.UUID
    profile_id: uuid.UUID
    region_id: int
    code: str  # the case's pseudonymous code, as the overleg agenda shows it
    number: str = ""  # the claim's own number (GF-2026-0001): one case can have several claims


@dataclasses.dataclass(frozen=True)
class ClaimDeviationRequested(DomainEvent):
    """The chair asks the overleg to consent to a deviation (maatwerk, art. 7.9) for a claim; it goes
    on the region's next overleg agenda as a vote item. ``rules`` names the rules it would lift (codes
    the fund defines; the agenda shows ``summary``)."""

    claim_id: uuid.UUID
    deviation_id: int
    profile_id: uuid.UUID
    region_id: int
    code: str
    summary: str  # Dutch, plain: which rules, no personal data


@dataclasses.dataclass(frozen=True)
class ClaimDiscussed(DomainEvent):
    """The overleg recorded its discussion of a claim's agenda item (Bijlage 3 §3: always discussed first)."""

    claim_id: uuid.UUID
    meeting_id: int
    item_id: int
    discussed_on: datetime.date


@dataclasses.dataclass(frozen=True)
class ClaimDeviationVoted(DomainEvent):
    """Those present at the overleg voted on a claim deviation (art. 7.9); ``consented`` is the
    computed outcome (a majority of the organisations present; a tie is not a majority)."""

    claim_id: uuid.UUID
    deviation_id: int
    meeting_id: int
    item_id: int
    voted_on: datetime.date
    consented: bool
    votes_for: int
    present: int


_SUBSCRIBERS = defaultdict(list)  # event type -> [callable(event)]
_PLAIN = (uuid.UUID, int, str, bool, float, datetime.date, type(None))


def subscribe(event_type, handler):
    """Register ``handler(event)`` for ``event_type`` (and its subclasses); call from AppConfig.ready."""
    if handler not in _SUBSCRIBERS[event_type]:
        _SUBSCRIBERS[event_type].append(handler)


def subscribers(event_type):
    return [handler for kind in event_type.__mro__ for handler in _SUBSCRIBERS.get(kind, ())]


def _check_plain(event):
    # Guards the promise above: an event holding a model instance could carry personal data along.
    for field in dataclasses.fields(event):
        value = getattr(event, field.name)
        if not isinstance(value, _PLAIN):
            raise TypeError(f"{type(event).__name__}.{field.name} must be an id or a plain value")


def _deliver(handler, event):
    try:
        with transaction.atomic():
            handler(event)
    except Exception as error:  # noqa: BLE001 - one failing subscriber must not undo the committed action
        # Type names and ids only: an exception's message or traceback locals may quote personal data.
        ids = {f.name: getattr(event, f.name) for f in dataclasses.fields(event) if f.name.endswith("_id")}
        logger.error(
            "subscriber %s.%s failed on %s %s: %s",
            getattr(handler, "__module__", "?"),
            getattr(handler, "__qualname__", "?"),
            type(event).__name__,
            ids,
            type(error).__name__,
        )


def publish(event):
    """Deliver ``event`` to its subscribers once the current transaction commits (at once outside one)."""
    if not isinstance(event, DomainEvent):
        raise TypeError("publish() takes a DomainEvent")
    _check_plain(event)
    for handler in subscribers(type(event)):
        transaction.on_commit(partial(_deliver, handler, event))
