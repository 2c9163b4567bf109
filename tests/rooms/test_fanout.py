"""The per-process fan-out: one layer subscription per meeting, and no loss when the layer
drops a message."""

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from server.common.asyncdb import db_async
from server.conferences.models import Meeting, Participant
from server.rooms import hub, selectors, services
from server.rooms.events import LayerEvent, ParticipantRef, encode
from server.rooms.hub import get_hub, replaceable_key
from server.rooms.models import RoomEvent
from server.rooms.selectors import layer_events_between
from tests.support.room_sockets import Connect

pytestmark = [pytest.mark.django_db(transaction=True)]


def participant(meeting: Meeting, username: str) -> Participant:
    return Participant.objects.select_related("user", "delegation").get(
        conference=meeting.conference_id, user__username=username
    )


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


async def test_queued_drafts_give_way_to_newer_ones_and_events_keep_their_order(
    connect: Connect, plenary: Meeting
) -> None:
    """What queues for a socket while the process is busy goes in one flush: one ``batch``
    frame to a socket that asked for it, one frame each to another. A queued draft is dropped
    when a newer one of the same speaker and language arrives; events never are."""
    batched = await connect("kenya", plenary, batch=True)
    await batched.receive_until("snapshot")
    single = await connect("france", plenary)
    await single.receive_until("snapshot")
    await batched.receive_until("presence.joined")
    first = await db_async(append_without_broadcast)(plenary, "first")
    second = await db_async(append_without_broadcast)(plenary, "second")
    events = await db_async(layer_events_between)(plenary.pk, first - 1, second)
    kenya = await db_async(lambda: selectors.participant_ref(participant(plenary, "kenya")))()
    chair = await db_async(lambda: selectors.participant_ref(participant(plenary, "chair")))()

    def draft(speaker: ParticipantRef, language: str, text: str) -> tuple[str, str | None]:
        message = {"v": 1, "type": "caption.draft", "turn": 1, "speaker": speaker}
        message |= {"language": language, "text": text}
        return encode(message), replaceable_key(message)

    room = get_hub().rooms[plenary.pk]
    # All of it before the loop runs the flush, as when the process is busy.
    room.on_ephemeral(*draft(kenya, "en", "We"))
    room.on_ephemeral(*draft(kenya, "fr", "Nous"))
    room.on_ephemeral(*draft(kenya, "en", "We thank"))
    await room.on_event(events[0])
    room.on_ephemeral(*draft(kenya, "en", "We thank the"))
    room.on_ephemeral(*draft(chair, "en", "Thank you"))
    await room.on_event(events[1])

    expected = [  # "We" and "We thank" were dropped, each for the newer one
        ("caption.draft", "Nous"),
        ("chat.message", "first"),
        ("caption.draft", "We thank the"),
        ("caption.draft", "Thank you"),
        ("chat.message", "second"),
    ]
    batch = await batched.receive()
    assert batch["type"] == "batch"
    assert [(m["type"], m.get("text") or m["data"]["text"]) for m in batch["events"]] == expected
    assert [m["seq"] for m in batch["events"] if "seq" in m] == [first, second]
    frames = [await single.receive() for _ in expected]
    assert [(m["type"], m.get("text") or m["data"]["text"]) for m in frames] == expected
    assert await batched.nothing_more() and await single.nothing_more()


@pytest.mark.parametrize("query", ["?batch=yes", "?batch=", "?batch=1&batch=1", "?batch=%00"])
async def test_batches_only_for_batch_1_and_other_values_are_single_frames(
    connect: Connect, plenary: Meeting, query: str
) -> None:
    kenya = await connect("kenya", plenary, path=query)
    await kenya.receive_until("snapshot")
    first = await db_async(append_without_broadcast)(plenary, "first")
    second = await db_async(append_without_broadcast)(plenary, "second")
    room = get_hub().rooms[plenary.pk]
    for event in await db_async(layer_events_between)(plenary.pk, first - 1, second):
        await room.on_event(event)  # both queued before the loop flushes
    assert [(await kenya.receive())["seq"] for _ in range(2)] == [first, second]
    assert await kenya.nothing_more()
