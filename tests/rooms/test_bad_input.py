"""Bad input gets an error that names the problem; the socket, the room and its stored
events stay intact."""

import json
import time

import pytest
from asgiref.sync import sync_to_async
from pytest_django.fixtures import Settings as SettingsWrapper

from server.conferences.models import Meeting
from server.rooms.models import RoomEvent
from tests.support.room_sockets import Connect, Socket

pytestmark = [pytest.mark.django_db(transaction=True)]


async def stored_events(meeting: Meeting) -> list[tuple[int, str]]:
    return await sync_to_async(
        lambda: list(RoomEvent.objects.filter(meeting=meeting).values_list("seq", "type"))
    )()


async def kenya_in(connect: Connect, meeting: Meeting) -> Socket:
    socket = await connect("kenya", meeting)
    await socket.receive_until("snapshot")
    return socket


async def assert_still_works(socket: Socket) -> None:
    ack = await socket.call("chat.send", {"text": "still here"})
    assert ack["type"] == "ack"


@pytest.mark.parametrize(
    ("frame", "code", "names"),
    [
        ("{not json", "bad_json", "not valid JSON"),
        ("[1, 2]", "bad_message", "JSON object"),
        ('{"data": {}}', "bad_message", "'type'"),
        ('{"type": "chat.send", "data": []}', "bad_message", "'data'"),
        ('{"type": "chat.send", "id": [1]}', "bad_message", "'id'"),
        ('{"type": "floor.steal", "data": {}}', "unknown_type", "floor.steal"),
        ('{"type": "chat.send", "data": {}}', "missing_field", "data.text"),
        ('{"type": "chat.send", "data": {"text": 42}}', "wrong_type", "data.text"),
        ('{"type": "chat.send", "data": {"text": "x", "scope": "world"}}', "wrong_type", "scope"),
        ('{"type": "chat.send", "data": {"text": "   "}}', "invalid", "empty"),
        ('{"type": "speakers.reorder", "data": {"entries": "1,2"}}', "wrong_type", "entries"),
        ('{"type": "events.fetch", "data": {"after": 5, "until": 2}}', "wrong_type", "until"),
        ('{"type": "events.fetch", "data": {"after": 5}}', "missing_field", "data.until"),
        (
            '{"type": "negotiation.propose", "data": '
            '{"text": 1, "base_version": 0, "kind": "amend", "cosponsors": "KEN"}}',
            "wrong_type",
            "data.cosponsors",
        ),
        ('{"type": "chat.send", "data": {"text": "a\\u0000b"}}', "invalid", "U+0000"),
        (
            '{"type": "hand.lower", "data": {"participant": 1180591620717411303424}}',
            "wrong_type",
            "data.participant",
        ),
        (
            '{"type": "hand.lower", "data": {"participant": ' + "9" * 5000 + "}}",
            "wrong_type",
            "5000 digits",
        ),
        (
            '{"type": "chat.send", "data": ' + "[" * 20_000 + "}",
            "bad_message",
            "nests more than 32",
        ),
    ],
)
async def test_malformed_message_is_answered_and_changes_nothing(
    connect: Connect, plenary: Meeting, frame: str, code: str, names: str
) -> None:
    socket = await kenya_in(connect, plenary)
    before = await stored_events(plenary)
    await socket.communicator.send_to(text_data=frame)
    error = await socket.receive_until("error")
    assert error["code"] == code
    assert names in error["message"]
    assert await stored_events(plenary) == before
    await assert_still_works(socket)


async def test_oversized_frame_is_refused_with_its_size(connect: Connect, plenary: Meeting) -> None:
    socket = await kenya_in(connect, plenary)
    big = json.dumps({"type": "chat.send", "data": {"text": "x" * 70_000}})
    await socket.communicator.send_to(text_data=big)
    error = await socket.receive_until("error")
    assert error["code"] == "too_large"
    assert "65536" in error["message"] and str(len(big)) in error["message"]
    await assert_still_works(socket)


async def test_binary_frame_is_refused(connect: Connect, plenary: Meeting) -> None:
    socket = await kenya_in(connect, plenary)
    await socket.communicator.send_to(bytes_data=b"\x00\x01")
    assert (await socket.receive_until("error"))["code"] == "binary_not_accepted"
    await assert_still_works(socket)


async def test_flood_is_rate_limited_with_one_error_and_nothing_half_done(
    connect: Connect, plenary: Meeting, settings: SettingsWrapper
) -> None:
    # A slow refill, so that how fast this machine handles the burst does not matter.
    settings.ROOM_RATE_PER_SECOND = 1.0
    settings.ROOM_RATE_BURST = 5
    socket = await kenya_in(connect, plenary)
    before = len(await stored_events(plenary))
    started = time.monotonic()
    for n in range(60):
        await socket.communicator.send_json_to(
            {"type": "chat.send", "id": n, "data": {"text": f"spam {n}"}}
        )
    acks, errors = [], []
    while not await socket.nothing_more():
        message = await socket.receive()
        if message["type"] == "ack":
            acks.append(message)
        elif message["type"] == "error":
            errors.append(message)
    elapsed = time.monotonic() - started
    # One error a second at most, naming the problem, not one per dropped message.
    assert {e["code"] for e in errors} == {"rate_limited"}
    assert 1 <= len(errors) <= elapsed + 1
    assert 5 <= len(acks) <= 5 + elapsed + 1
    # Every acknowledged message was stored, and only those.
    assert len(await stored_events(plenary)) == before + len(acks)


async def test_client_message_too_long_for_chat(connect: Connect, plenary: Meeting) -> None:
    socket = await kenya_in(connect, plenary)
    error = await socket.call("chat.send", {"text": "y" * 4001})
    assert (error["code"], "4000" in error["message"]) == ("invalid", True)
