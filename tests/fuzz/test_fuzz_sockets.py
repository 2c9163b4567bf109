"""Generated frames against every socket: the room socket (every message type, and frames
no client would write), the speaker's audio socket's control messages, the listening socket,
the media socket (the signalling proxy to a real Janus), and the query strings they are
opened with. Never ``internal``, never a traceback in the
log; every frame is answered, the socket goes on, and a refused message changes nothing."""

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from channels.testing import WebsocketCommunicator
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import Settings as SettingsWrapper

from server.asgi import application
from server.common.asyncdb import db_async
from server.conferences.models import Meeting, Participant
from server.interpretation.models import Booth
from server.media.channels import AUDIOBRIDGE, STREAMING
from server.media.process import JanusProcess
from server.media.rooms import media_room
from server.media.signalling import (
    BOOTH_REQUESTS,
    CHANNEL_REQUESTS,
    CORE_REQUESTS,
    PLUGIN_REQUESTS,
)
from server.media.tokens import room_token
from tests.captions.conftest import OpenSpeech, SpeechSocket
from tests.media.conftest import MediaSocket, OpenMedia
from tests.support.builders import Role, participant_build
from tests.support.room_sockets import ORIGIN, Connect, Socket, session_cookie

from .conftest import db_state, faults, room_state
from .strategies import (
    RAW,
    data,
    fuzz_settings,
    hostile_text,
    json_value,
    message_type,
    query_value,
)

pytestmark = [pytest.mark.django_db(transaction=True)]
PEOPLE = ["chair", "kenya", "wmo"]  # presiding, negotiating, observing

frames = st.one_of(
    st.builds(
        lambda kind, body, id: json.dumps({"type": kind, "id": id, "data": body}),
        message_type.filter(lambda kind: kind != "meeting.close"),  # the room would end
        data,
        st.none() | st.integers() | st.text(max_size=8),
    ),
    RAW,
    st.text(max_size=50),
    st.binary(max_size=50),
)


async def send_frame(communicator: WebsocketCommunicator, frame: str | bytes) -> None:
    """Not ``send_to()``: it refuses an empty frame, which a broken client may well send."""
    key = "bytes" if isinstance(frame, bytes) else "text"
    await communicator.send_input({"type": "websocket.receive", key: frame})


async def answers(socket: Socket, probe: UUID) -> list[dict[str, Any]]:
    """Everything the socket sends until the pong of the ping ``probe``."""
    await socket.send("ping", id=str(probe))
    received = []
    while (message := await socket.receive())["type"] != "pong" or message["id"] != str(probe):
        received.append(message)
    return received


@pytest.fixture
def unlimited(settings: SettingsWrapper) -> None:
    """No rate limit: every generated frame is handled, none dropped."""
    settings.ROOM_RATE_PER_SECOND, settings.ROOM_RATE_BURST = 1_000_000.0, 1_000_000


@pytest.fixture
async def room_sockets(connect: Connect, plenary: Meeting, unlimited: None) -> dict[str, Socket]:
    """A socket per user for all examples, opened before them: opening one takes time, and
    Hypothesis seeds ``random``, which names the in-process layer's channels."""
    opened = {}
    for username in PEOPLE:
        opened[username] = await connect(username, plenary)
        await opened[username].receive_until("snapshot")
    return opened


@fuzz_settings(80)
@given(frame=frames, who=st.sampled_from(PEOPLE), probe=st.uuids())
async def test_fuzz_room_socket(
    room_sockets: dict[str, Socket],
    caplog: pytest.LogCaptureFixture,
    frame: str | bytes,
    who: str,
    probe: UUID,
) -> None:
    caplog.clear()  # this example's records only
    socket = room_sockets[who]
    before = await db_async(db_state)()
    await send_frame(socket.communicator, frame)
    replies = await answers(socket, probe)
    errors = [m for m in replies if m["type"] == "error"]
    assert [m for m in replies if m["type"] in ("error", "ack", "events", "pong")], replies
    assert "internal" not in {m["code"] for m in errors}
    if errors:
        assert await db_async(db_state)() == before
    assert faults(caplog) == []


