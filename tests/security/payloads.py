"""An XSS payload in every free-text field users type into, placed through the services.

Each value starts with a tag naming the field ("[Research.finances]"), then the payload. The
escaping test finds, per field, the escaped form on some page and the raw payload on none.
Which fields count is read from the models (every CharField/TextField without choices of the
portal's apps); a field is either given a payload here or listed in NOT_TYPED with the reason.
"""

import datetime
import re

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.http import QueryDict
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from guarantee_fund import services as fund_services
from matching import services as matching_services
from referrals import services as referral_services
from subject_rights import services as subject_services
from woonkans.accounts.roles import Role
from woonkans.parties.models import Organisation

from ..referrals.conftest import PDF, make_ready

PAYLOAD = "\"'><img src=x onerror=alert(1)><script>alert(1)</script>"
# What must never reach a page unescaped.
RAW_MARKERS = ("<img src=x onerror=alert(1)>", "<script>alert(1)</script>")
# The tag of a stored value; \\? for values kept as JSON (a draft), where the quote is escaped.
TAG = re.compile(r"\[([A-Za-z_.]+)\]\\?\"'><img src=x onerror=alert\(1\)>")
APPS = ("parties", "accounts", "audit", "privacy", "referrals", "matching", "guarantee_fund", "monitoring")
APPS += ("subject_rights",)


# A file name cannot hold a "/" (the browser sends the base name only).
HOSTILE_FILE_NAME = "\"'><img src=x onerror=alert(1)>"


def say(tag):
    return f"[{tag}]{PAYLOAD}"


def shown(tag):
    """The start of the escaped value (long texts may be cut on lists)."""
    return escape(f"[{tag}]\"'><img src=x onerror=alert(1)>")


# Free-text fields that are not typed by users as text, with the reason.
NOT_TYPED = {
    "guarantee_fund.Claim.number": "written by the portal (woonkans.numbering)",
    "parties.NumberSequence.prefix": "written by the portal (woonkans.numbering)",
    "referrals.ExceptionRequest.number": "written by the portal (woonkans.numbering)",
    "referrals.Referral.number": "written by the portal (woonkans.numbering)",
    "subject_rights.SubjectRequest.number": "written by the portal (woonkans.numbering)",
    "parties.Region.slug": "reference data, slug-validated",
    "parties.Region.code_letter": "one letter, reference data",
    "parties.Organisation.slug": "slug-validated",
    "parties.Organisation.legal_name": "reference data shown only in the payment-request PDF",
    "accounts.User.password": "a hash",
    "monitoring.FigureSnapshot.language": "the language code the figures were computed in, set by the portal",
    "accounts.User.username": "username-validated (letters, digits and @.+-_ only)",
    "accounts.User.email": "e-mail-validated",
    "accounts.LoggingAcceptance.notice_version": "written by the portal",
    "accounts.AccessReviewItem.roles": "role codes written by the portal",
    "accounts.CredentialResetRequest.new_email": "e-mail-validated (form and credential_services)",
    "accounts.CredentialResetRequest.new_username": "username-validated (form and credential_services)",
    "audit.AccessLog.username": "snapshot of a validated username",
    "audit.AccessLog.organisation": "snapshot of Organisation.name, which is covered",
    "audit.AccessLog.roles": "role codes written by the portal",
    "audit.AccessLog.purpose": "written by the portal's selectors",
    "audit.AccessLog.subject": "pseudonym or id written by the portal",
    "audit.AccessLog.object_type": "written by the portal",
    "audit.AccessLog.object_id": "an id from a typed URL converter (uuid/int)",
    "audit.LoginEvent.reason": "a reason code written by the portal",
    "referrals.Identity.bsn": "digits only (11-test)",
    "referrals.Identity.bsn_index": "a keyed hash",
    "referrals.Identity.postcode": "postcode-validated, 7 characters",
    "referrals.Identity.phone": "phone-validated, 20 characters",
    "referrals.Identity.email": "e-mail-validated",
    "referrals.Consent.privacy_statement_version": "written by the portal",
    "referrals.Document.path": "random name chosen by the portal",
    "referrals.Document.file_name": "sanitised at upload (privacy.files.sanitize_filename); checked below",
    "referrals.Document.content_type": "sniffed by the portal",
    "referrals.Document.sha256": "a hash",
    "referrals.ReferralEvent.actor_organisation": "snapshot of Organisation.name, which is covered",
    "referrals.FormDraft.step": "a step slug from the URL, checked against the steps",
    "matching.AgendaItem.title": "made by the view from the item kind and the profile code",
    "matching.AgendaItem.decision": "a copy of the latest Decision.text (the page shows the decisions)",
    "matching.Profile.code": "pseudonym code made by the portal",
    "matching.Profile.origin": "a code copied from the research's choice field",
    "guarantee_fund.LedgerEntry.idempotency_key": "a hidden token made by the portal",
    "guarantee_fund.Claim.code": "the profile's pseudonym code",
    "guarantee_fund.Claim.payment_reference": "format-checked: letters, digits, - and / (guarantee_fund.rules)",
    "parties.Organisation.iban": "IBAN-validated (mod-97), letters and digits only",
    "guarantee_fund.ClaimDocument.path": "random name chosen by the portal",
    "guarantee_fund.ClaimDocument.file_name": "sanitised at upload (privacy.files.sanitize_filename); checked below",
    "guarantee_fund.ClaimDocument.content_type": "sniffed by the portal",
    "guarantee_fund.ClaimDocument.sha256": "a hash",
    "monitoring.CaseFact.origin": "a code",
    "monitoring.CaseFact.age_band": "a code",
    "monitoring.HalfYearReport.pdf_path": "chosen by the portal",
    "monitoring.HalfYearReport.csv_path": "chosen by the portal",
    "subject_rights.Rectification.record": "written by the portal",
    "monitoring.CaseFact.contract_form": "a choice code copied from the profile's contract form",
    "monitoring.CaseFact.ineligible_reason": "a condition code of the target-group check",
    "accounts.OidcIdentity.subject": "the provider's signed sub claim; shown only in the autoescaped admin",
    "accounts.OidcProvider.issuer": "URL-validated and checked against the provider's discovery document",
    "accounts.OidcProvider.client_id": "typed by the organisation's administrator; shown only in the autoescaped admin",
    "accounts.OidcProvider.client_secret": "encrypted and write-only: never rendered",
    "accounts.OidcProvider.scopes": "typed by the organisation's administrator; shown only in the autoescaped admin",
    "accounts.OidcProvider.match_claim": "a claim name; shown only in the autoescaped admin",
    "accounts.OidcProvider.mfa_amr_values": "claim values; shown only in the autoescaped admin",
    "accounts.OidcProvider.mfa_acr_values": "claim values; shown only in the autoescaped admin",
    "accounts.OidcProvider.status_message": "written by the portal's connection test",
    "subject_rights.Rectification.field": "a field name written by the portal",
    "subject_rights.Rectification.field_label": "a field label written by the portal",
}

