"""The per-process fan-out: one layer subscription per meeting, and no loss when the layer
drops a message."""

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from server.common.asyncdb import db_async
from server.conferences.models import Meeting
from server.rooms import hub, services
from server.rooms.events import LayerEvent
from server.rooms.hub import get_hub
from server.rooms.models import RoomEvent
from tests.support.room_sockets import Connect

pytestmark = [pytest.mark.django_db(transaction=True)]


def append_without_broadcast(meeting: Meeting, text: str) -> int:
    """An event committed whose layer message is lost (a full channel, a Redis hiccup)."""
    with transaction.atomic():
        state = services.room_lock(meeting)
        state.last_seq += 1
        state.save(update_fields=["last_seq"])
        RoomEvent.objects.create(
            meeting=meeting,
            seq=state.last_seq,
            type="chat.message",
            data={"scope": "meeting", "text": text, "delegation": None},
            created_at=timezone.now(),
        )
        return state.last_seq


async def test_a_message_the_layer_lost_is_filled_in_from_the_database(
    connect: Connect, plenary: Meeting
) -> None:
    kenya = await connect("kenya", plenary)
    await kenya.receive_until("snapshot")
    chair = await connect("chair", plenary)
    await chair.receive_until("snapshot")
    await kenya.receive_until("presence.joined")

    lost = await db_async(append_without_broadcast)(plenary, "lost on the layer")
    ack = await chair.call("chat.send", {"text": "after the loss"})
    first, second = await kenya.receive(), await kenya.receive()
    assert (first["seq"], first["data"]["text"]) == (lost, "lost on the layer")
    assert (second["seq"], second["data"]["text"]) == (ack["seqs"][0], "after the loss")


async def test_one_layer_subscription_per_meeting_per_process(
    connect: Connect, plenary: Meeting
) -> None:
    sockets = []
    for username in ["kenya", "kenya2", "france", "japan"]:
        sockets.append(await connect(username, plenary))
        await sockets[-1].receive_until("snapshot")
    hub = get_hub()
    assert list(hub.rooms) == [plenary.pk]
    assert len(hub.rooms[plenary.pk].members) == 4
    for socket in sockets:
        await socket.close()
    assert hub.rooms == {}


async def test_a_long_gap_is_filled_from_the_database_a_page_at_a_time(
    connect: Connect,
    plenary: Meeting,
    settings: SettingsWrapper,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.ROOM_REPLAY_LIMIT = 5
    read = hub._layer_events
    pages: list[int] = []

    async def reading(meeting_id: int, after_seq: int, until: int) -> list[LayerEvent]:
        events = await read(meeting_id, after_seq, until)
        pages.append(len(events))
        return events

    monkeypatch.setattr(hub, "_layer_events", reading)
    kenya = await connect("kenya", plenary)
    await kenya.receive_until("snapshot")
    chair = await connect("chair", plenary)
    await chair.receive_until("snapshot")
    await kenya.receive_until("presence.joined")

    lost = [await db_async(append_without_broadcast)(plenary, f"lost {n}") for n in range(23)]
    ack = await chair.call("chat.send", {"text": "after the loss"})
    received = [(await kenya.receive())["seq"] for _ in range(24)]
    assert received == [*lost, *ack["seqs"]]
    assert sum(pages) == 23 and max(pages) <= 5
