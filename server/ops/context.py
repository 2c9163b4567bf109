"""The request id and meeting id of whatever is being handled, for the logs.

``LogContextMiddleware`` wraps the whole ASGI application: each HTTP request and each
WebSocket gets a request id (nginx's ``X-Request-ID`` when it sends a well-formed one, else
a new one; HTTP responses carry it back), and the meeting id read from its path. Both are
context variables, so every log record written while handling it — in the consumer, in
database threads, in tasks it starts — carries them.
"""

import re
import uuid
from contextvars import ContextVar

from asgiref.typing import (
    ASGI3Application,
    ASGIReceiveCallable,
    ASGISendCallable,
    ASGISendEvent,
    Scope,
)

REQUEST_ID: ContextVar[str | None] = ContextVar("plenary_request_id", default=None)
MEETING_ID: ContextVar[int | None] = ContextVar("plenary_meeting_id", default=None)

REQUEST_ID_HEADER = b"x-request-id"
_WELL_FORMED_ID = re.compile(rb"[A-Za-z0-9._-]{8,128}")
_MEETING_PATH = re.compile(r"^/(?:api/|ws/)?meetings/(\d+)(?:/|$)")


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name.lower() == REQUEST_ID_HEADER and _WELL_FORMED_ID.fullmatch(value):
            return value.decode("ascii")
    return uuid.uuid4().hex


def meeting_id_from(path: str) -> int | None:
    match = _MEETING_PATH.match(path)
    return int(match.group(1)) if match else None


class LogContextMiddleware:
    def __init__(self, app: ASGI3Application) -> None:
        self.app = app

    async def __call__(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(list(scope["headers"]))
        request_token = REQUEST_ID.set(request_id)
        meeting_token = MEETING_ID.set(meeting_id_from(scope["path"]))
        try:
            await self.app(scope, receive, _with_request_id(send, request_id))
        finally:
            REQUEST_ID.reset(request_token)
            MEETING_ID.reset(meeting_token)


def _with_request_id(send: ASGISendCallable, request_id: str) -> ASGISendCallable:
    async def sending(event: ASGISendEvent) -> None:
        if event["type"] == "http.response.start":
            headers = [*event.get("headers", []), (REQUEST_ID_HEADER, request_id.encode())]
            event = {**event, "headers": headers}
        await send(event)

    return sending
