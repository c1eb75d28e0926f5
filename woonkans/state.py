"""One shape for every status workflow: a table of transitions, each (allowed sources, target).

A status changes only through ``TransitionTable.move``: the model's ``GuardedStatus`` mixin
refuses to save a status that changed any other way, and tests/test_transitions.py scans the
source for ``.status =`` and ``update(status=...)`` outside the workflow modules.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NOT_ALLOWED = _("Deze stap is in deze fase van de zaak niet (meer) mogelijk.")


class TransitionNotAllowed(ValidationError):
    """The stage no longer (or not yet) allows this action: a Dutch message for next to the action."""

    def __init__(self, message=NOT_ALLOWED, *, transition=None, current=None):
        super().__init__(message)
        self.transition = transition
        self.current = current

    def __str__(self):
        return str(self.messages[0])


class StatusBypass(Exception):
    """A status was changed without its transition table: a programming error, never a user's."""


class TransitionTable:
    def __init__(self, transitions, *, refusals=None):
        self.transitions = transitions
        # transition -> the Dutch message shown next to the action when the stage does not allow it
        self.refusals = refusals or {}

    @property
    def states(self):
        found = set()
        for sources, target in self.transitions.values():
            found |= set(sources) | {target}
        return found

    def refusal(self, transition):
        return self.refusals.get(transition, NOT_ALLOWED)

    def target(self, transition, current):
        sources, target = self.transitions[transition]
        if current not in sources:
            raise TransitionNotAllowed(self.refusal(transition), transition=transition, current=current)
        return target

    def allowed(self, transition, current):
        return current in self.transitions[transition][0]

    def move(self, obj, transition, *, field="status"):
        """Set obj's status to the transition's target (or refuse); the caller saves it in its transaction."""
        target = self.target(transition, getattr(obj, field))
        setattr(obj, field, target)
        obj._status_moved_to = target
        return target


class GuardedStatus:
    """Model mixin: a saved row's status changes only through TransitionTable.move.

    It remembers the status as loaded and refuses a save that writes another status unless
    ``move`` set exactly that one. New rows may start in any status (factories, demo data);
    QuerySet.update(status=...) is out of its reach and left to the source scan.
    """

    status_field = "status"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get(cls.status_field)
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or self.status_field in fields:
            self._loaded_status = self.__dict__.get(self.status_field)
            self._status_moved_to = None

    def save(self, *args, **kwargs):
        field = self.status_field
        update_fields = kwargs.get("update_fields")
        writes_status = update_fields is None or field in update_fields
        current = self.__dict__.get(field)
        loaded = getattr(self, "_loaded_status", None)
        if (
            writes_status
            and self.pk is not None
            and not self._state.adding
            and loaded is not None
            and current != loaded
            and getattr(self, "_status_moved_to", None) != current
        ):
            raise StatusBypass(f"{type(self).__name__}.{field} changed from {loaded} to {current} outside its table")
        super().save(*args, **kwargs)
        if writes_status:
            self._loaded_status = current
            self._status_moved_to = None
