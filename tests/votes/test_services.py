"""Decisions end to end through their services: a recorded vote announced with its names and
majority, nothing told before the close but who voted, adoption without a vote and the
objections that stop it, majorities and quorum, and the room events replayed."""

import contextlib
import json

import pytest
from django.db import transaction

from server.common.errors import Conflict, Forbidden, InvalidInput
from server.rooms.models import RoomEvent
from server.rooms.selectors import events_after, room_snapshot
from server.votes import services
from server.votes.models import Decision
from server.votes.results import required_votes
from server.votes.services.opening import Question

from .conftest import TIME, Room, Undo, ids_restart

pytestmark = [pytest.mark.django_db]


def stored(room: Room) -> list[RoomEvent]:
    return list(RoomEvent.objects.filter(meeting=room.meeting).order_by("seq"))


def test_a_recorded_vote_announces_its_result_with_the_names(room: Room) -> None:
    decision = room.vote("recorded")
    room.cast("Brazil", decision, "yes")
    room.cast("Chile", decision, "yes")
    room.cast("Denmark", decision, "no")
    room.cast("Egypt", decision, "abstain")
    [closed] = room.close(decision)
    assert closed.type == "decision.closed"
    result = closed.data["decision"]["result"]
    assert result | {"candidates": [], "objections": []} == {
        "outcome": "adopted",
        "yes": 2,
        "no": 1,
        "abstain": 1,
        "required": 2,
        "reached": True,
        "quorum_met": True,
        "in_favour": ["Brazil", "Chile"],
        "against": ["Denmark"],
        "abstaining": ["Egypt"],
        "not_voting": ["Fiji"],
        "candidates": [],
        "elected": None,
        "objections": [],
    }
    assert Decision.objects.get(pk=decision).outcome == "adopted"


def seen_before_the_close(room: Room, choices: dict[str, str]) -> list[str]:
    """Every room event and the snapshot's votes, as stored and sent, once the delegations
    named have voted so; then undone (times left out)."""
    with contextlib.suppress(Undo), transaction.atomic():
        ids_restart()
        decision = room.vote("recorded")
        for name, choice in choices.items():
            room.cast(name, decision, choice)
        events = [json.dumps([e.type, e.data]) for e in stored(room)]
        snapshot = json.dumps(room_snapshot(room.meeting, room.chair)["parts"]["votes"])
        seen = [TIME.sub("<time>", text) for text in [*events, snapshot]]
        raise Undo
    return seen


def test_before_the_close_everyone_sees_who_voted_and_nobody_how(room: Room) -> None:
    """Brazil for and Denmark against, or the other way round: until the close, the events
    and the snapshot are the same either way."""
    one_way = seen_before_the_close(room, {"Brazil": "yes", "Denmark": "no"})
    other_way = seen_before_the_close(room, {"Brazil": "no", "Denmark": "abstain"})
    assert one_way == other_way
    assert len(one_way) == 4 and '"voted": ["BRA", "DEN"]' in one_way[-1]
    decision = room.vote("recorded")
    room.cast("Brazil", decision, "yes")
    room.cast("Denmark", decision, "no")
    assert stored(room)[-1].data["decision"]["result"] is None
    room.close(decision)
    assert stored(room)[-1].data["decision"]["result"]["against"] == ["Denmark"]


def test_the_events_replayed_after_a_reconnect_rebuild_the_vote(room: Room) -> None:
    decision = room.vote("recorded")
    seen = 0  # Fiji's page saw the room before the vote
    room.cast("Brazil", decision, "yes")
    room.close(decision)
    replayed = events_after(room.meeting, room.delegates["Fiji"], seen, limit=1000)
    assert [e["type"] for e in replayed] == ["decision.opened", "ballot.cast", "decision.closed"]
    fresh = room_snapshot(room.meeting, room.delegates["Fiji"])["parts"]["votes"]
    assert fresh == {"decisions": [replayed[-1]["data"]["decision"]]}


def test_a_ballot_is_refused_after_the_close_and_twice_unless_the_rule_allows(room: Room) -> None:
    fixed = room.vote("recorded")
    room.cast("Brazil", fixed, "yes")
    with pytest.raises(Conflict, match="does not allow changes"):
        services.vote_cast(
            actor=room.alternate,
            meeting=room.meeting,
            decision_id=fixed,
            choice="no",
            candidate=None,
        )
    room.close(fixed)
    with pytest.raises(Conflict, match="closed"):
        room.cast("Chile", fixed, "yes")
    changing = room.vote("recorded", changes_allowed=True)
    room.cast("Brazil", changing, "yes")
    services.vote_cast(
        actor=room.alternate,
        meeting=room.meeting,
        decision_id=changing,
        choice="no",
        candidate=None,
    )
    [closed] = room.close(changing)
    assert closed.data["decision"]["result"]["against"] == ["Brazil"]