RESEARCH_TEXT = (
    "housing_situation",
    "household_care",
    "daytime_activities",
    "finances",
    "social_network",
    "mobility",
    "social_self_reliance",
    "support_need",
    "regular_route_motivation",
    "origin_other",
    "rental_history_notes",
    "dwelling_needs",
    "neighbourhood_needs",
    "guardianship_notes",
)
PROFILE_TEXT = (
    "current_situation",
    "housing_situation",
    "household_care",
    "work_participation",
    "mobility",
    "social_network",
    "social_self_reliance",
    "finances",
    "conclusion",
    "failure_agreements",
    "dwelling_needs",
)


def text_fields():
    """'app.Model.field' of every free-text field of the portal's models."""
    labels = []
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                labels.append(f"{model._meta.label}.{field.name}")
    return labels


def research_payloads():
    return {field: say(f"Research.{field}") for field in RESEARCH_TEXT}


def identity_payloads(resident):
    """The resident's names and address with the payload after them (the log test still finds them)."""
    return {
        **resident,
        "given_name": resident["given_name"] + say("Identity.given_name"),
        "family_name": resident["family_name"] + say("Identity.family_name"),
        "street_address": resident["street_address"] + say("Identity.street_address"),
        "city": resident["city"] + say("Identity.city"),
    }


