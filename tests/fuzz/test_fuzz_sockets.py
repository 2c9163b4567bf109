"""Generated frames against every socket: the room socket (every message type, and frames
no client would write), the speaker's audio socket's control messages, the listening socket,
and the query strings they are opened with. Never ``internal``, never a traceback in the
log; every frame is answered, the socket goes on, and a refused message changes nothing."""

import json
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
from tests.captions.conftest import OpenSpeech, SpeechSocket
from tests.support.room_sockets import ORIGIN, Connect, Socket, session_cookie

from .conftest import db_state, faults, room_state
from .strategies import RAW, data, fuzz_settings, hostile_text, message_type, query_value

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
