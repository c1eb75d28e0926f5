"""What the fund does when the overleg (matching) reports on a claim, after matching's commit."""

from .services import overleg


def on_claim_discussed(event):
    overleg.record_discussion(
        claim_id=event.claim_id, meeting_id=event.meeting_id, item_id=event.item_id, discussed_on=event.discussed_on
    )


def on_deviation_voted(event):
    overleg.record_deviation_vote(
        claim_id=event.claim_id,
        deviation_id=event.deviation_id,
        meeting_id=event.meeting_id,
        item_id=event.item_id,
        voted_on=event.voted_on,
        consented=event.consented,
        votes_for=event.votes_for,
        present=event.present,
    )


def register():
    from woonkans import cases, events

    events.subscribe(events.ClaimDiscussed, on_claim_discussed)
    events.subscribe(events.ClaimDeviationVoted, on_deviation_voted)
    cases.register_claims_for_agenda(overleg.claims_for_agenda)
