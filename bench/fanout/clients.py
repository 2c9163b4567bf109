"""N WebSocket listeners in one process, on a minimal client of our own (the handshake, then
unmasked server frames parsed straight from the socket) so that the listeners cost the
two-core machine little and their own overhead shows as little as possible in the latency.

Connects them all (a few at a time, as people arrive), prints READY, then records every
chat event's latency and sequence number (also those that come together in a ``batch``
frame: Plenary's listeners ask for them). Commands on stdin, one a line: COUNT prints how
many events have arrived since the last REPORT; REPORT prints a JSON summary (delivered,
latencies in s, gaps, duplicates) and starts counting afresh; STOP ends.
"""

import asyncio
import base64
import json
import os
import re
import resource
import struct
import sys
import time
from urllib.parse import urlsplit

SEQ = re.compile(rb'"seq":(\d+)')
SENT = re.compile(rb"sent=([0-9.]+);")
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA
JOIN_ATTEMPTS = 3
BATCH = b'{"v":1,"type":"batch"'
NO_MASK = b"\0\0\0\0"  # a client must mask its frames; a zero key leaves them as they are


def client_frame(opcode: int, payload: bytes) -> bytes:
    if len(payload) < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | len(payload))
    else:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, len(payload))
    return header + NO_MASK + payload


class Listener(asyncio.Protocol):
    def __init__(self, request: bytes, hello: bytes | None) -> None:
        self.request = request
        self.hello = hello
        self.ready = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.upgraded = False
        self.last_seq: int | None = None
        self.latencies: list[float] = []
        self.gaps = 0
        self.duplicates = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"closed while joining: {exc!r}"))

    def data_received(self, data: bytes) -> None:
        now = time.time()
        self.buffer += data
        if not self.upgraded and not self._upgrade():
            return
        while (frame := self._next_frame()) is not None:
            opcode, payload = frame
            if opcode == TEXT:
                self.on_message(payload, now)
            elif opcode == PING and self.transport:
                self.transport.write(client_frame(PONG, payload))

    def _upgrade(self) -> bool:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        status, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
        if not status.startswith(b"HTTP/1.1 101"):
            self.ready.set_exception(ConnectionError(status.split(b"\r\n")[0].decode()))
            return False
        self.upgraded = True
        if self.hello and self.transport:
            self.transport.write(client_frame(TEXT, self.hello))
        return True

    def _next_frame(self) -> tuple[int, bytes] | None:
        """One complete unmasked frame off the buffer (small messages are not fragmented)."""
        if len(self.buffer) < 2:
            return None
        opcode, length = self.buffer[0] & 0x0F, self.buffer[1] & 0x7F
        start = 2
        if length == 126:
            (length,), start = struct.unpack_from("!H", self.buffer, 2), 4
        elif length == 127:
            (length,), start = struct.unpack_from("!Q", self.buffer, 2), 10
        if len(self.buffer) < start + length:
            return None
        payload = self.buffer[start : start + length]
        self.buffer = self.buffer[start + length :]
        return opcode, payload

    def on_message(self, payload: bytes, now: float) -> None:
        if payload.startswith(BATCH):
            # One frame, several events: each from its "seq" to the next one's.
            starts = [match.start() for match in SEQ.finditer(payload)]
            for start, end in zip(starts, [*starts[1:], len(payload)], strict=True):
                self.on_event(payload[start:end], now)
            return
        if b'"snapshot"' in payload[:40]:
            seq_match = SEQ.search(payload)
            if seq_match is not None:
                self.last_seq = int(seq_match.group(1))
            if not self.ready.done():
                self.ready.set_result(None)
            return
        self.on_event(payload, now)

    def on_event(self, payload: bytes, now: float) -> None:
        seq_match = SEQ.search(payload)
        if seq_match is None:
            return
        seq = int(seq_match.group(1))
        if self.last_seq is not None:
            if seq <= self.last_seq:
                self.duplicates += 1
                return
            if seq > self.last_seq + 1:
                self.gaps += seq - self.last_seq - 1
        self.last_seq = seq
        sent = SENT.search(payload)
        if sent:
            self.latencies.append(now - float(sent.group(1)))

    def close(self) -> None:
        if self.transport and not self.transport.is_closing():
            self.transport.write(client_frame(CLOSE, struct.pack("!H", 1000)))
            self.transport.close()


def upgrade_request(url: str, cookie: str | None) -> bytes:
    parts = urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        f"GET {parts.path or '/'} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        f"Origin: http://{parts.netloc}",
        *([f"Cookie: sessionid={cookie}"] if cookie else []),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def join(
    url: str, cookie: str | None, hello: str | None, gate: asyncio.Semaphore
) -> Listener:
    parts = urlsplit(url)
    loop = asyncio.get_running_loop()
    async with gate:
        failures = 0
        while True:  # a loaded server drops a handshake that takes over 5 s: try again
            _, listener = await loop.create_connection(
                lambda: Listener(upgrade_request(url, cookie), hello.encode() if hello else None),
                parts.hostname or "127.0.0.1",
                parts.port or 80,
            )
            try:
                await asyncio.wait_for(listener.ready, 60)
                return listener
            except ConnectionError:
                failures += 1
                if failures == JOIN_ATTEMPTS:
                    raise


async def main(spec: dict[str, object]) -> None:
    urls, sessions, hello = spec["urls"], spec["sessions"], spec.get("hello")
    assert isinstance(urls, list) and isinstance(sessions, list)
    assert hello is None or isinstance(hello, str)
    gate = asyncio.Semaphore(5)  # people arrive a few at a time
    joins = [join(urls[n % len(urls)], s, hello, gate) for n, s in enumerate(sessions)]
    results = await asyncio.gather(*joins, return_exceptions=True)
    listeners = [r for r in results if isinstance(r, Listener)]
    failures = [repr(r) for r in results if not isinstance(r, Listener)]
    print("READY", len(failures), failures[:3], flush=True)
    loop = asyncio.get_running_loop()
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
        if line == "STOP" or not line:
            break
        if line == "COUNT":
            print(sum(len(x.latencies) for x in listeners), flush=True)
        elif line == "REPORT":
            report(listeners)
    for listener in listeners:
        listener.close()
    await asyncio.sleep(0.5)  # let the close frames go out


def report(listeners: list[Listener]) -> None:
    """Print the summary since the last report, and start afresh."""
    summary = {
        "delivered": sum(len(x.latencies) for x in listeners),
        "latencies": [round(v, 4) for x in listeners for v in x.latencies],
        "gaps": sum(x.gaps for x in listeners),
        "duplicates": sum(x.duplicates for x in listeners),
    }
    print(json.dumps(summary), flush=True)
    for listener in listeners:
        listener.latencies.clear()
        listener.gaps = listener.duplicates = 0


def raise_fd_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


if __name__ == "__main__":
    raise_fd_limit()
    asyncio.run(main(json.loads(sys.stdin.readline())))
