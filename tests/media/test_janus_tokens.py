"""Janus itself checks Plenary's signed tokens (defence in depth): hand-made requests
straight to its WebSocket transport, without the proxy, get nowhere without a valid token
for the room."""

import time

import pytest

from server.media.admin import JanusAdmin, JanusError
from server.media.rooms import room_ensure
from server.media.tokens import PLUGIN, _sign, room_token
from tests.media.conftest import JanusDirect, core

pytestmark = pytest.mark.django_db(transaction=True)

MEETING = 7001  # a room of its own: nothing else joins it


def expired_room_token(room: int) -> str:
    return _sign(f"{int(time.time()) - 5},{PLUGIN},room={room}")


def tampered(token: str) -> str:
    payload, signature = token.split(":")
    expiry, rest = payload.split(",", 1)
    return f"{int(expiry) + 3600},{rest}:{signature}"  # a later expiry, the old signature


async def test_no_session_without_the_core_token(direct: JanusDirect) -> None:
    for extra in ({}, {"token": room_token(MEETING).text}, {"token": tampered(core())}):
        reply = await direct.request({"janus": "create", **extra})
        assert (reply["janus"], reply["error"]["code"]) == ("error", 403)


@pytest.mark.parametrize(
    "token",
    ["none", "expired", "tampered", "other room", "core token"],
)
async def test_janus_refuses_a_join_without_a_valid_room_token(
    direct: JanusDirect, token: str
) -> None:
    room = await room_ensure(MEETING)
    other = await room_ensure(MEETING + 1)
    tokens = {
        "none": None,
        "expired": expired_room_token(room),
        "tampered": tampered(room_token(room).text),
        "other room": room_token(other).text,
        "core token": core(),
    }
    session = await direct.session(token=core())
    handle = await direct.attach(session, token=core())
    for ptype in ("publisher", "subscriber"):
        body = {"request": "join", "room": room, "ptype": ptype, "id": 99, "streams": [{"feed": 1}]}
        if tokens[token] is not None:
            body["token"] = tokens[token]
        reply = await direct.videoroom(session, handle, body, token=core())
        assert reply["plugindata"]["data"]["error_code"] == 433, reply


async def test_janus_admits_a_join_with_the_room_token(direct: JanusDirect) -> None:
    room = await room_ensure(MEETING)
    session = await direct.session(token=core())
    handle = await direct.attach(session, token=core())
    body = {
        "request": "join",
        "room": room,
        "ptype": "publisher",
        "id": 99,
        "token": room_token(room).text,
    }
    reply = await direct.videoroom(session, handle, body, token=core())
    assert reply["plugindata"]["data"]["videoroom"] == "joined"
    assert [p["id"] for p in await JanusAdmin().participants(room)] == [99]
    assert await JanusAdmin().kick(room, 99)


@pytest.mark.usefixtures("janus")
async def test_the_room_s_own_token_list_is_plenary_s_to_change() -> None:
    """Janus's ``allowed`` list (unused by signed-token rooms, but Plenary's alone): the admin
    client changes it with the room's secret; a browser's proxy never relays it."""
    room = await room_ensure(MEETING)
    admin = JanusAdmin()
    await admin.allowed(room, "add", ["spare"])
    await admin.allowed(room, "remove", ["spare"])
    with pytest.raises(JanusError):
        await admin.allowed(room, "sideways", ["spare"])
