"""Room sockets for tests (a pytest plugin of the whole suite, see tests/conftest.py): the
channel layer each test runs on, and logged-in room sockets of the demo conference's people."""

import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any, Protocol

import pytest
import redis
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from server.asgi import application
from server.common.asyncdb import db_async
from server.common.ratelimit import user_buckets_reset
from server.conferences.models import Meeting
from tests.support.redis_server import RedisServer

ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest.fixture(autouse=True)
def fresh_rate_budgets() -> Iterator[None]:
    """Each test starts with full per-user budgets (the users are the same in every test)."""
    user_buckets_reset()
    yield
    user_buckets_reset()


def redis_layer(url: str) -> dict[str, object]:
    """``CHANNEL_LAYERS`` on the Redis at ``url``, with a prefix of the test's own."""
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": url}],
                "prefix": f"plenary-test-{uuid.uuid4().hex[:8]}",
                "capacity": 5000,
                "group_expiry": settings.WEBSOCKET_TIMEOUT + 3600,
            },
        }
    }


@pytest.fixture(params=["memory", "redis"])
def layer(request: pytest.FixtureRequest, settings: SettingsWrapper) -> Iterator[str]:
    """Every room test runs on the in-process layer and on channels-redis (real Redis)."""
    if request.param == "redis":
        settings.CHANNEL_LAYERS = redis_layer(request.getfixturevalue("redis_url"))
    channel_layers.backends.clear()
    yield request.param
    channel_layers.backends.clear()


def session_cookie(username: str) -> bytes:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


class Socket:
    """A connected room socket with helpers that read the protocol."""

    def __init__(self, communicator: WebsocketCommunicator, connected: bool) -> None:
        self.communicator = communicator
        self.connected = connected
        self.closed = False

    async def send(self, type: str, data: dict[str, Any] | None = None, id: str = "m") -> None:
        await self.communicator.send_json_to({"type": type, "id": id, "data": data or {}})

    async def receive(self, timeout: float = 3) -> dict[str, Any]:
        message: dict[str, Any] = await self.communicator.receive_json_from(timeout)
        return message

    async def receive_until(self, type: str, timeout: float = 3) -> dict[str, Any]:
        """Skip messages until one of ``type`` arrives."""
        while True:
            message = await self.receive(timeout)
            if message["type"] == type:
                return message

    async def call(self, type: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send and return the ack or error (events in between are skipped)."""
        await self.send(type, data, id="call")
        while True:
            message = await self.receive()
            if (
                message["type"] in {"ack", "error", "events", "pong"}
                and message.get("id") == "call"
            ):
                return message

    async def nothing_more(self) -> bool:
        nothing: bool = await self.communicator.receive_nothing(timeout=0.3)
        return nothing

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            await self.communicator.disconnect()

    async def close_after_outage(self) -> None:
        """Close a socket whose consumer may have ended with the channel layer's failure
        (Channels ends a consumer whose layer fails; the client sees the socket close)."""
        with contextlib.suppress(redis.ConnectionError):
            await self.close()


class Connect(Protocol):
    async def __call__(
        self,
        username: str | None,
        meeting: Meeting,
        *,
        last_seq: int | None = None,
        origin: tuple[bytes, bytes] = ORIGIN,
        expect_open: bool = True,
        path: str = "",
        batch: bool = False,
    ) -> "Socket": ...


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A Redis of this test's own, which it may stop and start again."""
    server = RedisServer.installed()
    if server is None:
        pytest.fail("redis-server is not installed: `apt-get install redis-server`.")
    server.start()
    yield server
    server.remove()


@pytest.fixture
async def connect(layer: str) -> AsyncIterator[Connect]:
    """``await connect(username, meeting, last_seq=None)`` → a connected ``Socket`` (the
    room's, or ``path="listen/"``, ``"audio/"``; ``batch=True`` asks for batch frames); all
    are disconnected at the end of the test."""
    opened: list[Socket] = []

    async def open_socket(
        username: str | None,
        meeting: Meeting,
        *,
        last_seq: int | None = None,
        origin: tuple[bytes, bytes] = ORIGIN,
        expect_open: bool = True,
        path: str = "",
        batch: bool = False,
    ) -> Socket:
        headers = [origin]
        if username:
            headers.append((b"cookie", await db_async(session_cookie)(username)))
        query = "&".join(
            [
                *(["batch=1"] if batch else []),
                *([f"last_seq={last_seq}"] if last_seq is not None else []),
            ]
        )
        url = f"/ws/meetings/{meeting.pk}/{path}" + (f"?{query}" if query else "")
        communicator = WebsocketCommunicator(application, url, headers=headers)
        connected, _ = await communicator.connect(timeout=5)
        socket = Socket(communicator, connected)
        opened.append(socket)
        assert connected or not expect_open
        return socket

    yield open_socket
    for socket in opened:
        await socket.close()
    # The consumers' database thread holds its own connection; a test database that is
    # dropped afterwards (PostgreSQL) must not be in use.
    await db_async(connections.close_all)()
