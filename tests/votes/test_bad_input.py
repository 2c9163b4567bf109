"""Bad input to each decision operation gets an error naming the problem (never a 500 or
``internal``), and writes nothing; so do a ballot after the close and a second ballot."""

from typing import Any

import pytest

from server.conferences.models import Participant
from tests.support.permissions import action_post, events_written

from .conftest import Room

pytestmark = [pytest.mark.django_db]

Q = {"question": "Draft resolution L.1", "subject": "text"}
E = {"question": "Election of the Rapporteur", "subject": "election", "kind": "secret"}

CHAIR_CASES: list[tuple[str, dict[str, Any], int, str]] = [
    ("decision.open", {}, 400, "missing_field"),
    ("decision.open", {"question": 5}, 400, "wrong_type"),
    ("decision.open", {"question": "   "}, 400, "invalid"),
    ("decision.open", {"question": "x" * 501}, 400, "invalid"),
    ("decision.open", {"question": "a\u0000b"}, 400, "invalid"),
    ("decision.open", {"question": "x", "subject": "bogus"}, 400, "wrong_type"),
    ("decision.open", {"question": "x", "pause": -1}, 400, "invalid"),
    ("decision.open", {"question": "x", "pause": 2**70}, 400, "wrong_type"),
    ("decision.open", {"question": "x", "subject": "clause"}, 400, "invalid"),
    (
        "decision.open",
        {"question": "x", "subject": "clause", "text": 999999, "clause": 1},
        404,
        "not_found",
    ),
    ("decision.open", {"question": "x", "text": 1}, 400, "invalid"),
    ("decision.open", {"question": "x", "subject": "text", "text": 1, "clause": 1}, 400, "invalid"),
    ("decision.open", {"question": "x", "subject": "text", "text": 999999}, 404, "not_found"),
    ("vote.open", Q, 400, "missing_field"),
    ("vote.open", {**Q, "kind": "raised_eyebrows"}, 400, "wrong_type"),
    ("vote.open", {**Q, "kind": "recorded", "majority": "unanimity"}, 400, "wrong_type"),
    ("vote.open", {**Q, "kind": "recorded", "quorum": 0}, 400, "invalid"),
    ("vote.open", {**Q, "kind": "recorded", "duration": 10**9}, 400, "invalid"),
    ("vote.open", {**Q, "kind": "recorded", "changes_allowed": "yes"}, 400, "wrong_type"),
    ("vote.open", {**Q, "kind": "recorded", "candidates": "A"}, 400, "wrong_type"),
    ("vote.open", {**Q, "kind": "recorded", "candidates": ["A"]}, 400, "invalid"),
    ("vote.open", {**Q, "kind": "secret", "candidates": ["A"]}, 400, "invalid"),
    ("vote.open", {**E, "candidates": []}, 400, "invalid"),
    ("vote.open", {**E, "candidates": ["A", "A"]}, 400, "invalid"),
    ("vote.open", {**E, "candidates": [" "]}, 400, "invalid"),
    ("vote.open", {**Q, "kind": "roll_call", "changes_allowed": True}, 400, "invalid"),
    ("decision.close", {}, 400, "missing_field"),
    ("decision.close", {"decision": "1"}, 400, "wrong_type"),
    ("decision.close", {"decision": 2**70}, 400, "wrong_type"),
    ("decision.close", {"decision": 999999}, 404, "not_found"),
    ("vote.pass", {"decision": 999999}, 404, "not_found"),
]


@pytest.mark.parametrize(("operation", "data", "status", "code"), CHAIR_CASES)
def test_bad_input_from_the_chair(
    room: Room, operation: str, data: dict[str, Any], status: int, code: str
) -> None:
    before = events_written(room.meeting)
    answer, body = action_post(room.chair, room.meeting, operation, data)
    assert (answer, body["code"]) == (status, code), body
    assert body["message"]
    assert events_written(room.meeting) == before


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        ({}, 400, "missing_field"),
        ({"choice": "yes"}, 400, "missing_field"),
        ({"decision": 999999, "choice": "yes"}, 404, "not_found"),
        ({"decision": "this", "choice": "maybe"}, 400, "wrong_type"),
        ({"decision": "this", "choice": ["yes"]}, 400, "wrong_type"),
        ({"decision": "this", "candidate": 1}, 400, "invalid"),
        ({"decision": "this", "choice": None}, 400, "invalid"),
        ({"decision": "this", "choice": "yes", "candidate": "1"}, 400, "wrong_type"),
    ],
)
def test_bad_ballots(room: Room, data: dict[str, Any], status: int, code: str) -> None:
    """``"this"`` stands for the open vote's id."""
    decision = room.vote("recorded")
    before = events_written(room.meeting)
    sent = {key: decision if value == "this" else value for key, value in data.items()}
    answer, body = action_post(room.delegates["Brazil"], room.meeting, "vote.cast", sent)
    assert (answer, body["code"]) == (status, code), body
    assert events_written(room.meeting) == before


def test_ballots_after_the_close_or_twice_and_passes_out_of_place_are_conflicts(room: Room) -> None:
    decision = room.vote("recorded")
    ballot = {"decision": decision, "choice": "yes"}
    assert action_post(room.delegates["Brazil"], room.meeting, "vote.cast", ballot)[0] == 200
    refusals: list[tuple[Participant, str, dict[str, Any], str]] = [
        (room.alternate, "vote.cast", ballot, "does not allow changes"),
        (room.chair, "vote.pass", {"decision": decision}, "roll call"),
        (room.delegates["Chile"], "decision.object", {"decision": decision}, "put to the vote"),
    ]
    for who, operation, data, says in refusals:
        before = events_written(room.meeting)
        answer, body = action_post(who, room.meeting, operation, data)
        assert (answer, body["code"]) == (409, "conflict") and says in body["message"], body
        assert events_written(room.meeting) == before
    assert action_post(room.chair, room.meeting, "decision.close", {"decision": decision})[0] == 200
    before = events_written(room.meeting)
    answer, body = action_post(room.delegates["Chile"], room.meeting, "vote.cast", ballot)
    assert (answer, body["code"]) == (409, "conflict") and "closed" in body["message"]
    answer, body = action_post(room.chair, room.meeting, "decision.close", {"decision": decision})
    assert (answer, body["code"]) == (409, "conflict")
    assert events_written(room.meeting) == before
