"""The rows of one synthetic case, as the services would have written them."""

import datetime

from django.utils import timezone

from monitoring.models import CaseFact, CaseFactSearchArea
from monitoring.services import fact_values
from referrals import services as referral_services
from referrals.models import (
    FEEDBACK_DUE_SINCE,
    Consent,
    EventKind,
    ExceptionRequest,
    Feedback,
    FeedbackKind,
    Identity,
    Referral,
    ReferralEvent,
    Research,
)
from referrals.workflow import Status
from woonkans import bulk
from woonkans.choices import AgeBand
from woonkans.privacy import crypto

from ..models import (
    CaseMeeting,
    EndKind,
    Evaluation,
    Match,
    Offer,
    Profile,
    ProfileMessage,
    ProfileShare,
    ProfileStatus,
    ProfileVersion,
    ShareResponse,
    Signal,
)
from ..models.profile import new_code
from .plan import (
    BATCH,
    DWELLINGS,
    GIVEN_NAMES,
    SYNTHETIC_FAMILY_NAME,
    _at,
    _later,
)


def _facts(plan, referral, profile, today):
    """The plain values woonkans.cases.monitoring_facts would return for this case (referrals + matching)."""
    on = timezone.localdate(plan.submitted) if plan.submitted else today
    age = on.year - plan.birth_date.year - ((on.month, on.day) < (plan.birth_date.month, plan.birth_date.day))
    facts = {
        "status": plan.status,
        "region_id": plan.region_id,
        "municipality_id": plan.municipality.pk,
        "reported_by_provider": plan.reporter_id is not None,
        "origin": plan.origin,
        "age": age,
        "eligible": referral.eligible,
        "exception_requested": plan.exception_requested is not None,
        "eligibility_checked_at": referral.eligibility_checked_at,
        "ineligible_reason": "no_regular_route" if plan.exception_requested else "",
        "exception_granted": bool(plan.exception_granted),
        "created_at": plan.created,
        "submitted_at": plan.submitted,
        "closed_at": plan.closed,
    }
    if profile is not None:
        facts.update(
            profile_status=plan.profile_status,
            corporation_id=plan.corporation_id,
            shared_at=plan.shared,
            matched_at=plan.matched,
            housed_on=plan.housed_on,
            profile_ended_on=plan.ended_on,
            contract_form=plan.contract_form,
        )
    return fact_values(facts)


# Referenced rows before the rows that refer to them.
SAVE_ORDER = (
    CaseFact,
    Referral,
    Identity,
    Research,
    Consent,
    ExceptionRequest,
    ReferralEvent,
    Feedback,
    Profile,
    ProfileVersion,
    ProfileShare,
    Offer,
    ProfileMessage,
    Match,
    Evaluation,
    Signal,
    CaseMeeting,
    CaseFactSearchArea,
    Profile.search_area.through,
)


class Rows:
    def __init__(self):
        self.by_model = {}

    def add(self, obj):
        self.by_model.setdefault(type(obj), []).append(obj)
        return obj

    def save(self, *models):
        for model in models or SAVE_ORDER:
            bulk.insert(model, self.by_model.get(model, []), batch_size=BATCH)


def _event(rows, referral, kind, actor, at, note=""):
    rows.add(
        ReferralEvent(
            referral=referral,
            kind=kind,
            actor=actor,
            actor_organisation=actor.organisation.name if actor.organisation_id else "",
            at=at,
            note=note,
        )
    )


# The chair's three feedbacks to the Wmo consultant (the agreement's work process: "drie keer een
# terugkoppeling"): the text, and the low, typical and high number of working days after the step.
FEEDBACK = {
    FeedbackKind.PRECONDITIONS: ("Inschrijving als woningzoekende en budgetbeheer zijn geregeld.", (1, 4, 12)),
    FeedbackKind.PROFILE: ("Het profiel is gedeeld met de corporaties in het zoekgebied.", (1, 3, 10)),
    FeedbackKind.PLACEMENT: ("De inwoner gaat huren bij de gematchte corporatie.", (1, 2, 8)),
}


def _feedback(world, rows, referral, chair, kind, step, **values):
    """The chair's feedback of ``kind`` some working days after ``step``, if that moment has come."""
    text, days = FEEDBACK[kind]
    at = _later(world.rng, step, *days)
    if at <= world.now:
        rows.add(Feedback(referral=referral, kind=kind, text=text, author=chair, created_at=at, **values))
        if kind == FeedbackKind.PRECONDITIONS:
            # As referrals.services.give_feedback records it: lead-time step "feedback_1" has ended.
            referral.preconditions_feedback_at = at
        else:
            setattr(referral, FEEDBACK_DUE_SINCE[kind], None)  # and "feedback_2" or "feedback_3" too


