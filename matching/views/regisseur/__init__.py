"""The regisseur's pages: profiles of the region, writing and scanning, sharing, match, trajectory."""

from .editing import finding_override, profile_edit
from .profiles import profile_create, profile_detail, profile_list, profile_pdf, profile_versions
from .route import case_meeting, profile_end, profile_handover, profile_housed, profile_match
from .sharing import message_post, profile_share

__all__ = [
    "case_meeting",
    "finding_override",
    "message_post",
    "profile_create",
    "profile_detail",
    "profile_edit",
    "profile_end",
    "profile_handover",
    "profile_housed",
    "profile_list",
    "profile_match",
    "profile_pdf",
    "profile_share",
    "profile_versions",
]
