"""A permission test for every decision operation, over the same path as the socket: only
presiding officers open, pass and close; only a member delegation's head or alternate votes
or objects (not advisers, observers or staff). Each refusal happens in a state where someone
allowed succeeds (tests/support/permissions.py) and writes nothing."""

from collections.abc import Callable
from typing import Any

import pytest

from server.rooms.actions import ACTIONS
from server.votes import services
from server.votes.services.opening import Question
from tests.support.permissions import only_allowed_may

from .conftest import Room

pytestmark = [pytest.mark.django_db]

VOTE_OPERATIONS = (
    "decision.open",
    "decision.object",
    "decision.close",
    "vote.open",
    "vote.cast",
    "vote.pass",
)


def put(room: Room) -> dict[str, Any]:
    return {"question": "The agenda", "subject": "other", "pause": 0}


def vote(room: Room) -> dict[str, Any]:
    return {"question": "Draft resolution L.1", "subject": "text", "kind": "recorded"}


def close(room: Room) -> dict[str, Any]:
    return {"decision": room.vote("recorded")}


def roll_call(room: Room) -> dict[str, Any]:
    return {"decision": room.vote("roll_call")}


def cast(room: Room) -> dict[str, Any]:
    return {"decision": room.vote("recorded"), "choice": "yes"}


def object_to(room: Room) -> dict[str, Any]:
    question = Question(question="The agenda", subject="other")
    opened = services.decision_open(
        actor=room.chair, meeting=room.meeting, question=question, pause=600
    )
    return {"decision": opened.data["decision"]["id"]}


def presiding(room: Room) -> tuple[list[Any], list[Any]]:
    allowed = [room.chair, room.vice_chair, room.facilitator]
    refused = [room.secretariat, room.delegates["Brazil"], room.adviser, room.observer]
    return allowed, refused


def voting(room: Room) -> tuple[list[Any], list[Any]]:
    allowed = [room.delegates["Brazil"], room.alternate, room.delegates["Fiji"]]
    refused = [room.adviser, room.observer, room.secretariat, room.chair]
    return allowed, refused


CASES: dict[
    str, tuple[Callable[[Room], dict[str, Any]], Callable[[Room], tuple[list[Any], list[Any]]]]
] = {
    "decision.open": (put, presiding),
    "vote.open": (vote, presiding),
    "decision.close": (close, presiding),
    "vote.pass": (roll_call, presiding),
    "vote.cast": (cast, voting),
    "decision.object": (object_to, voting),
}


def test_every_decision_operation_has_a_case() -> None:
    assert (
        set(CASES)
        == set(VOTE_OPERATIONS)
        == {name for name in ACTIONS if name.split(".")[0] in ("decision", "vote")}
    )


@pytest.mark.parametrize("operation", sorted(CASES))
def test_only_those_allowed_may(room: Room, operation: str) -> None:
    setup, who = CASES[operation]
    data = setup(room)
    allowed, refused = who(room)
    only_allowed_may(room.meeting, operation, data, allowed=allowed, refused=refused)