def _build(world, rows, plan, codes):
    rng, municipality = world.rng, plan.municipality
    consultant = world.consultant(municipality)
    chair = world.chairs[plan.region_id]
    referral = rows.add(
        Referral(
            municipality=municipality,
            region_id=plan.region_id,
            status=plan.status,
            reported_by_id=plan.reporter_id,
            reported_with_mandate=plan.reporter_id is not None,
            created_by=consultant,
            created_at=plan.created,
            research_started_at=plan.research_started,
            submitted_at=plan.submitted,
            # As matching.services.create_profile records it: the case left the inbox with its profile.
            profile_started_at=plan.profile_created,
            closed_at=plan.closed,
            closed_reason="Synthetisch: afgesloten." if plan.closed else "",
            eligible=True if plan.submitted else (False if plan.exception_requested else None),
            eligibility_checked_at=plan.submitted or plan.exception_requested,
            exception_granted=bool(plan.exception_granted),
        )
    )
    bsn = _synthetic_bsn(rng)
    rows.add(
        Identity(
            referral=referral,
            given_name=f"{GIVEN_NAMES[plan.number % len(GIVEN_NAMES)]} {plan.number}",
            family_name=SYNTHETIC_FAMILY_NAME,
            bsn=bsn,
            bsn_index=crypto.blind_index(bsn, purpose=referral_services.BSN_INDEX_PURPOSE),
            birth_date=plan.birth_date,
            city=municipality.name.removeprefix("Gemeente "),
        )
    )
    rows.add(
        Research(
            referral=referral,
            support_need="Begeleiding bij geldzaken, post en het huishouden.",
            support_need_about_living=True,
            regular_route_motivation="Geen inschrijfduur en een negatieve huurhistorie.",
            origin=plan.origin,
            contract_form=plan.contract_form,
        )
    )
    reporter = world.staff.get(plan.reporter_id)
    if plan.reporter_id:
        _event(rows, referral, EventKind.REPORTED, reporter, plan.created)
    if plan.research_started:
        _event(rows, referral, EventKind.STARTED, consultant, plan.research_started)
    if plan.exception_requested or plan.submitted:
        consented = plan.exception_requested or plan.submitted
        rows.add(
            Consent(
                referral=referral,
                support_plan_signed_on=timezone.localdate(consented) - datetime.timedelta(days=2),
                informed_of_sharing=True,
                informed_of_rights=True,
                privacy_statement_version="2026-01",
                recorded_by=consultant,
                recorded_at=consented - datetime.timedelta(days=2),
                withdrawn_at=plan.closed if plan.status == Status.CONSENT_WITHDRAWN else None,
                withdrawal_reason="Synthetisch." if plan.status == Status.CONSENT_WITHDRAWN else "",
            )
        )
    if plan.exception_requested:
        decision = ExceptionRequest.Decision.OPEN
        if plan.exception_decided:
            decision = (
                ExceptionRequest.Decision.GRANTED if plan.exception_granted else ExceptionRequest.Decision.REFUSED
            )
        request = rows.add(
            ExceptionRequest(
                referral=referral,
                region_id=plan.region_id,
                failed_conditions=["no_regular_route"],
                motivation="Woont al jaren in de regio en dreigt dakloos te raken.",
                scanned=True,
                requested_by=consultant,
                requested_at=plan.exception_requested,
                decision=decision,
                decided_at=plan.exception_decided,
            )
        )
        plan.request = request
        _event(rows, referral, EventKind.EXCEPTION_REQUESTED, consultant, plan.exception_requested)
        if plan.exception_decided:
            kind = EventKind.EXCEPTION_GRANTED if plan.exception_granted else EventKind.EXCEPTION_REFUSED
            _event(rows, referral, kind, chair, plan.exception_decided)
    if plan.submitted:
        _event(rows, referral, EventKind.SUBMITTED, consultant, plan.submitted)
        _feedback(world, rows, referral, chair, FeedbackKind.PRECONDITIONS, plan.submitted)
    if plan.status in (Status.WITHDRAWN, Status.CONSENT_WITHDRAWN):
        kind = EventKind.WITHDRAWN if plan.status == Status.WITHDRAWN else EventKind.CONSENT_WITHDRAWN
        _event(rows, referral, kind, consultant, plan.closed)
    profile = _build_profile(world, rows, plan, referral, chair, codes) if plan.profile_created else None
    plan.referral, plan.profile = referral, profile
    fact = rows.add(CaseFact(**_facts(plan, referral, profile, world.today)))
    referral.fact = fact
    if profile is not None:
        rows.add(CaseFactSearchArea(fact=fact, municipality_id=municipality.pk))