@pytest.fixture
def no_workers(settings: SettingsWrapper) -> None:
    settings.ASR_WORKERS = "external"


@pytest.fixture
async def speech_sockets(
    floor: Participant, plenary: Meeting, open_speech: OpenSpeech, no_workers: None
) -> dict[str, SpeechSocket]:
    """Kenya's microphone (Kenya holds the floor) and Spain's listening socket."""
    microphone = await open_speech("kenya", plenary, "audio")
    assert (await microphone.receive())["type"] == "audio.ready"
    return {"audio": microphone, "listen": await open_speech("spain", plenary, "listen")}


control_frames = st.one_of(
    st.builds(
        lambda kind, body: json.dumps({"type": kind, "data": body}),
        st.sampled_from(["ping", "audio.start", "audio.pause"]) | hostile_text,
        data,
    ).filter(lambda frame: '"audio.stop"' not in frame),  # that one ends the turn
    RAW,
    st.text(max_size=50),
)


@fuzz_settings(60)
@given(kind=st.sampled_from(["audio", "listen"]), frame=control_frames)
async def test_fuzz_speech_socket_control_messages(
    speech_sockets: dict[str, SpeechSocket],
    caplog: pytest.LogCaptureFixture,
    kind: str,
    frame: str,
) -> None:
    caplog.clear()  # this example's records only
    socket = speech_sockets[kind]
    before = await db_async(room_state)()
    await send_frame(socket.communicator, frame)
    reply = await socket.receive()
    while reply["type"] == "audio.status":  # the recognition link's own news
        reply = await socket.receive()
    assert reply["type"] in ("pong", "error"), reply
    assert reply.get("code") != "internal"
    assert await db_async(room_state)() == before
    assert faults(caplog) == []


@fuzz_settings(25)
@given(
    kind=st.sampled_from(["", "audio/", "listen/"]),
    params=st.lists(
        st.tuples(
            st.sampled_from(["last_seq", "format", "rate", "language"]) | hostile_text,
            st.sampled_from(["pcm16", "webm", "ogg", "16000", "es"]) | hostile_text,
        ),
        max_size=3,
    ),
)
async def test_fuzz_socket_query_strings(
    floor: Participant,
    plenary: Meeting,
    no_workers: None,
    caplog: pytest.LogCaptureFixture,
    kind: str,
    params: list[tuple[str, str]],
) -> None:
    """Opened with any query string, a socket is refused with a reason or opens."""
    caplog.clear()  # this example's records only
    query = "&".join(f"{query_value(k)}={query_value(v)}" for k, v in params)
    headers = [ORIGIN, (b"cookie", await db_async(session_cookie)("kenya"))]
    path = f"/ws/meetings/{plenary.pk}/{kind}?{query}"
    communicator = WebsocketCommunicator(application, path, headers=headers)
    try:
        assert (await communicator.connect(timeout=5))[0]
        if kind != "listen/":
            first = await communicator.receive_json_from(5)
            assert first["type"] in ("snapshot", "synced", "audio.ready", "error"), first
            assert first.get("code") != "internal"
    finally:
        await communicator.disconnect()
    assert faults(caplog) == []


# The media socket (the signalling proxy to Janus): Janus-shaped requests with any bodies,
# on the session and handle the socket holds, besides random JSON and raw frames.
JANUS_KINDS = sorted(CORE_REQUESTS | {"claim", "message_plugin", "add_token", "list_sessions"})
JANUS_ID = st.integers(-1, 2**53) | st.text(max_size=8)  # past the stored-number check
PLUGIN_BODIES = sorted(
    PLUGIN_REQUESTS
    | BOOTH_REQUESTS
    | CHANNEL_REQUESTS
    | {"create", "kick", "moderate", "rtp_forward", "unmute", "changeroom", "info", "list"}
)


@dataclass
class MediaPlace:
    """A media socket with its Janus session and VideoRoom, AudioBridge and Streaming
    handles, its room's token and the Spanish booth's room (and channel)."""

    socket: MediaSocket
    session: int
    handles: list[int]
    room: int
    token: str
    booth: int


