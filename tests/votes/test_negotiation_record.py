"""A clause the meeting adopts, by vote or without one, becomes agreed through an event in its
text's hash-chained record that cites the decision; one that is rejected stays as it was."""

import pytest

from server.common.errors import Conflict
from server.negotiation import selectors
from server.negotiation.models import NegotiationEvent
from server.votes import services
from server.votes.services.opening import Question, Rules
from tests.support.builders import text_build

from .conftest import Room

pytestmark = [pytest.mark.django_db]


def clause_vote(room: Room, text: int, clause: int | None) -> int:
    """A recorded vote on a clause of the text, or on the whole text (``clause`` None)."""
    question = Question(
        question="Operative paragraph 1" if clause else "Draft resolution L.1",
        subject="clause" if clause else "text",
        text=text,
        clause=clause,
    )
    opened = services.vote_open(
        actor=room.chair,
        meeting=room.meeting,
        question=question,
        rules=Rules(kind="recorded"),
        candidates=[],
    )
    return int(opened.data["decision"]["id"])


def test_a_clause_adopted_by_vote_becomes_agreed_citing_the_vote(room: Room) -> None:
    text = text_build(room.secretariat, clauses=[("op", "Decides to act;")])
    decision = clause_vote(room, text.pk, 1)
    room.cast("Brazil", decision, "yes")
    room.cast("Chile", decision, "no")
    room.cast("Denmark", decision, "yes")
    closed, agreed = room.close(decision)
    assert (closed.type, agreed.type) == ("decision.closed", "negotiation.clause.status")
    assert agreed.seq == closed.seq + 1
    logged = NegotiationEvent.objects.get(text=text, room_event=agreed)
    assert logged.payload["decision"] == {
        "id": decision,
        "kind": "recorded",
        "meeting": room.meeting.pk,
        "seq": closed.seq,
        "outcome": "adopted",
        "yes": 2,
        "no": 1,
        "abstain": 0,
    }
    text.refresh_from_db()
    assert selectors.text_state(text).clauses[1].status == "agreed"
    assert selectors.chain_verify(text).ok


def test_a_rejected_clause_stays_as_it_was(room: Room) -> None:
    text = text_build(room.secretariat, clauses=[("op", "Decides to act;")])
    decision = clause_vote(room, text.pk, 1)
    room.cast("Brazil", decision, "no")
    [closed] = room.close(decision)
    assert closed.data["decision"]["result"]["outcome"] == "rejected"
    text.refresh_from_db()
    assert selectors.text_state(text).clauses[1].status != "agreed"


def test_a_clause_that_cannot_be_agreed_is_not_put_to_the_meeting(room: Room) -> None:
    text = text_build(room.secretariat, clauses=[("op", "Decides to [act];")])
    with pytest.raises(Conflict, match="brackets"):
        clause_vote(room, text.pk, 1)
    with pytest.raises(Conflict, match="no clause 7"):
        clause_vote(room, text.pk, 7)


def test_a_clause_adopted_without_a_vote_becomes_agreed(room: Room) -> None:
    text = text_build(room.secretariat, clauses=[("op", "Decides to act;")])
    question = Question(question="Operative paragraph 1", subject="clause", text=text.pk, clause=1)
    opened = services.decision_open(
        actor=room.chair, meeting=room.meeting, question=question, pause=0
    )
    closed, agreed = room.close(opened.data["decision"]["id"])
    assert closed.data["decision"]["result"]["outcome"] == "adopted"
    assert agreed.data["payload"]["decision"]["kind"] == "without_vote"
    text.refresh_from_db()
    assert selectors.text_state(text).clauses[1].status == "agreed"


def test_a_text_adopted_whole_makes_each_clause_not_agreed_yet_agreed_citing_the_vote(
    room: Room,
) -> None:
    clauses = [("pp", "Recalling its resolutions;"), ("op", "Decides to act;")]
    text = text_build(room.secretariat, clauses=[*clauses, ("op", "Requests a report;")])
    agreed_first = clause_vote(room, text.pk, 1)
    room.cast("Brazil", agreed_first, "yes")
    room.close(agreed_first)
    decision = clause_vote(room, text.pk, None)
    room.cast("Brazil", decision, "yes")
    closed, *agreed = room.close(decision)
    assert [event.type for event in agreed] == ["negotiation.clause.status"] * 2
    logged = NegotiationEvent.objects.filter(text=text, room_event__in=agreed)
    assert {event.payload["decision"]["seq"] for event in logged} == {closed.seq}
    text.refresh_from_db()
    state = selectors.text_state(text)
    assert [state.clauses[key].status for key in (1, 2, 3)] == ["agreed"] * 3
    assert selectors.chain_verify(text).ok


def test_a_text_with_a_clause_that_cannot_be_agreed_is_not_put_to_the_meeting(
    room: Room,
) -> None:
    text = text_build(room.secretariat, clauses=[("op", "Decides to act;"), ("op", "[Urges];")])
    with pytest.raises(Conflict, match="Clause 2 still has brackets"):
        clause_vote(room, text.pk, None)
    agreed = text_build(room.secretariat, clauses=[("op", "Decides to act;")])
    decision = clause_vote(room, agreed.pk, 1)
    room.cast("Brazil", decision, "yes")
    room.close(decision)
    with pytest.raises(Conflict, match="agreed already"):
        clause_vote(room, agreed.pk, None)