def decorate(world):
    """Type a payload into every free-text field, through the services; returns the extra pages to visit.

    The pages are (role, url name, kwargs) for objects the matrix does not visit.
    """
    own, users = world.own, world.users
    consultant, regisseur = users[Role.WMO_CONSULTANT], users[Role.KETENREGISSEUR]
    corporation, provider = users[Role.CORPORATION], users[Role.CARE_PROVIDER]
    treasurer, officer = users[Role.TREASURER], users[Role.PRIVACY_OFFICER]
    today = timezone.localdate()
    pages = []

    # Intake: feedback, a draft, an exception request, a withdrawn consent.
    referral_services.give_feedback(actor=regisseur, referral=own.submitted, kind=1, text=say("Feedback.text"))
    draft = QueryDict(mutable=True)
    draft["housing_situation"] = say("FormDraft.data")
    referral_services.save_draft(actor=consultant, referral=own.in_research, step="leefgebieden", data=draft)
    for step in ("persoon", "leefgebieden", "ondersteuning", "wonen", "documenten", "toestemming", "controle"):
        pages.append((Role.WMO_CONSULTANT, "referrals:step", {"referral_id": own.in_research.pk, "step": step}))
    pages.append((Role.WMO_CONSULTANT, "referrals:detail", {"referral_id": own.in_research.pk}))
    young = make_ready(consultant, age=17)
    exception_request = referral_services.request_exception(
        actor=consultant, referral=young, motivation=say("ExceptionRequest.motivation")
    )
    stopped = make_ready(consultant)
    referral_services.withdraw_consent(actor=consultant, referral=stopped, reason=say("Consent.withdrawal_reason"))
    pages.append((Role.WMO_CONSULTANT, "referrals:detail", {"referral_id": stopped.pk}))
    referral_services.add_document(
        actor=consultant,
        referral=own.in_research,
        kind=own.in_research.documents.first().kind,
        uploaded_file=SimpleUploadedFile(f"{HOSTILE_FILE_NAME}.pdf", PDF, content_type="application/pdf"),
    )

    # Mediation: profile text, an offer, a message, an evaluation, a case meeting with its outcome.
    profile = own.shared
    matching_services.update_profile(
        actor=regisseur,
        profile=profile,
        expected_version=profile.version,
        data={field: say(f"Profile.{field}") for field in PROFILE_TEXT},
    )
    # A provider outside the agreement, with the chair's exception (SOK art. 9.2b): both are shown.
    profile = matching_services.update_profile(
        actor=regisseur,
        profile=profile,
        expected_version=profile.version + 1,
        data={"care_provider": None, "care_provider_other": say("Profile.care_provider_other"), "care_funding": "pgb"},
    )
    matching_services.grant_pgb_exception(actor=regisseur, profile=profile, reason=say("Profile.pgb_exception_reason"))
    share = profile.shares.get(corporation=corporation.organisation)
    matching_services.respond_to_profile(
        actor=corporation,
        share=share,
        response="offer",
        offer={
            "dwelling_address": say("Offer.dwelling_address"),
            "dwelling_type": say("Offer.dwelling_type"),
            "rent_cents": 65_000,
            "available_from": today + datetime.timedelta(days=20),
        },
    )
    matching_services.post_message(
        actor=corporation, profile=profile, corporation=corporation.organisation, text=say("ProfileMessage.text")
    )
    matching_services.record_evaluation(
        actor=corporation, profile=own.matched, held_on=today, notes=say("Evaluation.notes")
    )
    second = matching_services.raise_signal(
        actor=provider,
        profile=own.matched,
        kind="situation_changed",
        text=say("Signal.text"),
        about=own.matched.match.corporation,
    )
    matching_services.plan_case_meeting(actor=regisseur, case_meeting=second, planned_on=today)
    matching_services.record_case_meeting_outcome(
        actor=regisseur,
        case_meeting=second,
        outcome=say("CaseMeeting.outcome"),
        participants=say("CaseMeeting.participants"),
    )
    matching_services.report_back_on_signal(
        actor=regisseur, case_meeting=second, report_back=say("CaseMeeting.report_back")
    )
    pages.append(
        (Role.KETENREGISSEUR, "matching:case_meeting", {"profile_id": own.matched.pk, "case_meeting_id": second.pk})
    )
    pages.append((Role.KETENREGISSEUR, "matching:my_case_meeting", {"case_meeting_id": second.pk}))
    # After-care: a signal that needs no case meeting, a refused provider change, a refused handover.
    third = matching_services.raise_signal(
        actor=provider,
        profile=own.matched,
        kind="situation_changed",
        text=say("Signal.text"),
        about=own.matched.match.corporation,
    )
    matching_services.record_no_case_meeting(
        actor=regisseur, case_meeting=third, reason=say("CaseMeeting.not_needed_reason")
    )
    pages.append(
        (Role.KETENREGISSEUR, "matching:case_meeting", {"profile_id": own.matched.pk, "case_meeting_id": third.pk})
    )
    other_people = world.other.people
    # The world's proposal to the other provider for the own case (reason typed in world._handshakes).
    matching_services.refuse_provider_change(
        actor=other_people["provider"], change=world.other.provider_change, reason=say("ProviderChange.refusal_reason")
    )
    pages.append((Role.KETENREGISSEUR, "matching:provider_change", {"profile_id": own.matched.pk}))
    handover = matching_services.propose_handover(
        actor=other_people["regisseur"],
        profile=world.other.matched,
        to_region=regisseur.organisation.region,
        note=say("Handover.note"),
    )
    matching_services.refuse_handover(actor=regisseur, handover=handover, reason=say("Handover.refusal_reason"))
    pages.append((Role.KETENREGISSEUR, "matching:handover", {"handover_id": handover.pk}))
    held = matching_services.create_meeting(actor=regisseur, region=regisseur.organisation.region, date=today)
    matching_services.check_in(actor=regisseur, meeting=held, organisation=regisseur.organisation)
    item = matching_services.add_agenda_item(
        actor=regisseur, meeting=held, kind="profile", title="Profiel", profile=profile
    )
    matching_services.record_discussion(actor=regisseur, item=item, text=say("AgendaItem.discussion"))
    matching_services.decide_item(actor=regisseur, item=item, decision=say("Decision.text"))
    matching_services.correct_decision(
        actor=regisseur, item=item, text=say("Decision.text"), reason=say("Decision.reason")
    )
    matching_services.add_agenda_item(
        actor=regisseur, meeting=held, kind="exception", title="Uitzondering", exception_request=exception_request
    )
    matching_services.mark_held(actor=regisseur, meeting=held, notes=say("Meeting.notes"))
    pages.append((Role.KETENREGISSEUR, "matching:meeting", {"meeting_id": held.pk}))
    pages.append((Role.KETENREGISSEUR, "matching:meeting_pdf", {"meeting_id": held.pk, "document": "verslag"}))

    # Fund: a returned claim and a paid one, a contribution with a reference, a correction.
    from .world import _case_at_stage

    people = own.people

    Organisation.objects.filter(pk=corporation.organisation_id).update(iban="NL91ABNA0417164300")
    for purpose in ("returned", "paid"):
        ended = _case_at_stage(
            people,
            "ended",
            dwelling_address=say("Match.dwelling_address"),
            evaluation=say("Match.end_evaluation"),
        )
        claim = fund_services.create_claim(
            actor=corporation,
            profile=ended,
            termination_date=today,
            termination_kind="evicted",
            evaluation=say("Claim.evaluation"),
            deposit_cents=10_000,
        )
        fund_services.add_claim_line(
            actor=corporation,
            claim=claim,
            category="rent",
            description=say("ClaimLine.description"),
            amount_cents=100_000,
            period_from=datetime.date(2026, 1, 1),
            period_to=datetime.date(2026, 2, 28),
        )
        fund_services.add_claim_document(
            actor=corporation,
            claim=claim,
            description=say("ClaimDocument.description"),
            uploaded_file=SimpleUploadedFile(f"{HOSTILE_FILE_NAME}.pdf", PDF, content_type="application/pdf"),
        )
        fund_services.add_claim_line(
            actor=corporation,
            claim=claim,
            category="repair",
            description="Deur",
            amount_cents=1_000,
            inspection_item=say("ClaimLine.inspection_item"),
        )
        fund_services.file_claim(
            actor=corporation,
            claim=claim,
            no_serious_negligence=True,
            asks_deviation=True,
            deviation_reason=say("Claim.deviation_reason"),
        )
        fund_services.record_discussion(claim_id=claim.pk, meeting_id=1, item_id=1, discussed_on=today)
        fund_services.record_consultation(
            actor=regisseur,
            claim=claim,
            organisations=[claim.corporation_id],
            consulted_on=today,
            outcome=say("ClaimConsultation.outcome"),
        )
        fund_services.request_deviation(
            actor=regisseur, claim=claim, rules=["documents"], motivation=say("ClaimDeviation.motivation")
        )
        fund_services.decide_claim(
            actor=regisseur,
            claim=claim,
            approve=True,
            approved_cents=100_000,
            motivation=say("Claim.decision_motivation"),
            negligence_reason=say("Claim.negligence_reason"),
        )
        fund_services.submit_to_mgr(actor=corporation, claim=claim)
        if purpose == "returned":
            fund_services.return_claim(actor=treasurer, claim=claim, reason=say("Claim.return_reason"))
            world.returned_claim = claim
        else:
            fund_services.pay_claim(
                actor=treasurer,
                claim=claim,
                paid_on=today,
                reference="XSS-PAID-0001",
                idempotency_key="xss-paid-claim",
            )
        pages.append((Role.CORPORATION, "guarantee_fund:claim", {"claim_id": claim.pk}))
        pages.append((Role.KETENREGISSEUR, "matching:profile", {"profile_id": ended.pk}))
        # The tenant page of a running trajectory: once it ended, the policy answers 404 there.
        pages.append((Role.CORPORATION, "matching:tenant", {"profile_id": own.matched.pk}))
        pages.append((Role.CORPORATION, "matching:trajectory", {"profile_id": ended.pk}))
        pages.append((Role.TREASURER, "guarantee_fund:claim", {"claim_id": claim.pk}))
    contribution = world.fund["contribution"]
    from guarantee_fund.models import Contribution

    second_contribution = Contribution.objects.create(
        round=contribution.round, party=Organisation.objects.get(name="Antares"), amount_cents=100_000
    )
    received = fund_services.record_contribution_received(
        actor=treasurer, contribution=second_contribution, received_on=today, reference=say("LedgerEntry.reference")
    )
    fund_services.correct_entry(actor=treasurer, entry=received, reason=say("LedgerEntry.description"))

    # The werkgroep's meetings (SOK art. 8.6): agenda and minutes typed by its members.
    from monitoring import services as monitoring_services

    werkgroep = users[Role.WERKGROEP]
    meeting = monitoring_services.plan_werkgroep_meeting(
        actor=werkgroep, held_on=today, agenda=say("WerkgroepMeeting.agenda")
    )
    monitoring_services.record_werkgroep_minutes(
        actor=werkgroep, meeting=meeting, minutes=say("WerkgroepMeeting.minutes")
    )
    pages.append((Role.WERKGROEP, "monitoring:werkgroep", {}))
    pages.append((Role.WERKGROEP, "monitoring:werkgroep_meeting", {"meeting_id": meeting.pk}))

    # Data-subject requests: request text, an extension, a refusal, a rectification.
    extended = subject_services.register_request(
        actor=officer,
        referral=own.submitted,
        kind="access",
        received_on=today,
        request_text=say("SubjectRequest.request_text"),
    )
    subject_services.extend_deadline(actor=officer, request=extended, reason=say("SubjectRequest.extension_reason"))
    refused = subject_services.register_request(
        actor=officer, referral=own.submitted, kind="objection", received_on=today, request_text="Bezwaar."
    )
    subject_services.decide_request(
        actor=officer, request=refused, granted=False, reason=say("SubjectRequest.decision_reason"), informed_on=today
    )
    corrected = subject_services.register_request(
        actor=officer, referral=own.in_research, kind="rectification", received_on=today, request_text="Adres."
    )
    subject_services.rectify(
        actor=officer,
        request=corrected,
        identity_changes={"postcode": "6041 AC"},
        research_changes={},
        reason=say("Rectification.reason"),
    )
    for request in (extended, refused, corrected):
        pages.append((Role.PRIVACY_OFFICER, "subject_rights:detail", {"request_id": request.pk}))

    # Login log: a failed login typed by anyone, with a hostile user agent.
    Client().post(
        "/inloggen/",
        {"login_view-current_step": "auth", "auth-username": say("LoginEvent.username"), "auth-password": "x"},
        HTTP_USER_AGENT=say("LoginEvent.user_agent"),
    )

    # Names typed by administrators: users, the own corporation and region (renamed last).
    for user in users.values():
        user.first_name = say("User.first_name")
        user.last_name = say("User.last_name")
        user.save(update_fields=["first_name", "last_name"])
    corp_org = corporation.organisation
    corp_org.name = say("Organisation.name")
    corp_org.save(update_fields=["name"])
    region = regisseur.organisation.region
    region.name = say("Region.name")
    region.save(update_fields=["name"])
    return pages


def typed_values():
    """{'app.Model.field': {tags}} of every stored value that carries the payload."""
    found = {}
    for label in text_fields():
        app_model, field = label.rsplit(".", 1)
        model = apps.get_model(app_model)
        for value in model._default_manager.values_list(field, flat=True):
            for tag in TAG.findall(str(value or "")):
                found.setdefault(label, set()).add(tag)
    return found
