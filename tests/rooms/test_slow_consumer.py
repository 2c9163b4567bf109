"""A room socket that stops reading is closed as too slow (4408) once it is a bounded
amount behind, and its client, reconnecting with ``last_seq``, gets every event it missed
from the database. A real server process: the bound is on what its connection holds."""

import asyncio
import base64
import json
import os
import socket
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.rooms.protocol import CLOSE_TOO_SLOW
from tests.rooms.test_server_processes import next_of, open_room
from tests.support.server import ServerProcess

pytestmark = [pytest.mark.slow]

SLOW_BYTES = 64 * 1024
TEXT, CLOSE = 0x1, 0x8


@pytest.fixture
def server(data_dir: Path) -> Iterator[ServerProcess]:
    env = {
        "PLENARY_ROOM_SLOW_BYTES": str(SLOW_BYTES),
        "PLENARY_ROOM_RATE": "1000",
        "PLENARY_ROOM_BURST": "1000",
    }
    process = ServerProcess(data_dir, env)
    process.prepare()
    process.start()
    yield process
    process.stop()


class StalledReader:
    """A room socket on a plain TCP socket with a small receive buffer, that reads its
    snapshot and then nothing until told to."""

    def __init__(self, server: ServerProcess, session: str) -> None:
        self.socket = socket.socket()
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.socket.settimeout(10)
        self.socket.connect(("127.0.0.1", server.port))
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET /ws/meetings/1/?batch=1 HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Key: {key}\r\nOrigin: {server.url}\r\n"
            f"Cookie: sessionid={session}\r\n\r\n"
        )
        self.socket.sendall(request.encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self._read()
        status, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        assert status.startswith(b"HTTP/1.1 101"), status

    def _read(self) -> bytes:
        data = self.socket.recv(65536)
        assert data, "the server closed the connection without a close frame"
        return data

    def frame(self) -> tuple[int, bytes]:
        """The next frame's opcode and payload (server frames are not masked)."""
        while True:
            header = self._header()
            if header is not None and len(self.buffer) >= header[1] + header[2]:
                opcode, start, size = header
                payload = self.buffer[start : start + size]
                self.buffer = self.buffer[start + size :]
                return opcode, payload
            self.buffer += self._read()

    def _header(self) -> tuple[int, int, int] | None:
        """(opcode, where the payload starts, its size) once the header is in."""
        if len(self.buffer) < 2:
            return None
        opcode, size = self.buffer[0] & 0x0F, self.buffer[1] & 0x7F
        if size < 126:
            return opcode, 2, size
        start = 4 if size == 126 else 10
        if len(self.buffer) < start:
            return None
        (size,) = struct.unpack_from("!H" if start == 4 else "!Q", self.buffer, 2)
        return opcode, start, size

    def events_until_closed(self) -> tuple[list[int], int]:
        """The sequence numbers of every event until the close frame, and its code."""
        seqs: list[int] = []
        while True:
            opcode, payload = self.frame()
            if opcode == CLOSE:
                (code,) = struct.unpack_from("!H", payload)
                return seqs, code
            assert opcode == TEXT
            message = json.loads(payload)
            batch = message["events"] if message["type"] == "batch" else [message]
            seqs += [event["seq"] for event in batch if "seq" in event]


async def test_a_socket_that_stops_reading_is_closed_and_replays_what_it_missed(
    server: ServerProcess,
) -> None:
    kenya_session, chair_session = server.login("kenya"), server.login("chair")
    stalled = await asyncio.to_thread(StalledReader, server, kenya_session)
    opcode, payload = await asyncio.to_thread(stalled.frame)
    snapshot = json.loads(payload)
    assert (opcode, snapshot["type"]) == (TEXT, "snapshot")

    chair = await open_room(server, chair_session)
    await next_of(chair, "snapshot")
    last = 0
    text = "x" * 3990  # about the longest chat message
    gone: dict[str, Any] | None = None
    for n in range(1000):  # far more than the buffers, the queue's bound and a margin
        seq, gone = await chat_noting_departure(chair, f"{n:04} {text}")
        if gone is not None:  # the stalled socket closed: its participant left
            break
        last = seq
    # Read at once: the server waits 1 s for the close handshake (Daphne's), then resets a
    # connection whose reader has not taken the close frame yet.
    seqs, code = await asyncio.to_thread(stalled.events_until_closed)
    stalled.socket.close()
    assert gone is not None, "the socket that stopped reading was never closed"
    assert gone["data"]["participant"]["name"] == snapshot["you"]["name"]
    assert code == CLOSE_TOO_SLOW
    assert seqs == list(range(snapshot["seq"] + 1, snapshot["seq"] + 1 + len(seqs)))
    seen = seqs[-1] if seqs else snapshot["seq"]
    assert seen < last

    again = await open_room(server, kenya_session, last_seq=seen)
    replayed = []
    while (message := json.loads(await asyncio.wait_for(again.recv(), 10)))["type"] != "synced":
        replayed.append(message["seq"])
    assert replayed[: last - seen] == list(range(seen + 1, last + 1))
    assert message["seq"] >= last
    await again.close()
    await chair.close()


async def chat_noting_departure(socket: Any, text: str) -> tuple[int, dict[str, Any] | None]:
    """Send a chat message; its sequence number once acknowledged, or (0 and) a
    ``presence.left`` if one comes first."""
    await socket.send(json.dumps({"type": "chat.send", "id": text, "data": {"text": text}}))
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), 10))
        if message["type"] == "presence.left":
            return 0, message
        if message["type"] == "ack" and message["id"] == text:
            return message["seqs"][0], None
