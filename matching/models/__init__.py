from .aftercare import Handover, HandshakeStatus, ProviderChange
from .overleg import AgendaItem, AgendaItemKind, Attendance, Meeting, Vote, VoteChoice
from .profile import (
    AgeBand,
    Offer,
    Profile,
    ProfileGroupObjectPermission,
    ProfileMessage,
    ProfileShare,
    ProfileStatus,
    ProfileUserObjectPermission,
    ProfileVersion,
    ShareResponse,
)
from .trajectory import CaseMeeting, EndKind, Evaluation, Match, Signal, SignalKind

__all__ = [
    "AgeBand",
    "AgendaItem",
    "AgendaItemKind",
    "Attendance",
    "CaseMeeting",
    "EndKind",
    "Evaluation",
    "Handover",
    "HandshakeStatus",
    "Match",
    "Meeting",
    "Offer",
    "Profile",
    "ProfileGroupObjectPermission",
    "ProfileMessage",
    "ProfileShare",
    "ProfileStatus",
    "ProfileUserObjectPermission",
    "ProfileVersion",
    "ProviderChange",
    "ShareResponse",
    "Signal",
    "SignalKind",
    "Vote",
    "VoteChoice",
]
