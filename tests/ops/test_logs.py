"""Structured logs: request and meeting ids on every record, JSON in production, and no
chat or speech content."""

import io
import json
import logging
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from asgiref.typing import ASGIReceiveCallable, ASGISendCallable, Scope
from channels.testing import HttpCommunicator, WebsocketCommunicator

from server.asgi import application
from server.common.asyncdb import db_async
from server.conferences.models import Meeting
from server.ops.context import MEETING_ID, REQUEST_ID, LogContextMiddleware
from server.ops.logs import JsonFormatter, LogContextFilter
from tests.support.room_sockets import ORIGIN, session_cookie
from tests.support.server import PLENARY, REPO, production_env

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What the production handler writes, for every logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(LogContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


async def test_a_request_carries_its_id_and_meeting_into_the_log_and_back(
    json_log: io.StringIO,
) -> None:
    request = HttpCommunicator(
        application,
        "GET",
        "/api/meetings/77/nothing",
        headers=[(b"host", b"127.0.0.1"), (b"x-request-id", b"req-1234abcd")],
    )
    response = await request.get_response(timeout=5)
    assert response["status"] == 404
    assert (b"x-request-id", b"req-1234abcd") in response["headers"]
    [entry] = [e for e in lines(json_log) if e["logger"] == "django.request"]
    assert entry["request_id"] == "req-1234abcd"
    assert entry["meeting_id"] == 77
    assert entry["level"] == "WARNING"
    assert entry["message"] == "Not Found: /api/meetings/77/nothing"


async def test_a_malformed_request_id_is_replaced_by_a_fresh_one() -> None:
    request = HttpCommunicator(
        application, "GET", "/healthz", headers=[(b"x-request-id", b"bad id; drop table")]
    )
    headers = dict((await request.get_response(timeout=5))["headers"])
    assert len(headers[b"x-request-id"]) == 32
    assert headers[b"x-request-id"].isalnum()


async def test_a_websocket_runs_with_its_meeting_id_and_request_id() -> None:
    seen: list[tuple[str | None, int | None]] = []

    async def room(scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        seen.append((REQUEST_ID.get(), MEETING_ID.get()))
        await receive()
        await send({"type": "websocket.close", "code": 1000, "reason": None})

    socket = WebsocketCommunicator(
        LogContextMiddleware(room), "/ws/meetings/12/audio/", headers=[(b"x-request-id", b"a" * 32)]
    )
    await socket.connect(timeout=5)
    assert seen == [("a" * 32, 12)]
    assert REQUEST_ID.get() is None and MEETING_ID.get() is None


async def test_chat_text_never_reaches_the_logs(
    plenary: Meeting, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cookie = await db_async(session_cookie)("kenya")
    socket = WebsocketCommunicator(
        application, f"/ws/meetings/{plenary.pk}/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    assert (await socket.connect(timeout=5))[0]
    secret = f"confidential position {secrets.token_hex(4)}"
    for scope in ("meeting", "delegation", "nowhere"):
        await socket.send_json_to({"type": "chat.send", "data": {"text": secret, "scope": scope}})
    await socket.send_json_to({"type": "chat.send", "data": {"text": secret * 1000}})
    replies = [await socket.receive_json_from(5) for _ in range(7)]  # snapshot, events, acks
    assert {r["type"] for r in replies} >= {"ack", "error", "chat.message"}
    await socket.disconnect()
    assert not [r for r in caplog.records if "confidential" in r.getMessage()]


def test_production_logs_one_json_object_per_line(tmp_path: Path) -> None:
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="server.settings")
    script = "import django, logging; django.setup(); logging.getLogger('plenary').warning('up')"
    result = subprocess.run(
        [PLENARY[0], "-c", script], env=env, cwd=REPO, capture_output=True, text=True, check=True
    )
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["message"] == "up"
    assert entry["level"] == "WARNING"
    assert (entry["request_id"], entry["meeting_id"]) == (None, None)
