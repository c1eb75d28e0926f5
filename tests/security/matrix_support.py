"""The objects each URL pattern is asked about, and the signed-in clients per role.

CASE_KWARGS builds a URL's keyword arguments from one world's case (own or other organisation);
GLOBAL_KWARGS from objects that belong to no organisation (the fund, monitoring, the admin).
"""

import re

from django.test import Client
from django.urls import get_resolver, reverse

from ..conftest import sign_in
from ..urlwalk import _walk

CASE_KWARGS = {
    "referrals:detail": lambda c: {"referral_id": c.submitted.pk},
    "referrals:research_start": lambda c: {"referral_id": c.reported.pk},
    "referrals:step": lambda c: {"referral_id": c.in_research.pk, "step": "persoon"},
    "referrals:autosave": lambda c: {"referral_id": c.in_research.pk, "step": "persoon"},
    "referrals:document_remove": lambda c: {
        "referral_id": c.in_research.pk,
        "document_id": c.in_research_document.pk,
    },
    "referrals:submit": lambda c: {"referral_id": c.in_research.pk},
    "referrals:exception": lambda c: {"referral_id": c.in_research.pk},
    "referrals:withdraw": lambda c: {"referral_id": c.in_research.pk},
    "referrals:consent_withdraw": lambda c: {"referral_id": c.in_research.pk},
    "referrals:feedback": lambda c: {"referral_id": c.submitted.pk},
    "referrals:document": lambda c: {"document_id": c.matched_document.pk},
    "matching:profile_create": lambda c: {"referral_id": c.submitted.pk},
    "matching:profile": lambda c: {"profile_id": c.shared.pk},
    "matching:profile_edit": lambda c: {"profile_id": c.shared.pk},
    "matching:finding_override": lambda c: {"profile_id": c.shared.pk},
    "matching:profile_share": lambda c: {"profile_id": c.shared.pk},
    "matching:message": lambda c: {"profile_id": c.shared.pk, "corporation_id": c.corporation.pk},
    "matching:profile_match": lambda c: {"profile_id": c.shared.pk},
    "matching:profile_housed": lambda c: {"profile_id": c.matched.pk},
    "matching:profile_end": lambda c: {"profile_id": c.matched.pk},
    "matching:profile_handover": lambda c: {"profile_id": c.matched.pk},
    "matching:profile_versions": lambda c: {"profile_id": c.shared.pk},
    "matching:profile_pdf": lambda c: {"profile_id": c.shared.pk},
    "matching:case_meeting": lambda c: {"profile_id": c.matched.pk, "case_meeting_id": c.case_meeting.pk},
    "matching:corporation_profile": lambda c: {"profile_id": c.shared.pk},
    "matching:corporation_profile_pdf": lambda c: {"profile_id": c.shared.pk},
    "matching:tenant": lambda c: {"profile_id": c.matched.pk},
    "matching:trajectory": lambda c: {"profile_id": c.matched.pk},
    "matching:my_case_meeting": lambda c: {"case_meeting_id": c.case_meeting.pk},
    "matching:handover": lambda c: {"handover_id": c.handover.pk},
    "matching:provider_change": lambda c: {"profile_id": c.matched.pk},
    "matching:provider_change_answer": lambda c: {"change_id": c.provider_change.pk},
    "matching:trajectory_contacts": lambda c: {"profile_id": c.matched.pk},
    "matching:signal_report_back": lambda c: {"profile_id": c.matched.pk, "case_meeting_id": c.case_meeting.pk},
    "matching:meeting": lambda c: {"meeting_id": c.meeting.pk},
    "matching:meeting_action": lambda c: {"meeting_id": c.meeting.pk, "action": "aanwezigheid"},
    "matching:meeting_pdf": lambda c: {"meeting_id": c.meeting.pk, "document": "agenda"},
    "guarantee_fund:claim": lambda c: {"claim_id": c.claim.pk},
    "guarantee_fund:claim_action": lambda c: {"claim_id": c.claim.pk, "action": "regel"},
    "guarantee_fund:claim_document": lambda c: {"claim_id": c.claim.pk, "document_id": c.claim_document.pk},
    "guarantee_fund:claim_pdf": lambda c: {"claim_id": c.claim.pk},
    "guarantee_fund:claim_new": lambda c: {"profile_id": c.ended.pk},
    "subject_rights:detail": lambda c: {"request_id": c.access_request.pk},
    "subject_rights:rectify": lambda c: {"request_id": c.rectification_request.pk},
    "subject_rights:export": lambda c: {"request_id": c.access_request.pk, "file_format": "json"},
    "subject_rights:access_history": lambda c: {"request_id": c.access_request.pk},
    "subject_rights:act": lambda c: {"request_id": c.access_request.pk, "action": "verlengen"},
    "subject_rights:register": lambda c: {"referral_id": c.submitted.pk},
    "access_review": lambda c: {"review_id": c.review.pk},
    "access_review_decide": lambda c: {"review_id": c.review.pk, "item_id": c.review.items.order_by("pk").first().pk},
    "access_review_close": lambda c: {"review_id": c.review.pk},
}

