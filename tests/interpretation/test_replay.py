"""A page that reconnects gets the booth events it missed, and the room page's reducer
(frontend/static/js/room-state.js, run in Node) folds them into an earlier snapshot to the
state of a fresh one. Over the room socket, on both channel layers."""

from pathlib import Path

import pytest

from server.common.asyncdb import db_async
from server.interpretation import services
from server.rooms.selectors import events_after, room_snapshot
from tests.rooms.test_snapshot_replay import fold_in_node
from tests.support.room_sockets import Connect

from .conftest import Booths


@pytest.mark.django_db
def test_a_snapshot_plus_the_booth_events_equals_a_fresh_snapshot(
    booths: Booths, tmp_path: Path
) -> None:
    meeting, reader = booths.meeting, booths.delegate
    booths.connect("fr1")
    snapshot = room_snapshot(meeting, reader)
    booths.connect("es1", "es2", "fr2")
    booths.take("es1")
    services.booth_handover(actor=booths["es1"], meeting=meeting, language="es", to=None)
    booths.take("es2")
    services.booth_mute(actor=booths["es2"], meeting=meeting, language="es", muted=True)
    services.booth_source(actor=booths["fr1"], meeting=meeting, language="fr", source="es")
    booths.take("fr2")
    booths.disconnect("fr2")
    events = events_after(meeting, reader, snapshot["seq"], limit=1000)
    fresh = room_snapshot(meeting, reader)
    states = fold_in_node(tmp_path, {"snapshot": snapshot, "events": events, "fresh": fresh})
    booths_now = states["fresh"]["interpretation"]["booths"]
    assert [(b["booth"], b["status"], b["source"]) for b in booths_now] == [
        ("en", "unstaffed", ""),
        ("es", "live", ""),
        ("fr", "live", "es"),
    ]
    assert booths_now[2]["live"]["id"] == booths["fr1"].pk
    assert states["folded"]["interpretation"] == states["fresh"]["interpretation"]
    assert states["folded"] == states["fresh"]


@pytest.mark.django_db(transaction=True)
async def test_a_listener_reconnecting_gets_the_booth_events_and_keeps_their_channel(
    connect: Connect,
) -> None:
    booths = await db_async(Booths)()
    listener = booths.delegate.user.username
    first = await connect(listener, booths.meeting)
    snapshot = await first.receive_until("snapshot")
    part = snapshot["parts"]["interpretation"]
    assert (part["my_channel"], part["my_booths"]) == ("", [])
    assert [b["status"] for b in part["booths"]] == ["unstaffed"] * 3
    ack = await first.call("interpretation.listen", {"channel": "es", "floor_under": True})
    assert ack["type"] == "ack", ack
    await first.close()

    interpreter = await connect("interpreter-es-1", booths.meeting)
    own = await interpreter.receive_until("snapshot")
    assert own["parts"]["interpretation"]["my_booths"] == ["es"]
    taken = await interpreter.call("interpretation.take", {"booth": "es"})
    assert taken["type"] == "ack", taken
    refused = await interpreter.call("interpretation.source", {"booth": "es", "source": "es"})
    assert (refused["type"], refused["code"]) == ("error", "invalid")

    again = await connect(listener, booths.meeting, last_seq=snapshot["seq"])
    joined = await again.receive_until("interpretation.booth")
    assert (joined["data"]["change"], joined["data"]["status"]) == ("joined", "silent")
    live = await again.receive_until("interpretation.booth")
    assert (live["data"]["change"], live["data"]["status"]) == ("take", "live")
    assert live["data"]["live"]["name"] == "Interpreter-Es-1"
    await again.receive_until("synced")
    await interpreter.close()
    left = await again.receive_until("interpretation.booth")
    assert (left["data"]["change"], left["data"]["status"], left["data"]["live"]) == (
        "left",
        "unstaffed",
        None,
    )

    fresh = await connect(listener, booths.meeting)
    part = (await fresh.receive_until("snapshot"))["parts"]["interpretation"]
    assert (part["my_channel"], part["floor_under"]) == ("es", True)
