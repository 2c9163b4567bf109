"""The signalling proxy ``/ws/meetings/<id>/media/``: admitted like the room socket; it
relays what a browser may ask, answers every refusal as Janus would, lets only the floor
holder publish (as the publisher Plenary names), and cuts the publisher when the floor
moves on."""

import asyncio
import contextlib
import time
from collections.abc import Callable

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from server.common.asyncdb import db_async
from server.conferences.models import Meeting, Participant
from server.media import services as media_services
from server.media.admin import JanusAdmin, JanusError
from server.media.rooms import media_room
from server.media.selectors import publisher_display
from server.media.tokens import room_token
from server.rooms import services as room_services
from tests.media.conftest import MediaSocket, OpenMedia
from tests.media.test_janus_tokens import expired_room_token, tampered
from tests.support.server import free_port

pytestmark = pytest.mark.django_db(transaction=True)

People = Callable[[str], Participant]


async def joined_handle(socket: MediaSocket) -> tuple[int, int]:
    session = await socket.session()
    return session, await socket.attach(session)


def refused(reply: dict[str, object], code: int = 403) -> bool:
    error = reply.get("error")
    return reply.get("janus") == "error" and isinstance(error, dict) and error["code"] == code


@pytest.mark.parametrize(("username", "close"), [(None, 4401), ("wmo", None), ("japan", 4403)])
async def test_the_socket_admits_like_the_room(
    plenary: Meeting,
    closed_session: Meeting,
    open_media: OpenMedia,
    username: str | None,
    close: int | None,
) -> None:
    socket = await open_media(username, closed_session if username == "japan" else plenary)
    assert socket.subprotocol == "janus-protocol"
    if close is None:  # an observer attends the plenary
        assert (await socket.request({"janus": "info"}))["janus"] == "server_info"
        return
    assert (await socket.receive())["janus"] == "error"
    assert await socket.closed_with() == close


async def test_the_socket_creates_the_room_in_janus(
    plenary: Meeting, open_media: OpenMedia
) -> None:
    room = media_room(plenary.pk)
    admin = JanusAdmin()
    with contextlib.suppress(JanusError):  # an earlier test made it: start afresh
        await admin.room_destroy(room)
    with pytest.raises(JanusError, match="No such room"):
        await admin.participants(room)
    socket = await open_media("kenya", plenary)
    assert (await socket.request({"janus": "info"}))["janus"] == "server_info"
    assert await admin.participants(room) == []  # and not Janus's "no such room"


async def test_a_janus_that_does_not_answer_closes_the_socket(
    plenary: Meeting, open_media: OpenMedia, settings: SettingsWrapper
) -> None:
    settings.JANUS_ADMIN_URL = f"http://127.0.0.1:{free_port()}/admin"
    socket = await open_media("kenya", plenary)
    assert refused(await socket.receive(), 503)
    assert await socket.closed_with() == 4503


async def test_another_conference_s_meeting_is_not_found(
    plenary: Meeting, open_media: OpenMedia
) -> None:
    missing = Meeting(pk=plenary.pk + 1000)
    socket = await open_media("kenya", missing)
    assert (await socket.receive())["janus"] == "error"
    assert await socket.closed_with() == 4404


ADMINISTRATION: list[dict[str, object]] = [
    {"request": "create", "room": 1},
    {"request": "destroy"},
    {"request": "edit", "new_pin": "x"},
    {"request": "kick", "id": 1},
    {"request": "moderate", "id": 1, "mid": "0", "mute": True},
    {"request": "rtp_forward", "publisher_id": 1, "host": "127.0.0.1"},
    {"request": "stop_rtp_forward", "publisher_id": 1, "stream_id": 1},
    {"request": "list"},
    {"request": "listparticipants"},
    {"request": "listforwarders"},
    {"request": "allowed", "action": "disable"},
    {"request": "exists"},
    {"request": "enable_recording", "record": True},
    {"request": None},
]


async def test_administration_is_refused(plenary: Meeting, open_media: OpenMedia) -> None:
    socket = await open_media("kenya", plenary)
    session, handle = await joined_handle(socket)
    for body in ADMINISTRATION:
        reply = await socket.videoroom(session, handle, {**body, "room": media_room(plenary.pk)})
        assert refused(reply), (body, reply)
    assert await JanusAdmin().participants(media_room(plenary.pk)) == []


FORBIDDEN: list[dict[str, object]] = [
    {"janus": "attach", "plugin": "janus.plugin.textroom"},
    {"janus": "attach", "plugin": "janus.plugin.sip"},
    {"janus": "attach", "plugin": ["janus.plugin.videoroom"]},
    {"janus": "claim"},
    {"janus": "add_token", "token": "x"},
    {"janus": "message_plugin", "plugin": "janus.plugin.videoroom", "request": {"request": "list"}},
    {"janus": "list_sessions"},
    {"janus": 5},
    {"janus": "message", "handle_id": "x", "body": {}},
    {"janus": "message", "body": {"request": "join"}},
    {"janus": "message", "handle_id": 1, "body": "join"},
    {"janus": "message", "handle_id": 1, "body": {"request": "join"}},  # not a handle of its own
]


