"""The room page's reducer (frontend/static/js/room-state.js, run in Node) folds the decision
events into the state of an earlier snapshot, and the result is the state of a snapshot taken
after them: a page that reconnects during a vote shows what a fresh page shows."""

from pathlib import Path

import pytest

from server.rooms.selectors import events_after, room_snapshot
from server.votes import services
from server.votes.selectors import meeting_decision_refs
from server.votes.services.opening import Question
from tests.rooms.test_snapshot_replay import fold_in_node

from .conftest import Room

pytestmark = [pytest.mark.django_db]


def test_a_snapshot_plus_the_decision_events_equals_a_fresh_snapshot(
    room: Room, tmp_path: Path
) -> None:
    question = Question(question="The agenda", subject="other")
    services.decision_open(actor=room.chair, meeting=room.meeting, question=question, pause=0)
    reader = room.delegates["Fiji"]
    snapshot = room_snapshot(room.meeting, reader)
    opened = meeting_decision_refs(room.meeting)[0]["id"]
    room.close(opened)
    roll_call = room.vote("roll_call")
    services.vote_pass(actor=room.chair, meeting=room.meeting, decision_id=roll_call)
    roll = meeting_decision_refs(room.meeting)[-1]["roll_call"]
    assert roll is not None
    turn = roll["turn"]
    name = next(n for n in room.delegates if n[:3].upper() == turn)
    room.cast(name, roll_call, "yes")
    events = events_after(room.meeting, reader, snapshot["seq"], limit=1000)
    fresh = room_snapshot(room.meeting, reader)
    states = fold_in_node(tmp_path, {"snapshot": snapshot, "events": events, "fresh": fresh})
    assert states["folded"]["decisions"] == states["fresh"]["decisions"]
    assert len(states["fresh"]["decisions"]) == 2 and states["fresh"]["decisions"][1]["voted"] == [
        turn
    ]
    assert states["folded"] == states["fresh"]
