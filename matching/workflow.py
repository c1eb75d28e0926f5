"""The profile's status and the case meeting's status, each with every allowed change, in one table.

Each transition is carried out by one service in services/ (or, for STOP, by the disclosure
policy's settler when the referral stops), which checks this table under the profile's row lock.
The guards that are not about the stage (who acts, what was typed) stay in the services.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from woonkans.state import TransitionNotAllowed, TransitionTable

from .models import CaseMeeting, HandshakeStatus, ProfileStatus

P = ProfileStatus
MeetingStatus = CaseMeeting.Status
H = HandshakeStatus


class ProfileTransition(models.TextChoices):
    SHARE = "share", _("Gedeeld met corporaties")
    MATCH = "match", _("Gematcht")
    HOUSE = "house", _("Gehuisvest")
    END_WELL = "end_well", _("Traject goed afgerond")
    END_NEGATIVELY = "end_negatively", _("Traject negatief beëindigd")
    STOP = "stop", _("Gestopt")


RUNNING = frozenset({P.DRAFT, P.SHARED, P.MATCHED, P.HOUSED})

PROFILE_TRANSITIONS = {
    # Sharing with more corporations later keeps the profile shared.
    ProfileTransition.SHARE: ({P.DRAFT, P.SHARED}, P.SHARED),
    ProfileTransition.MATCH: ({P.SHARED}, P.MATCHED),
    ProfileTransition.HOUSE: ({P.MATCHED}, P.HOUSED),
    ProfileTransition.END_WELL: ({P.HOUSED}, P.ENDED_POSITIVE),
    ProfileTransition.END_NEGATIVELY: ({P.HOUSED}, P.ENDED_NEGATIVE),
    # The referral stopped (consent or referral withdrawn, erased): a running profile stops with it.
    ProfileTransition.STOP: (RUNNING, P.STOPPED),
}

PROFILE_REFUSALS = {
    ProfileTransition.SHARE: _("Dit profiel kan niet meer worden gedeeld."),
    ProfileTransition.MATCH: _("Alleen een gedeeld profiel kan worden gematcht."),
    ProfileTransition.HOUSE: _("Alleen een gematcht profiel kan als gehuisvest worden vastgelegd."),
    ProfileTransition.END_WELL: _("Alleen een traject van een gehuisveste inwoner kan worden beëindigd."),
    ProfileTransition.END_NEGATIVELY: _("Alleen een traject van een gehuisveste inwoner kan worden beëindigd."),
    ProfileTransition.STOP: _("Dit traject is al afgelopen."),
}

# Not transitions, but guards on the stage: what the regisseur and the corporations may still do.
EDITABLE = frozenset({P.DRAFT, P.SHARED})
NOT_EDITABLE = _("Dit profiel kan niet meer worden gewijzigd.")
ANSWERABLE = frozenset({P.SHARED})
NOT_ANSWERABLE = _("Op dit profiel kan niet meer worden gereageerd.")


class MeetingTransition(models.TextChoices):
    PLAN = "plan", _("Gepland")
    HOLD = "hold", _("Gehouden")
    NOT_NEEDED = "not_needed", _("Geen casusoverleg nodig")


MEETING_TRANSITIONS = {
    # Planning again moves the date; a meeting that was held is not planned again.
    MeetingTransition.PLAN: ({MeetingStatus.REQUESTED, MeetingStatus.PLANNED}, MeetingStatus.PLANNED),
    # Recording the outcome again corrects it (the casusregisseur's page keeps the form).
    MeetingTransition.HOLD: (
        {MeetingStatus.REQUESTED, MeetingStatus.PLANNED, MeetingStatus.HELD},
        MeetingStatus.HELD,
    ),
    # Art. 8.4: the chair decides there is no need (with a reason) instead of holding it.
    MeetingTransition.NOT_NEEDED: ({MeetingStatus.REQUESTED, MeetingStatus.PLANNED}, MeetingStatus.NOT_NEEDED),
}

MEETING_REFUSALS = {
    MeetingTransition.PLAN: _("Dit casusoverleg is al gehouden en kan niet opnieuw worden gepland."),
    MeetingTransition.HOLD: _("De uitkomst van dit casusoverleg kan nu niet worden vastgelegd."),
    MeetingTransition.NOT_NEEDED: _("Over dit casusoverleg is al besloten."),
}


class HandshakeTransition(models.TextChoices):
    ACCEPT = "accept", _("Geaccepteerd")
    REFUSE = "refuse", _("Geweigerd")


# A provider change (art. 10.4) and a warm handover (art. 6.1): the receiving side answers once.
HANDSHAKE_TRANSITIONS = {
    HandshakeTransition.ACCEPT: ({H.PROPOSED}, H.ACCEPTED),
    HandshakeTransition.REFUSE: ({H.PROPOSED}, H.REFUSED),
}
HANDSHAKE_REFUSALS = {
    HandshakeTransition.ACCEPT: _("Op dit voorstel is al geantwoord."),
    HandshakeTransition.REFUSE: _("Op dit voorstel is al geantwoord."),
}

PROFILES = TransitionTable(PROFILE_TRANSITIONS, refusals=PROFILE_REFUSALS)
MEETINGS = TransitionTable(MEETING_TRANSITIONS, refusals=MEETING_REFUSALS)
HANDSHAKES = TransitionTable(HANDSHAKE_TRANSITIONS, refusals=HANDSHAKE_REFUSALS)

# A running trajectory: what after-care (contacts, another provider, a handover) still applies to.
TRAJECTORY_RUNNING = frozenset({P.MATCHED, P.HOUSED})
NOT_RUNNING = _("Dit traject loopt niet (meer).")


def require_stage(profile, stages, message):
    """Refuse an action (no status change) that the profile's stage no longer allows."""
    if profile.status not in stages:
        raise TransitionNotAllowed(message, current=profile.status)


__all__ = ["TransitionNotAllowed"]