@st.composite
def janus_frame(draw: st.DrawFn, place: MediaPlace) -> str:
    body = draw(data)
    body["request"] = draw(st.sampled_from(PLUGIN_BODIES) | hostile_text)
    body["room"] = draw(st.sampled_from([place.room, place.booth]) | JANUS_ID)
    if draw(st.booleans()):
        body["id"] = draw(st.just(place.booth) | JANUS_ID)
    if draw(st.booleans()):
        body["muted"] = draw(st.booleans() | json_value)
    body["ptype"] = draw(st.sampled_from(["publisher", "subscriber"]) | hostile_text)
    body["token"] = draw(st.just(place.token) | hostile_text)
    message: dict[str, object] = {
        "janus": draw(st.just("message") | st.sampled_from(JANUS_KINDS) | hostile_text),
        "transaction": draw(st.text(min_size=1, max_size=8) | st.sampled_from([None, "", 7])),
        "session_id": draw(st.just(place.session) | JANUS_ID),
        "handle_id": draw(st.sampled_from(place.handles) | JANUS_ID),
        "body": draw(st.just(body) | json_value),
    }
    if draw(st.booleans()):
        sdp = draw(st.sampled_from(["v=0\r\nm=audio 9 RTP 111\r\n", "m=video 9 RTP 96\r\n"]))
        message["jsep"] = draw(
            st.builds(lambda s: {"type": "offer", "sdp": s}, st.just(sdp) | hostile_text)
            | json_value
        )
    return json.dumps(message)


@pytest.fixture
def gallery(plenary: Meeting) -> Meeting:
    """The plenary of a conference with the camera gallery (more requests get past the door)."""
    plenary.conference.camera_gallery = True
    plenary.conference.save()
    return plenary


@pytest.fixture
async def media_places(
    floor: Participant, gallery: Meeting, open_media: OpenMedia, janus: JanusProcess
) -> dict[str, MediaPlace]:
    """Kenya's (the floor holder's), an observer's and a Spanish interpreter's media
    sockets, each with a Janus session and a handle of each plugin, opened before the
    examples."""
    plenary = gallery

    def spanish_booth() -> None:
        booth = Booth.objects.create(conference=plenary.conference, language="es", channel=2)
        booth.interpreters.add(
            participant_build(plenary.conference, role=Role.INTERPRETER, username="interp-es")
        )

    await db_async(spanish_booth)()
    room, booth = media_room(plenary.pk), media_room(plenary.pk, 2)
    places = {}
    for username in ("kenya", "wmo", "interp-es"):
        socket = await open_media(username, plenary)
        session = await socket.session()
        handles = [
            await socket.attach(session, plugin=plugin)
            for plugin in ("janus.plugin.videoroom", AUDIOBRIDGE, STREAMING)
        ]
        places[username] = MediaPlace(socket, session, handles, room, room_token(room).text, booth)
    return places


@fuzz_settings(80)
@given(who=st.sampled_from(["kenya", "wmo", "interp-es"]), choice=st.data(), probe=st.uuids())
async def test_fuzz_media_socket(
    media_places: dict[str, MediaPlace],
    caplog: pytest.LogCaptureFixture,
    who: str,
    choice: st.DataObject,
    probe: UUID,
) -> None:
    caplog.clear()  # this example's records only
    place = media_places[who]
    frame = choice.draw(
        janus_frame(place)
        | st.one_of(st.builds(json.dumps, json_value), RAW, st.text(max_size=50), st.binary())
    )
    await send_frame(place.socket.communicator, frame)
    # Answered as Janus answers, and the socket goes on: the probe's pong comes back.
    replies = []
    while True:
        reply = await place.socket.receive(10)
        if reply.get("transaction") == str(probe):
            break
        replies.append(reply)
        if len(replies) == 1:
            await place.socket.send_text(json.dumps({"janus": "ping", "transaction": str(probe)}))
    for reply in replies:
        assert isinstance(reply.get("janus"), str), reply
        if reply["janus"] == "error":
            error = reply["error"]
            assert isinstance(error["code"], int) and isinstance(error["reason"], str), reply
    assert faults(caplog) == []
