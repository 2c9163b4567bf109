"""A roll call: delegations called one by one in alphabetical order from one drawn by lot; a
delegation absent at its turn is called again at the end, and does not vote if absent then."""

import pytest

from server.common.errors import Conflict
from server.rooms.models import RoomEvent
from server.votes import services
from server.votes.models import Decision

from .conftest import NAMES, Room

pytestmark = [pytest.mark.django_db]


def turn(room: Room, decision: int) -> str | None:
    event = RoomEvent.objects.filter(meeting=room.meeting).order_by("-seq").first()
    assert event is not None and event.data["decision"]["id"] == decision
    turn: str | None = event.data["decision"]["roll_call"]["turn"]
    return turn


def name_of(room: Room, code: str) -> str:
    return next(name for name in NAMES if name[:3].upper() == code)


def test_the_roll_starts_from_a_drawn_delegation_in_alphabetical_order(room: Room) -> None:
    starts = set()
    codes = [name[:3].upper() for name in NAMES]
    for _ in range(12):
        decision = room.vote("roll_call")
        order = Decision.objects.get(pk=decision).roll
        start = codes.index(order[0])
        assert order == codes[start:] + codes[:start]
        starts.add(order[0])
        Decision.objects.filter(pk=decision).update(
            closed_at=Decision.objects.get(pk=decision).opened_at
        )
    assert len(starts) > 1  # drawn by lot, not always the same


def test_a_delegation_absent_at_its_turn_is_called_again_at_the_end(room: Room) -> None:
    decision = room.vote("roll_call")
    first = turn(room, decision)
    assert first is not None
    absent = name_of(room, first)
    services.vote_pass(actor=room.chair, meeting=room.meeting, decision_id=decision)
    choices = iter(["yes", "yes", "no", "abstain"])
    called = turn(room, decision)
    while called != first:
        assert called is not None
        with pytest.raises(Conflict, match="turn of"):
            room.cast(absent, decision, "yes")  # not its turn yet
        room.cast(name_of(room, called), decision, next(choices))
        called = turn(room, decision)
    roll_call = (
        RoomEvent.objects.filter(meeting=room.meeting)
        .order_by("-seq")[0]
        .data["decision"]["roll_call"]
    )
    assert roll_call["second_call"] is True and roll_call["order"][-1] == first
    with pytest.raises(Conflict, match="roll call is not over"):
        room.close(decision)
    services.vote_pass(actor=room.chair, meeting=room.meeting, decision_id=decision)  # absent again
    assert turn(room, decision) is None
    result = room.close(decision)[0].data["decision"]["result"]
    assert result["not_voting"] == [absent]
    assert (result["yes"], result["no"], result["abstain"], result["outcome"]) == (
        2,
        1,
        1,
        "adopted",
    )


def test_an_absent_delegation_answering_its_second_call_votes(room: Room) -> None:
    decision = room.vote("roll_call")
    first = turn(room, decision)
    assert first is not None
    services.vote_pass(actor=room.chair, meeting=room.meeting, decision_id=decision)
    for _ in range(len(NAMES) - 1):
        called = turn(room, decision)
        assert called is not None
        room.cast(name_of(room, called), decision, "no")
    room.cast(name_of(room, first), decision, "yes")
    result = room.close(decision)[0].data["decision"]["result"]
    assert result["in_favour"] == [name_of(room, first)] and result["not_voting"] == []