def _build_profile(world, rows, plan, referral, chair, codes):
    rng, municipality = world.rng, plan.municipality
    code = new_code(municipality.region.code_letter)
    while code in codes:
        code = new_code(municipality.region.code_letter)
    codes.add(code)
    on = timezone.localdate(plan.submitted)
    age = on.year - plan.birth_date.year - ((on.month, on.day) < (plan.birth_date.month, plan.birth_date.day))
    profile = rows.add(
        Profile(
            referral=referral,
            region_id=plan.region_id,
            municipality=municipality,
            regisseur=chair,
            code=code,
            status=plan.profile_status,
            age_band=AgeBand.for_age(age),
            young_adult=18 <= age <= 27,
            origin=plan.origin,
            contract_form=plan.contract_form,
            current_situation="Verblijft in de opvang; wil met begeleiding zelfstandig wonen.",
            conclusion="Kan met ambulante begeleiding zelfstandig wonen.",
            dwelling_needs="Eenpersoonswoning, benedenwoning of met lift.",
            safety_plan_needed=False,
            care_provider_id=plan.provider_id,
            care_funding="zin",
            registered_on=on,
            created_at=plan.profile_created,
            shared_at=plan.shared,
            matched_at=plan.matched,
            housed_on=plan.housed_on,
            ended_on=plan.ended_on,
        )
    )
    rows.add(
        ProfileVersion(
            profile=profile,
            version=1,
            content={"current_situation": profile.current_situation, "conclusion": profile.conclusion},
            saved_by=chair,
            saved_at=plan.profile_created,
        )
    )
    rows.add(Profile.search_area.through(profile=profile, organisation_id=municipality.pk))
    if not plan.shared:
        return profile
    _event(rows, referral, EventKind.PROFILE_SHARED, chair, plan.shared)
    referral.profile_feedback_due_since = plan.shared  # as share_profile records it (mark_profile_shared)
    _feedback(world, rows, referral, chair, FeedbackKind.PROFILE, plan.shared)
    ended_at = None
    if plan.ended_on:
        ended_at = _at(rng, plan.ended_on)
    plan.offers = []
    for corporation_id, response, responded in plan.shares:
        matched_here = corporation_id == plan.corporation_id
        revoked = None
        if plan.matched and not matched_here:
            revoked = plan.matched
        elif plan.status == Status.CONSENT_WITHDRAWN:
            revoked = plan.closed
        elif matched_here and ended_at:
            revoked = ended_at
        share = rows.add(
            ProfileShare(
                profile=profile,
                corporation_id=corporation_id,
                shared_by=chair,
                shared_at=plan.shared,
                response=response,
                responded_at=responded,
                placed_elsewhere=bool(plan.matched and not matched_here),
                revoked_at=revoked,
            )
        )
        staff = world.staff[corporation_id]
        if response == ShareResponse.OFFER:
            offer = rows.add(
                Offer(
                    share=share,
                    dwelling_address=f"Demostraat {plan.number % 180 + 1}",
                    dwelling_type=rng.choice(DWELLINGS),
                    rent_cents=rng.randrange(48_000, 72_000, 250),
                    available_from=timezone.localdate(responded) + datetime.timedelta(days=rng.randint(14, 60)),
                    created_by=staff,
                    created_at=responded,
                )
            )
            plan.offers.append((offer, matched_here))
            if revoked is None and (profile.offered_at is None or responded < profile.offered_at):
                # As matching.models.profile.first_open_offer derives it (lead-time step "offer").
                profile.offered_at = responded
        if response and rng.random() < 0.3:
            asked = responded - datetime.timedelta(hours=2)
            rows.add(
                ProfileMessage(
                    profile=profile,
                    corporation_id=corporation_id,
                    author=staff,
                    text="Is een woning op de eerste verdieping zonder lift ook passend?",
                    created_at=asked,
                )
            )
            answered = responded + datetime.timedelta(hours=rng.randint(3, 40))
            if (
                answered > world.now
                and revoked is None
                and (profile.question_at is None or asked < profile.question_at)
            ):
                # As matching.models.profile.waiting_question derives it: the corporation's word is the last.
                profile.question_at = asked
            if answered <= world.now and revoked is None and profile.status == ProfileStatus.SHARED:
                # As matching.models.profile.waiting_message derives it: the regisseur's word, after the answer.
                share.message_at = answered
            if answered <= world.now:
                rows.add(
                    ProfileMessage(
                        profile=profile,
                        corporation_id=corporation_id,
                        author=chair,
                        text="Liever niet: de inwoner heeft last van zijn knie. Begane grond of met lift.",
                        created_at=answered,
                    )
                )
    if not plan.matched:
        return profile
    offer = next((offer for offer, here in plan.offers if here), None)
    corporation_staff, provider_staff = world.staff[plan.corporation_id], world.staff[plan.provider_id]
    housed = plan.profile_status == ProfileStatus.HOUSED and plan.housed_on is not None
    intended = max(timezone.localdate(plan.matched) + datetime.timedelta(days=14), offer.available_from)
    rows.add(
        Match(
            profile=profile,
            corporation_id=plan.corporation_id,
            offer=offer,
            dwelling_address=offer.dwelling_address,
            intended_date=intended,
            care_provider_id=plan.provider_id,
            municipality_id=referral.municipality_id,
            referral_id=referral.pk,
            corporation_contact=corporation_staff,
            provider_contact=provider_staff,
            matched_by=chair,
            matched_at=plan.matched,
            lease_signed_on=plan.housed_on,
            end_kind=plan.end_kind,
            ended_on=plan.ended_on,
            # As matching.models.trajectory.evaluation_due_from derives it: housed, from the last evaluation.
            evaluation_due_from=(max(plan.evaluations, default=plan.housed_on) if housed else None),
            end_evaluation="Huurachterstand liep op; de begeleiding kwam niet van de grond."
            if plan.end_kind in (EndKind.EVICTED, EndKind.LEFT)
            else ("Woont zelfstandig; de begeleiding is afgeschaald." if plan.end_kind else ""),
        )
    )
    _event(rows, referral, EventKind.MATCHED, chair, plan.matched, corporation_staff.organisation.name)
    referral.placement_feedback_due_since = plan.matched  # as make_match records it (mark_matched)
    _feedback(
        world,
        rows,
        referral,
        chair,
        FeedbackKind.PLACEMENT,
        plan.matched,
        corporation_id=plan.corporation_id,
        intended_date=intended,
    )
    if plan.housed_on:
        _event(rows, referral, EventKind.HOUSED, chair, _at(rng, plan.housed_on), plan.housed_on.strftime("%d-%m-%Y"))
    if plan.evaluations:
        profile.last_evaluation_on = max(plan.evaluations)  # as record_evaluation keeps it
    for held_on in plan.evaluations:
        evaluator = rng.choice([corporation_staff, provider_staff])
        rows.add(
            Evaluation(
                profile=profile,
                held_on=held_on,
                organisation_id=evaluator.organisation_id,
                author=evaluator,
                notes="Evaluatie met inwoner, corporatie en begeleider: de afspraken lopen.",
                created_at=_at(rng, held_on),
            )
        )
    for raised, kind, raiser_id, about_id in plan.signals:
        raiser = world.staff.get(raiser_id) or world.consultant(plan.municipality)
        signal = rows.add(
            Signal(
                profile=profile,
                kind=kind,
                text="De begeleiding is al weken niet langs geweest; de huur is twee keer te laat betaald.",
                raised_by=raiser,
                organisation_id=raiser_id,
                about_id=about_id,
                created_at=raised,
            )
        )
        planned = timezone.localdate(raised) + datetime.timedelta(days=10)
        held = planned <= world.today
        rows.add(
            CaseMeeting(
                profile=profile,
                signal=signal,
                signalled_at=raised,
                region_id=profile.region_id,
                status=CaseMeeting.Status.HELD if held else CaseMeeting.Status.PLANNED,
                casusregisseur=world.consultant(plan.municipality),
                planned_on=planned,
                held_on=planned if held else None,
                participants="Corporatie, zorgaanbieder, casusregisseur" if held else "",
                outcome="Nieuwe afspraken over de begeleiding en een betalingsregeling." if held else "",
            )
        )
        plan.signal_objects = [*getattr(plan, "signal_objects", []), signal]
        _event(rows, referral, EventKind.SIGNAL_RAISED, raiser, raised)
    if plan.ended_on:
        _event(rows, referral, EventKind.ENDED, chair, _at(rng, plan.ended_on), EndKind(plan.end_kind).label)
    return profile


def _synthetic_bsn(rng):
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        total = sum(digit * weight for digit, weight in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last <= 9:
            return "".join(map(str, digits)) + str(last)
