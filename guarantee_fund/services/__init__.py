from .claims import (
    ClaimIncomplete,
    add_claim_document,
    add_claim_line,
    create_claim,
    decide_claim,
    file_claim,
    return_claim,
    submit_to_mgr,
)
from .contributions import dissolution_shares, dissolve_fund, paid_in_by_party, record_regional_payment_received
from .ledger import (
    InsufficientFunds,
    check_payment,
    correct_entry,
    open_round,
    pay_claim,
    record_contribution_received,
)
from .overleg import (
    case_parties,
    claims_for_agenda,
    record_consultation,
    record_deviation_vote,
    record_discussion,
    request_deviation,
)
from .parties import give_notice, join_party, joining_message, notice_message

__all__ = [
    "ClaimIncomplete",
    "InsufficientFunds",
    "add_claim_document",
    "add_claim_line",
    "case_parties",
    "check_payment",
    "claims_for_agenda",
    "record_consultation",
    "record_deviation_vote",
    "record_discussion",
    "request_deviation",
    "correct_entry",
    "create_claim",
    "decide_claim",
    "dissolution_shares",
    "dissolve_fund",
    "file_claim",
    "give_notice",
    "join_party",
    "joining_message",
    "notice_message",
    "open_round",
    "paid_in_by_party",
    "pay_claim",
    "record_contribution_received",
    "record_regional_payment_received",
    "return_claim",
    "submit_to_mgr",
]
