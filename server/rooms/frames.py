"""The room socket's server frames on the wire, and the short path that writes them.

A server's WebSocket frames are never masked, so one event's frame is the same bytes for
every socket: ``Frame`` encodes it once, on first use, and the fan-out writes those bytes.
Under Daphne each frame sent through ASGI (``self.send``) passes the middlewares' send
wrappers, Daphne's reply coroutine, its protocol's dispatch and autobahn's frame builder
and debug logging; measured in docs/capacity.md, that was most of a delivery's cost. The
outermost middleware (``RawSocketMiddleware``, in ``server/asgi.py``) hands a room socket
its Daphne connection, and the fan-out writes the frame's bytes to its transport directly
while the connection is open and uncompressed (autobahn writes a whole frame the same way
when nothing of its own is queued). Under any other server the frames go through ASGI.
"""

import socket
import struct
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from asgiref.typing import ASGI3Application, ASGIReceiveCallable, ASGISendCallable, Scope
from daphne.ws_protocol import WebSocketProtocol

TEXT_FIN = 0x81  # a final text frame


def frame_bytes(text: str) -> bytes:
    """An unmasked, unfragmented text frame holding ``text``."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", TEXT_FIN, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", TEXT_FIN, 126, size)
    else:
        header = struct.pack("!BBQ", TEXT_FIN, 127, size)
    return header + payload


@dataclass(eq=False, slots=True)
class Frame:
    """A server message as sent to many sockets: its text, and its frame once encoded.

    ``replaces``: a replaceable message (a draft) names what it replaces; a socket's queue
    keeps only the newest of those with the same name."""

    text: str
    replaces: str | None = None
    _wire: bytes | None = field(default=None, repr=False)

    @property
    def wire(self) -> bytes:
        if self._wire is None:
            self._wire = frame_bytes(self.text)
        return self._wire


class _Transport(Protocol):
    """What is used of Twisted's TCP transport (``twisted.internet.tcp.Connection``): its
    socket, its write, and the buffers of what it has not handed to the kernel yet."""

    socket: socket.socket
    dataBuffer: bytes
    offset: int
    _tempDataLen: int
    disconnecting: bool
    TLS: bool

    def write(self, data: bytes) -> None: ...


class RawSocket:
    """A Daphne WebSocket connection, written to directly."""

    def __init__(self, protocol: WebSocketProtocol) -> None:
        self.protocol = protocol

    def _transport(self) -> _Transport | None:
        """The transport, while the connection is open (not closing)."""
        protocol = self.protocol
        transport: _Transport | None = protocol.transport
        if protocol.state != protocol.STATE_OPEN or transport is None or transport.disconnecting:
            return None
        return transport

    def limit_send_buffer(self, size: int) -> None:
        """Give the kernel's send buffer a fixed size (Linux lets it grow to megabytes per
        connection): what a socket that stops reading holds stays small, and it is found
        behind (``buffered``) early."""
        transport = self._transport()
        if transport is not None:
            transport.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)

    def buffered(self) -> int:
        """Bytes written and not yet taken by the kernel (0 once closing)."""
        transport = self._transport()
        if transport is None:
            return 0
        return _buffered(transport)

    def write(self, frames: list[Frame]) -> bool:
        """Write the frames, in order; False when autobahn has its own frames queued or
        compresses (send them through ASGI then). Frames to a closing connection are
        dropped, as Daphne drops them."""
        transport = self._transport()
        if transport is None:
            return True
        if self.protocol.send_queue or self.protocol._perMessageCompress is not None:
            return False
        data = frames[0].wire if len(frames) == 1 else b"".join(f.wire for f in frames)
        if _buffered(transport) == 0 and not transport.TLS:
            # Nothing of Twisted's waits: to the kernel now, as asyncio's transports do,
            # instead of a poll for writability and a second pass for each frame.
            try:
                sent = transport.socket.send(data)
            except BlockingIOError:
                sent = 0
            except OSError:
                return True  # the connection broke: Twisted finds out as it reads
            data = data[sent:]
        if data:
            transport.write(data)
        return True


def _buffered(transport: _Transport) -> int:
    return len(transport.dataBuffer) - transport.offset + transport._tempDataLen


RAW_SOCKET: ContextVar[RawSocket | None] = ContextVar("plenary_raw_socket", default=None)


class RawSocketMiddleware:
    """Outermost: under Daphne, a WebSocket's handler finds its connection in
    ``RAW_SOCKET`` (Daphne's ``send`` is its ``handle_reply`` bound to the connection)."""

    def __init__(self, app: ASGI3Application) -> None:
        self.app = app

    async def __call__(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        connection = send.args[0] if isinstance(send, partial) and send.args else None
        if scope["type"] != "websocket" or not isinstance(connection, WebSocketProtocol):
            await self.app(scope, receive, send)
            return
        token = RAW_SOCKET.set(RawSocket(connection))
        try:
            await self.app(scope, receive, send)
        finally:
            RAW_SOCKET.reset(token)
