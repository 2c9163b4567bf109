"""A snapshot plus the events a real server sent equals a fresh snapshot (Zulip's check): the
client's own reducer (frontend/static/js/room-state.js, run in Node) folds the events a room
socket received into the state of its first snapshot, and the result must be the state of a
snapshot taken after them."""

import json
from pathlib import Path
from typing import Any

import pytest

from server.common.asyncdb import db_async
from server.conferences.models import Meeting, Participant
from server.rooms.selectors import room_snapshot
from tests.support.builders import Role, conference_build, meeting_build, participant_build
from tests.support.node import node_run
from tests.support.room_sockets import Connect, Socket

pytestmark = [pytest.mark.django_db(transaction=True)]

# Reads {"snapshot": ..., "events": [...], "fresh": ...} and prints the state folded from the
# first snapshot and its events, and the state of the fresh snapshot.
REPLAY = """
import { readFileSync } from "node:fs";
import { apply, fromSnapshot } from "./room-state.js";
const input = JSON.parse(readFileSync(0, "utf8"));
const folded = input.events.reduce(apply, fromSnapshot(input.snapshot));
process.stdout.write(JSON.stringify({ folded, fresh: fromSnapshot(input.fresh) }));
"""


def fold_in_node(tmp_path: Path, payload: dict[str, Any]) -> dict[str, Any]:
    """The client's reducer (frontend/static/js/room-state.js) run in Node: its protocol.js
    holds the constants as the server's own view writes them."""
    states: dict[str, Any] = node_run(tmp_path, ["room-state.js"], REPLAY, payload)
    return states


def by_id(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(people, key=lambda p: p["id"])


def normalised(state: dict[str, Any]) -> dict[str, Any]:
    """Sets the server lists in its own order (presence, hands) compared as sets."""
    return {**state, "presence": by_id(state["presence"]), "hands": by_id(state["hands"])}


async def events_until(socket: Socket, seq: int) -> list[dict[str, Any]]:
    """Every event the socket receives up to ``seq`` (acks and pongs left out)."""
    events: list[dict[str, Any]] = []
    while not events or events[-1]["seq"] < seq:
        message = await socket.receive()
        if "seq" in message and message["type"] not in {"ack", "error", "snapshot"}:
            events.append(message)
    return events


async def test_a_snapshot_plus_the_events_sent_equals_a_fresh_snapshot(
    connect: Connect, tmp_path: Path
) -> None:
    def build() -> Meeting:
        conference = conference_build()
        participant_build(conference, role=Role.CHAIR, username="replaychair")
        for username in ("replaywatch", "replayken", "replayfra"):
            participant_build(conference, username=username)
        return meeting_build(conference, status=Meeting.Status.OPEN, agenda=("Opening", "Finance"))

    meeting = await db_async(build)()
    # The watcher only listens: its socket keeps every event, in order.
    watcher = await connect("replaywatch", meeting)
    snapshot = await watcher.receive_until("snapshot")
    kenya = await connect("replayken", meeting)
    await kenya.receive_until("snapshot")
    chair = await connect("replaychair", meeting)
    await chair.receive_until("snapshot")
    france = await connect("replayfra", meeting)
    await france.receive_until("snapshot")

    calls: list[tuple[Socket, str, dict[str, Any]]] = [
        (kenya, "chat.send", {"text": "Thank you, Chair."}),
        (france, "chat.send", {"text": "Within my delegation", "scope": "delegation"}),
        (kenya, "hand.raise", {}),
        (france, "hand.raise", {}),
        (kenya, "hand.lower", {}),
        (kenya, "floor.request", {"kind": "speaker"}),
        (france, "floor.request", {"kind": "point_of_order"}),
        (france, "floor.withdraw", {}),
        (france, "floor.request", {"kind": "speaker"}),
    ]
    last = 0
    for socket, type, data in calls:
        ack = await socket.call(type, data)
        assert ack["type"] == "ack", ack
        last = max([last, *ack["seqs"]])
    speakers = await db_async(lambda: snapshot_of(meeting, "replaychair")["speakers"])()
    for type, data in [
        ("speakers.reorder", {"entries": [s["entry"] for s in reversed(speakers)]}),
        ("floor.give", {"participant": speakers[0]["participant"]["id"]}),
        ("timer.stop", {}),
        ("timer.start", {"limit": 90}),
        ("agenda.switch", {"item": snapshot["agenda"][1]["id"]}),
        ("meeting.suspend", {}),
        ("meeting.resume", {}),
        ("floor.give", {}),
    ]:
        ack = await chair.call(type, data)
        assert ack["type"] == "ack", (type, ack)
        last = max([last, *ack["seqs"]])
    await france.close()
    events = await events_until(watcher, last + 1)  # France's presence.left

    fresh = await db_async(snapshot_of)(meeting, "replaywatch")
    assert fresh["seq"] == events[-1]["seq"]
    assert [e["seq"] for e in events] == list(range(snapshot["seq"] + 1, fresh["seq"] + 1))
    states = fold_in_node(tmp_path, {"snapshot": snapshot, "events": events, "fresh": fresh})
    assert normalised(states["folded"]) == normalised(states["fresh"])


def snapshot_of(meeting: Meeting, username: str) -> dict[str, Any]:
    """The snapshot as the socket sends it (JSON), for the participant ``username``."""
    participant = Participant.objects.get(conference=meeting.conference, user__username=username)
    wire: dict[str, Any] = json.loads(json.dumps(room_snapshot(meeting, participant)))
    return wire