async def test_what_a_browser_must_not_send_is_refused(
    plenary: Meeting, open_media: OpenMedia
) -> None:
    socket = await open_media("kenya", plenary)
    session = await socket.session()
    for message in FORBIDDEN:
        reply = await socket.request({"session_id": session, **message})
        assert reply["janus"] == "error" and reply["error"]["code"] in (403, 405, 453, 456, 459), (
            message,
            reply,
        )


async def test_a_connection_holds_two_janus_sessions_at_most(
    plenary: Meeting, open_media: OpenMedia
) -> None:
    socket = await open_media("kenya", plenary)
    first = await socket.session()
    await socket.session()
    assert refused(await socket.request({"janus": "create"}))
    assert (await socket.request({"janus": "destroy", "session_id": first}))["janus"] == "success"
    await socket.session()  # room for one again


async def test_bad_frames_are_answered_not_dropped(plenary: Meeting, open_media: OpenMedia) -> None:
    socket = await open_media("kenya", plenary)
    for text in ("{", "[1]", '{"janus":"create"}', "x" * 70_000):
        await socket.send_text(text)
        assert (await socket.receive())["janus"] == "error"
    await socket.communicator.send_to(bytes_data=b"\x00")
    assert (await socket.receive())["janus"] == "error"
    assert (await socket.request({"janus": "info"}))["janus"] == "server_info"  # still open


async def test_a_session_of_another_connection_is_refused(
    plenary: Meeting, open_media: OpenMedia
) -> None:
    owner, intruder = await open_media("kenya", plenary), await open_media("france", plenary)
    session = await owner.session()
    reply = await intruder.request(
        {"janus": "attach", "session_id": session, "plugin": "janus.plugin.videoroom"}
    )
    assert refused(reply)


async def test_a_join_without_plenary_s_token_is_refused_by_the_proxy(
    plenary: Meeting, open_media: OpenMedia
) -> None:
    room = media_room(plenary.pk)
    tokens = {
        "none": None,
        "expired": expired_room_token(room),
        "tampered": tampered(room_token(room).text),
        "other room": room_token(media_room(plenary.pk + 1)).text,
        "not a string": 5,
    }
    socket = await open_media("kenya", plenary)
    session, handle = await joined_handle(socket)
    for name, token in tokens.items():
        for ptype in ("subscriber", "publisher"):
            body = {"request": "join", "room": room, "ptype": ptype, "streams": [{"feed": 1}]}
            if token is not None:
                body["token"] = token
            assert refused(await socket.videoroom(session, handle, body)), (name, ptype)


async def test_another_room_is_refused_even_with_its_token(
    plenary: Meeting, open_media: OpenMedia
) -> None:
    other = media_room(plenary.pk + 1)
    socket = await open_media("kenya", plenary)
    session, handle = await joined_handle(socket)
    body = {
        "request": "join",
        "room": other,
        "ptype": "subscriber",
        "token": room_token(other).text,
    }
    assert refused(await socket.videoroom(session, handle, body))


async def test_a_subscriber_with_the_token_reaches_janus(
    plenary: Meeting, open_media: OpenMedia
) -> None:
    room = media_room(plenary.pk)
    socket = await open_media("france", plenary)
    session, handle = await joined_handle(socket)
    body = {
        "request": "join",
        "room": room,
        "ptype": "subscriber",
        "streams": [{"feed": 424242}],
        "token": room_token(room).text,
    }
    reply = await socket.videoroom(session, handle, body)
    assert reply["plugindata"]["data"]["error_code"] == 428  # Janus's "no such feed": admitted


def publisher_join(room: int, **extra: object) -> dict[str, object]:
    return {
        "request": "join",
        "room": room,
        "ptype": "publisher",
        "token": room_token(room).text,
        **extra,
    }


@pytest.mark.parametrize("request_name", ["join", "joinandconfigure", "publish"])
async def test_only_the_floor_holder_may_publish(
    floor: Participant, plenary: Meeting, open_media: OpenMedia, request_name: str
) -> None:
    room = media_room(plenary.pk)
    socket = await open_media("france", plenary)
    session, handle = await joined_handle(socket)
    body = (
        publisher_join(room)
        if request_name == "join"
        else {**publisher_join(room), "request": request_name}
    )
    assert refused(await socket.videoroom(session, handle, body))
    assert await JanusAdmin().participants(room) == []


