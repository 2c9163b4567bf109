"""The room socket end to end in-process, on the in-memory layer and on real Redis."""

from collections.abc import Callable

import pytest

from server.common.asyncdb import db_async
from server.conferences.models import Meeting, Participant
from server.rooms.models import RoomEvent
from tests.support.room_sockets import Connect

pytestmark = [pytest.mark.django_db(transaction=True)]


async def test_join_sends_snapshot_with_presence_and_state(
    connect: Connect, plenary: Meeting
) -> None:
    kenya = await connect("kenya", plenary)
    snapshot = await kenya.receive()
    assert snapshot["type"] == "snapshot"
    assert snapshot["v"] == 1
    assert snapshot["meeting"]["status"] == "open"
    assert snapshot["you"]["delegation"] == "KEN"
    assert [p["delegation"] for p in snapshot["presence"]] == ["KEN"]
    assert snapshot["seq"] == 1  # its own presence.joined
    assert snapshot["floor"]["holder"] is None
    assert len(snapshot["agenda"]) == 5


async def test_chat_reaches_everyone_in_order_with_sequence_numbers(
    connect: Connect, plenary: Meeting
) -> None:
    chair = await connect("chair", plenary)
    await chair.receive_until("snapshot")
    kenya = await connect("kenya", plenary)
    await kenya.receive_until("snapshot")
    joined = await chair.receive()
    assert joined["type"] == "presence.joined"
    assert joined["data"]["participant"]["delegation"] == "KEN"

    ack = await kenya.call("chat.send", {"text": "Thank you, Madam Chair."})
    assert ack["type"] == "ack"
    message = await chair.receive()
    assert message["type"] == "chat.message"
    assert message["seq"] == ack["seqs"][0] == joined["seq"] + 1
    assert message["data"]["text"] == "Thank you, Madam Chair."
    assert message["actor"]["delegation"] == "KEN"


async def test_delegation_chat_reaches_only_the_delegation(
    connect: Connect, plenary: Meeting
) -> None:
    kenya2 = await connect("kenya2", plenary)
    await kenya2.receive_until("snapshot")
    chair = await connect("chair", plenary)
    await chair.receive_until("snapshot")
    kenya = await connect("kenya", plenary)
    await kenya.receive_until("snapshot")
    await kenya2.receive_until("presence.joined")
    await kenya2.receive_until("presence.joined")
    await chair.receive_until("presence.joined")

    ack = await kenya.call("chat.send", {"text": "Hold the line on para 3", "scope": "delegation"})
    seq = ack["seqs"][0]
    mine = await kenya2.receive()
    assert (mine["type"], mine["seq"], mine["data"]["text"]) == (
        "chat.message",
        seq,
        "Hold the line on para 3",
    )
    sealed = await chair.receive()
    assert sealed == {"v": 1, "type": "sealed", "seq": seq, "ts": sealed["ts"]}

    # Replays and fetches keep it sealed too.
    fetched = await chair.call("events.fetch", {"after": seq - 1, "until": seq})
    assert fetched["events"][0]["type"] == "sealed"
    assert "Hold the line" not in str(fetched)


async def test_reconnect_with_last_seq_receives_exactly_what_was_missed(
    connect: Connect, plenary: Meeting
) -> None:
    kenya = await connect("kenya", plenary)
    last_seq = (await kenya.receive_until("snapshot"))["seq"]
    await kenya.close()

    chair = await connect("chair", plenary)
    await chair.receive_until("snapshot")
    for n in range(3):
        await chair.call("chat.send", {"text": f"message {n}"})

    again = await connect("kenya", plenary, last_seq=last_seq)
    replay = []
    while (message := await again.receive())["type"] != "synced":
        replay.append(message)
    seqs = [m["seq"] for m in replay]
    assert seqs == list(range(last_seq + 1, message["seq"] + 1))
    types = [m["type"] for m in replay]
    assert types.count("chat.message") == 3
    assert "presence.left" in types and "presence.joined" in types
    # Live events continue after the replay without duplicates.
    await chair.call("chat.send", {"text": "after"})
    live = await again.receive_until("chat.message")
    assert live["seq"] == message["seq"] + 2 or live["seq"] == message["seq"] + 1
    assert live["data"]["text"] == "after"


async def test_events_are_stored_before_they_are_broadcast(
    connect: Connect, plenary: Meeting
) -> None:
    chair = await connect("chair", plenary)
    await chair.receive_until("snapshot")
    ack = await chair.call("chat.send", {"text": "for the record"})
    stored = await db_async(
        lambda: list(RoomEvent.objects.filter(meeting=plenary).values_list("seq", "type"))
    )()
    assert (ack["seqs"][0], "chat.message") in stored
    assert [seq for seq, _ in stored] == list(range(1, len(stored) + 1))


async def test_chair_runs_the_floor_and_everyone_sees_it(
    connect: Connect, plenary: Meeting, person: Callable[[str], Participant]
) -> None:
    chair = await connect("chair", plenary)
    await chair.receive_until("snapshot")
    kenya = await connect("kenya", plenary)
    await kenya.receive_until("snapshot")
    france = await connect("france", plenary)
    await france.receive_until("snapshot")

    assert (await kenya.call("floor.request", {"kind": "speaker"}))["type"] == "ack"
    assert (await france.call("floor.request", {"kind": "point_of_order"}))["type"] == "ack"
    await chair.receive_until("speakers.changed")
    listed = await chair.receive_until("speakers.changed")
    # A point of order goes to the front of the list.
    assert [s["participant"]["delegation"] for s in listed["data"]["speakers"]] == ["FRA", "KEN"]

    kenya_id = (await db_async(person)("kenya")).pk
    ack = await chair.call("floor.give", {"participant": kenya_id})
    assert ack["type"] == "ack" and len(ack["seqs"]) == 2
    granted = await kenya.receive_until("floor.granted")
    assert granted["data"]["holder"]["id"] == kenya_id
    assert granted["data"]["timer"]["limit"] == 180
    assert granted["data"]["timer"]["running_since"] is not None

    denied = await kenya.call("floor.give", {"participant": kenya_id})
    assert denied["type"] == "error" and denied["code"] == "forbidden"


async def test_a_last_seq_the_room_never_reached_gets_a_fresh_snapshot(
    connect: Connect, plenary: Meeting
) -> None:
    kenya = await connect("kenya", plenary, last_seq=10_000)
    snapshot = await kenya.receive()
    assert snapshot["type"] == "snapshot"
    assert snapshot["seq"] < 10_000
