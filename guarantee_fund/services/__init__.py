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
from .ledger import (
    InsufficientFunds,
    check_payment,
    correct_entry,
    dissolve_fund,
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
from .parties import give_notice, join_party

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
    "dissolve_fund",
    "file_claim",
    "give_notice",
    "join_party",
    "open_round",
    "pay_claim",
    "record_contribution_received",
    "return_claim",
    "submit_to_mgr",
]
