"""The presiding officer closes a decision: the result is announced to everyone, with the
majority required and whether it was reached; a clause adopted becomes agreed in its text's
record, citing the decision."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.common.errors import Conflict
from server.common.json_types import JSON
from server.conferences.models import Meeting, Participant
from server.conferences.roles import check_presiding
from server.negotiation.selectors import text_adoption_clauses, text_state
from server.negotiation.services import clause_adopt
from server.rooms.models import RoomEvent
from server.rooms.services import room_lock
from server.rooms.services.room import check_in_session

from ..events import DecisionClosed, ResultRef, Tally
from ..models import Ballot, Decision
from ..results import Counted, election_result, vote_result, without_vote_result
from ..selectors import voting_delegations
from .decision import check_open, decision_announce, decision_in

Kind = Decision.Kind


def _without_vote(decision: Decision) -> ResultRef:
    now = timezone.now()
    if decision.closes_at is not None and now < decision.closes_at:
        left = (decision.closes_at - now).total_seconds()
        raise Conflict(_("The pause for objections runs for {left:.0f} more seconds."), left=left)
    return without_vote_result([o.delegation.name for o in decision.objections.all()])


def _counted(decision: Decision, meeting: Meeting) -> Counted:
    if decision.kind == Kind.ROLL_CALL and decision.turn < len(decision.roll):
        called = decision.roll[decision.turn]
        raise Conflict(_("The roll call is not over: {called} is to be called."), called=called)
    ballots = {b.delegation_id: b.choice for b in decision.ballots.all()}
    by_choice: dict[str | None, list[str]] = {}
    for delegation in voting_delegations(meeting):
        by_choice.setdefault(ballots.get(delegation.pk), []).append(delegation.name)
    return Counted(
        in_favour=by_choice.get(Ballot.Choice.YES, []),
        against=by_choice.get(Ballot.Choice.NO, []),
        abstaining=by_choice.get(Ballot.Choice.ABSTAIN, []),
        not_voting=by_choice.get(None, []),
        named=decision.kind != Kind.SHOW_OF_HANDS,
    )


def _result(decision: Decision, meeting: Meeting) -> ResultRef:
    if decision.kind == Kind.WITHOUT_VOTE:
        return _without_vote(decision)
    if decision.is_secret:
        tallies = [Tally(name=c.name, votes=c.votes) for c in decision.candidates.all()]
        return election_result(decision, tallies, decision.blank)
    return vote_result(decision, _counted(decision, meeting))


def _citation(decision: Decision, closed: RoomEvent, result: ResultRef) -> dict[str, JSON]:
    return {
        "id": decision.pk,
        "kind": decision.kind,
        "meeting": decision.meeting_id,
        "seq": closed.seq,
        "outcome": result["outcome"],
        "yes": result["yes"],
        "no": result["no"],
        "abstain": result["abstain"],
    }


def decision_close(*, actor: Participant, meeting: Meeting, decision_id: int) -> list[RoomEvent]:
    """Close the decision and announce its result. A clause adopted becomes agreed, and so
    does every clause of a text adopted whole: each event in the text's hash-chained record
    cites the decision (its room event's seq)."""
    check_presiding(actor)
    with transaction.atomic():
        state = room_lock(meeting)
        check_in_session(meeting)
        decision = decision_in(meeting, decision_id)
        check_open(decision)
        result = _result(decision, meeting)
        decision.result = dict(result)
        decision.outcome = result["outcome"]
        decision.closed_at = timezone.now()
        decision.save(update_fields=["result", "outcome", "closed_at"])
        closed = decision_announce(state, decision, DecisionClosed, actor)
        if result["outcome"] != Decision.Outcome.ADOPTED or decision.text is None:
            return [closed]
        text = decision.text
        clauses = (
            [decision.clause]
            if decision.clause is not None
            else text_adoption_clauses(text_state(text))
        )
        citation = _citation(decision, closed, result)
        agreed = [
            clause_adopt(actor=actor, meeting=meeting, text=text, clause=key, decision=citation)
            for key in clauses
        ]
        return [closed, *(event.room_event for event in agreed if event.room_event is not None)]