async def test_the_floor_holder_publishes_as_plenary_names_them(
    floor: Participant, plenary: Meeting, open_media: OpenMedia
) -> None:
    room = media_room(plenary.pk)
    socket = await open_media("kenya", plenary)
    session, handle = await joined_handle(socket)
    reply = await socket.videoroom(
        session, handle, publisher_join(room, id=1, display="Someone else")
    )
    assert reply["plugindata"]["data"]["videoroom"] == "joined"
    assert reply["plugindata"]["data"]["id"] == floor.pk
    [publisher] = await JanusAdmin().participants(room)
    assert (publisher["id"], publisher["display"]) == (floor.pk, publisher_display(floor))
    assert publisher_display(floor) == "Mr. David Otieno — Kenya"


async def test_an_offer_s_sdp_reaches_janus_with_its_line_ends(
    floor: Participant, plenary: Meeting, open_media: OpenMedia
) -> None:
    """SDP lines end in CR LF: relayed, never stored, so not refused as control characters."""
    room = media_room(plenary.pk)
    socket = await open_media("kenya", plenary)
    session, handle = await joined_handle(socket)
    await socket.videoroom(session, handle, publisher_join(room))
    sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"  # no media: Janus refuses
    offer = {"type": "offer", "sdp": sdp}
    reply = await socket.videoroom(session, handle, {"request": "configure"}, jsep=offer)
    assert refused(reply, 465)  # Janus read the SDP (it has no m= line): relayed, not refused


async def test_a_change_of_floor_cuts_the_previous_publisher(
    floor: Participant, plenary: Meeting, person: People, open_media: OpenMedia
) -> None:
    room = media_room(plenary.pk)
    socket = await open_media("kenya", plenary)
    session, handle = await joined_handle(socket)
    reply = await socket.videoroom(session, handle, publisher_join(room))
    assert reply["plugindata"]["data"]["videoroom"] == "joined"
    chair, france = await db_async(person)("chair"), await db_async(person)("france")
    await db_async(room_services.floor_give)(actor=chair, meeting=plenary, participant_id=france.pk)
    while True:  # Janus tells the publisher it was kicked
        event = await socket.receive(2)
        if event.get("plugindata", {}).get("data", {}).get("reason") == "kicked":
            break
    assert await JanusAdmin().participants(room) == []
    # …and may not come back as publisher: the floor is France's now.
    handle = await socket.attach(session)
    assert refused(await socket.videoroom(session, handle, publisher_join(room)))


async def test_a_suspended_meeting_cuts_the_floor_holder_s_publisher(
    floor: Participant, plenary: Meeting, person: People, open_media: OpenMedia
) -> None:
    """A suspension keeps the floor holder but nobody is heard: the publisher is cut and
    may not publish again until the meeting resumes."""
    room = media_room(plenary.pk)
    socket = await open_media("kenya", plenary)
    session, handle = await joined_handle(socket)
    reply = await socket.videoroom(session, handle, publisher_join(room))
    assert reply["plugindata"]["data"]["videoroom"] == "joined"
    chair = await db_async(person)("chair")
    await db_async(room_services.meeting_transition)(actor=chair, meeting=plenary, action="suspend")
    while True:
        event = await socket.receive(2)
        if event.get("plugindata", {}).get("data", {}).get("reason") == "kicked":
            break
    handle = await socket.attach(session)
    assert refused(await socket.videoroom(session, handle, publisher_join(room)))


async def test_closing_the_socket_ends_its_janus_sessions(
    floor: Participant, plenary: Meeting, open_media: OpenMedia
) -> None:
    room = media_room(plenary.pk)
    socket = await open_media("kenya", plenary)
    session, handle = await joined_handle(socket)
    await socket.videoroom(session, handle, publisher_join(room))
    await socket.communicator.disconnect()
    for _ in range(50):
        if not await JanusAdmin().participants(room):
            return
        await asyncio.sleep(0.05)
    pytest.fail("the publisher stayed in the room after its socket closed")


async def test_the_chair_s_mute_reaches_janus_through_the_publisher_s_socket(
    floor: Participant,
    plenary: Meeting,
    person: People,
    open_media: OpenMedia,
    caplog: pytest.LogCaptureFixture,
) -> None:
    room = media_room(plenary.pk)
    socket = await open_media("kenya", plenary)
    session, handle = await joined_handle(socket)
    await socket.videoroom(session, handle, publisher_join(room))
    chair = await db_async(person)("chair")
    await db_async(media_services.media_mute)(actor=chair, meeting=plenary, mute=True)
    # Without media (no ICE on the loopback) Janus has no audio track to mute, and says so:
    # the request reached it, for this publisher (muted audio itself: tests/e2e, webrtc).
    deadline = time.monotonic() + 2
    while "No such stream 0" not in caplog.text:
        assert time.monotonic() < deadline, caplog.text
        await asyncio.sleep(0.02)
