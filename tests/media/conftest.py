"""Janus clients for the media tests: one straight to Janus's WebSocket transport (what a
hand-made request would do), one through Plenary's signalling proxy."""

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

import pytest
import websockets
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.db import connections
from websockets.asyncio.client import ClientConnection

from server.asgi import application
from server.common.asyncdb import db_async
from server.conferences.models import Meeting, Participant
from server.media.process import JanusProcess
from server.media.tokens import core_token
from server.rooms import services as room_services
from tests.support.room_sockets import ORIGIN, session_cookie

People = Callable[[str], Participant]
Reply = dict[str, Any]


class JanusTalk:
    """Janus requests and their answers (acks skipped), over a connection of some kind."""

    counter = itertools.count()

    async def send_text(self, text: str) -> None:
        raise NotImplementedError

    async def receive_text(self, timeout: float) -> str:
        raise NotImplementedError

    async def receive(self, timeout: float = 5) -> Reply:
        reply: Reply = json.loads(await self.receive_text(timeout))
        return reply

    async def request(self, message: dict[str, Any], timeout: float = 5) -> Reply:
        """Send with a fresh transaction; the answer to it (acks skipped)."""
        transaction = f"t{next(self.counter)}"
        await self.send_text(json.dumps({**message, "transaction": transaction}))
        while True:
            reply = await self.receive(timeout)
            if reply.get("transaction") == transaction and reply.get("janus") != "ack":
                return reply

    async def session(self, **extra: Any) -> int:
        reply = await self.request({"janus": "create", **extra})
        assert reply["janus"] == "success", reply
        session: int = reply["data"]["id"]
        return session

    async def attach(self, session: int, **extra: Any) -> int:
        reply = await self.request(
            {"janus": "attach", "session_id": session, "plugin": "janus.plugin.videoroom", **extra}
        )
        assert reply["janus"] == "success", reply
        handle: int = reply["data"]["id"]
        return handle

    async def videoroom(
        self, session: int, handle: int, body: dict[str, Any], **extra: Any
    ) -> Reply:
        message = {"janus": "message", "session_id": session, "handle_id": handle, "body": body}
        return await self.request({**message, **extra})


class JanusDirect(JanusTalk):
    """Straight to Janus, as a hand-made client would: only the core token makes sessions."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def send_text(self, text: str) -> None:
        await self.connection.send(text)

    async def receive_text(self, timeout: float) -> str:
        text = await asyncio.wait_for(self.connection.recv(), timeout)
        return text if isinstance(text, str) else text.decode()


class MediaSocket(JanusTalk):
    """A browser's media socket: Plenary's proxy."""

    def __init__(
        self, communicator: WebsocketCommunicator, connected: bool, subprotocol: str | None
    ) -> None:
        self.communicator = communicator
        self.connected = connected
        self.subprotocol = subprotocol

    async def send_text(self, text: str) -> None:
        await self.communicator.send_to(text_data=text)

    async def receive_text(self, timeout: float) -> str:
        message = await self.communicator.receive_output(timeout)
        assert message["type"] == "websocket.send", message
        text: str = message["text"]
        return text

    async def closed_with(self, timeout: float = 5) -> int:
        while True:
            message = await self.communicator.receive_output(timeout)
            if message["type"] == "websocket.close":
                code: int = message["code"]
                return code


@pytest.fixture
async def direct(janus: JanusProcess) -> AsyncIterator[JanusDirect]:
    async with websockets.connect(
        janus.ws_url, subprotocols=[websockets.Subprotocol("janus-protocol")]
    ) as connection:
        yield JanusDirect(connection)


class OpenMedia(Protocol):
    async def __call__(self, username: str | None, meeting: Meeting) -> MediaSocket: ...


@pytest.fixture
async def open_media(janus: JanusProcess) -> AsyncIterator[OpenMedia]:
    """``await open_media(username, meeting)`` → a media socket (in-process layer)."""
    channel_layers.backends.clear()
    opened: list[MediaSocket] = []

    async def open_socket(username: str | None, meeting: Meeting) -> MediaSocket:
        headers = [ORIGIN]
        if username:
            headers.append((b"cookie", await db_async(session_cookie)(username)))
        communicator = WebsocketCommunicator(
            application,
            f"/ws/meetings/{meeting.pk}/media/",
            headers=headers,
            subprotocols=["janus-protocol"],
        )
        connected, subprotocol = await communicator.connect(timeout=5)
        socket = MediaSocket(communicator, connected, subprotocol)
        opened.append(socket)
        return socket

    yield open_socket
    for socket in opened:
        await socket.communicator.disconnect()
    await db_async(connections.close_all)()
    channel_layers.backends.clear()


@pytest.fixture
def floor(plenary: Meeting, person: People) -> Participant:
    """Kenya holds the floor of the open plenary."""
    kenya = person("kenya")
    room_services.floor_give(actor=person("chair"), meeting=plenary, participant_id=kenya.pk)
    return kenya


def core() -> str:
    return core_token().text