GLOBAL_KWARGS = {
    "guarantee_fund:entry_correct": lambda w: {"entry_id": w.fund["entry"].pk},
    "guarantee_fund:round": lambda w: {"round_id": w.fund["round"].pk},
    "guarantee_fund:party_iban": lambda w: {"party_id": w.fund["contribution"].party_id},
    "guarantee_fund:regional_payment_request": lambda w: {"round_id": w.fund["regional_round"].pk},
    "guarantee_fund:regional_received": lambda w: {"round_id": w.fund["regional_round"].pk},
    "guarantee_fund:contribution_received": lambda w: {
        "round_id": w.fund["round"].pk,
        "contribution_id": w.fund["contribution"].pk,
    },
    "guarantee_fund:payment_request": lambda w: {
        "round_id": w.fund["round"].pk,
        "contribution_id": w.fund["contribution"].pk,
    },
    "monitoring:report_file": lambda w: {"report_id": w.fund["report"].pk, "kind": "csv"},
    "monitoring:werkgroep_member_end": lambda w: {"member_id": w.fund["werkgroep_member"].pk},
    "monitoring:werkgroep_meeting": lambda w: {"meeting_id": w.fund["werkgroep_meeting"].pk},
    "admin:app_list": lambda w: {"app_label": "accounts"},
    "admin:view_on_site": lambda w: dict(
        zip(("content_type_id", "object_id"), w.admin_objects["view_on_site"], strict=True)
    ),
    "admin:otp_totp_totpdevice_config": lambda w: {"pk": w.admin_objects["otp_totp_totpdevice"]},
    "admin:otp_totp_totpdevice_qrcode": lambda w: {"pk": w.admin_objects["otp_totp_totpdevice"]},
    "role_request_decide": lambda w: {"request_id": w.admin_objects["role_request"]},
    "admin:accounts_oidcprovider_check": lambda w: {"object_id": w.admin_objects["accounts_oidcprovider"]},
    "credential_change": lambda w: {"user_id": w.admin_objects["accounts_user"]},
    "credential_request_decide": lambda w: {"request_id": w.admin_objects["credential_request"]},
    "password_set": lambda w: {"uidb64": "MQ", "token": "set-password"},
}

ADMIN_OBJECT_URL = re.compile(r"^admin:(?P<model>[a-z_]+?)_(change|delete|history)$")
ADMIN_PASSWORD_URL = "admin:auth_user_password_change"


def url_parameters():
    """{url name: [keyword names]} for every named pattern."""
    result = {}
    for name, entry in _walk(get_resolver().url_patterns):
        result.setdefault(name, list(entry.pattern.regex.groupindex))
    return result


def global_kwargs(name, world):
    if name in GLOBAL_KWARGS:
        return GLOBAL_KWARGS[name](world)
    if name == ADMIN_PASSWORD_URL:
        return {"id": world.admin_objects["accounts_user"]}
    match = ADMIN_OBJECT_URL.match(name)
    if match and match["model"] in world.admin_objects:
        return {"object_id": world.admin_objects[match["model"]]}
    return None


def path_for(name, world, which):
    """The concrete path of a URL name for the own or the other world's object."""
    if name in CASE_KWARGS:
        case = world.own if which == "own" else world.other
        return reverse(name, kwargs=CASE_KWARGS[name](case))
    kwargs = global_kwargs(name, world)
    return reverse(name, kwargs=kwargs) if kwargs is not None else reverse(name)


def client_for(user):
    client = Client()
    sign_in(client, user)
    return client