def test_observers_advisers_and_staff_do_not_vote(room: Room) -> None:
    decision = room.vote("recorded")
    for who in (room.observer, room.adviser, room.secretariat, room.chair):
        with pytest.raises(Forbidden):
            services.vote_cast(
                actor=who, meeting=room.meeting, decision_id=decision, choice="yes", candidate=None
            )
    assert [e.type for e in stored(room)] == ["decision.opened"]


@pytest.mark.parametrize(
    ("majority", "votes", "outcome", "required"),
    [
        ("simple", {"yes": 2, "no": 2}, "rejected", 3),  # equally divided: rejected
        ("simple", {"yes": 3, "no": 2}, "adopted", 3),
        ("two_thirds", {"yes": 3, "no": 2}, "rejected", 4),
        ("two_thirds", {"yes": 4, "no": 2}, "adopted", 4),
    ],
)
def test_majorities_count_the_members_present_and_voting(
    majority: str, votes: dict[str, int], outcome: str, required: int
) -> None:
    present_and_voting = votes["yes"] + votes["no"]
    assert required_votes(majority, present_and_voting) == required
    assert (votes["yes"] >= required) == (outcome == "adopted")


def test_a_two_thirds_vote_with_abstentions_and_a_quorum(room: Room) -> None:
    decision = room.vote("recorded", majority="two_thirds", quorum=4)
    for name, choice in zip(
        ("Brazil", "Chile", "Denmark", "Egypt"), ("yes", "yes", "no", "abstain"), strict=True
    ):
        room.cast(name, decision, choice)
    result = room.close(decision)[0].data["decision"]["result"]
    assert (result["outcome"], result["required"], result["reached"]) == ("adopted", 2, True)
    short = room.vote("recorded", quorum=4)
    room.cast("Brazil", short, "yes")
    result = room.close(short)[0].data["decision"]["result"]
    assert (result["outcome"], result["quorum_met"], result["reached"]) == (
        "no_quorum",
        False,
        False,
    )


def test_a_show_of_hands_announces_counts_only(room: Room) -> None:
    decision = room.vote("show_of_hands")
    room.cast("Brazil", decision, "no")
    room.cast("Chile", decision, "no")
    result = room.close(decision)[0].data["decision"]["result"]
    assert (result["outcome"], result["no"]) == ("rejected", 2)
    assert result["in_favour"] == result["against"] == result["not_voting"] == []


def test_adoption_without_a_vote_and_an_objection(room: Room) -> None:
    question = Question(question="The agenda", subject="other")
    opened = services.decision_open(
        actor=room.chair, meeting=room.meeting, question=question, pause=0
    )
    decision = opened.data["decision"]["id"]
    [closed] = room.close(decision)
    assert closed.data["decision"]["result"]["outcome"] == "adopted"
    opened = services.decision_open(
        actor=room.chair, meeting=room.meeting, question=question, pause=600
    )
    decision = opened.data["decision"]["id"]
    objected = services.decision_object(
        actor=room.delegates["Egypt"], meeting=room.meeting, decision_id=decision
    )
    assert objected.data["decision"]["objections"] == ["EGY"]
    with pytest.raises(Conflict, match="objected already"):
        services.decision_object(
            actor=room.delegates["Egypt"], meeting=room.meeting, decision_id=decision
        )
    with pytest.raises(Conflict, match="pause for objections runs"):
        room.close(decision)
    Decision.objects.filter(pk=decision).update(
        closes_at=Decision.objects.get(pk=decision).opened_at
    )
    with pytest.raises(Conflict, match="pause for objections is over"):
        services.decision_object(
            actor=room.delegates["Fiji"], meeting=room.meeting, decision_id=decision
        )
    result = room.close(decision)[0].data["decision"]["result"]
    assert (result["outcome"], result["objections"]) == ("objected", ["Egypt"])


def test_one_decision_at_a_time_and_votes_in_time(room: Room) -> None:
    decision = room.vote("recorded", duration=60)
    with pytest.raises(Conflict, match="Another decision is open"):
        room.vote("recorded")
    Decision.objects.filter(pk=decision).update(
        closes_at=Decision.objects.get(pk=decision).opened_at
    )
    with pytest.raises(Conflict, match="run out"):
        room.cast("Brazil", decision, "yes")


def test_a_vote_checks_what_its_kind_allows(room: Room) -> None:
    with pytest.raises(InvalidInput, match="Only an election has candidates"):
        room.vote("recorded", candidates=["A"])
    with pytest.raises(InvalidInput, match="changes"):
        room.vote("roll_call", changes_allowed=True)
    decision = room.vote("recorded")
    with pytest.raises(InvalidInput):
        room.cast("Brazil", decision, None)
    with pytest.raises(InvalidInput):
        room.cast("Brazil", decision, "yes", candidate=1)
