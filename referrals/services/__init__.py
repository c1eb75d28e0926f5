"""Every write on a referral: one function per business action, one transaction, with its timeline event.

Transitions check workflow.TRANSITIONS under a row lock; the grants of the stage they move to
follow from woonkans.privacy.disclosure (sync_case_grants, in the same transaction).
Field changes land in the change log (auditlog).
"""

from .closing import close_for_erasure, withdraw_consent, withdraw_referral
from .common import BSN_INDEX_PURPOSE, PRIVACY_STATEMENT_VERSION, referral_path
from .intake import report_resident, start_referral, start_research
from .research import (
    add_document,
    duplicate_holders,
    record_consent,
    remove_document,
    save_draft,
    save_identity,
    save_research,
)
from .route import (
    give_feedback,
    hand_over_region,
    mark_ended,
    mark_housed,
    mark_matched,
    mark_profile_shared,
    mark_profile_started,
    record_route_event,
)
from .submission import (
    SubmissionIncomplete,
    decide_exception,
    missing_documents,
    request_exception,
    submission_problems,
    submit_referral,
)

__all__ = [
    "BSN_INDEX_PURPOSE",
    "PRIVACY_STATEMENT_VERSION",
    "SubmissionIncomplete",
    "add_document",
    "close_for_erasure",
    "decide_exception",
    "duplicate_holders",
    "give_feedback",
    "hand_over_region",
    "mark_ended",
    "mark_housed",
    "mark_matched",
    "mark_profile_started",
    "mark_profile_shared",
    "missing_documents",
    "record_consent",
    "record_route_event",
    "referral_path",
    "remove_document",
    "report_resident",
    "request_exception",
    "save_draft",
    "save_identity",
    "save_research",
    "start_referral",
    "start_research",
    "submission_problems",
    "submit_referral",
    "withdraw_consent",
    "withdraw_referral",
]
