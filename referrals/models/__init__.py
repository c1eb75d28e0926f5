"""The Wmo referral: identity (its own table), research, consent, documents, feedback.

Identity is kept apart from everything else so that later stages (profiles for
corporations) can be rendered without ever loading it. Every model is imported here so Django
finds it.
"""

from woonkans.choices import Origin  # re-exported; the enum lives in core

from .decisions import ExceptionRequest, Feedback, FeedbackKind
from .documents import Document, DocumentKind
from .drafts import FormDraft
from .identity import Identity, Sex
from .referral import (
    AWAITING_PLACEMENT_FEEDBACK,
    AWAITING_PRECONDITIONS_FEEDBACK,
    AWAITING_PROFILE_FEEDBACK,
    FEEDBACK_DUE_SINCE,
    RETENTION_YEARS_BY_ELIGIBLE,
    WAITING_IN_INBOX,
    Referral,
    ReferralGroupObjectPermission,
    ReferralUserObjectPermission,
)
from .research import Consent, ContractForm, Research
from .timeline import EventKind, ReferralEvent

__all__ = [
    "AWAITING_PLACEMENT_FEEDBACK",
    "AWAITING_PRECONDITIONS_FEEDBACK",
    "AWAITING_PROFILE_FEEDBACK",
    "FEEDBACK_DUE_SINCE",
    "RETENTION_YEARS_BY_ELIGIBLE",
    "WAITING_IN_INBOX",
    "Consent",
    "ContractForm",
    "Document",
    "DocumentKind",
    "EventKind",
    "ExceptionRequest",
    "Feedback",
    "FeedbackKind",
    "FormDraft",
    "Identity",
    "Origin",
    "Referral",
    "ReferralEvent",
    "ReferralGroupObjectPermission",
    "ReferralUserObjectPermission",
    "Research",
    "Sex",
]
