"""Delegates' clients of a cluster, through nginx and TLS, as a browser would use it.

``Delegate`` logs in with the form over HTTPS and calls the HTTP API with its session and
CSRF token. ``RoomClient`` holds a room socket and behaves like the room page: it keeps every
event by ``seq``, asks for a missing range with ``events.fetch`` when it sees a gap, and when
the socket drops it reconnects with ``?last_seq=N`` (docs/protocol.md).
"""

import asyncio
import contextlib
import http.cookiejar
import json
import re
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.typing import Origin

from deploy.cluster import Cluster

PASSWORD = "plenary-demo"
MEETING = 1  # the demo's 1st plenary meeting, open
# A message from the wire: JSON whose shape each test knows.
Message = dict[str, Any]


class Delegate:
    def __init__(self, cluster: Cluster, username: str) -> None:
        self.cluster = cluster
        self.username = username
        self.tls = ssl.create_default_context(cafile=str(cluster.certificate))
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=self.tls),
            urllib.request.HTTPCookieProcessor(self.jar),
        )

    def cookie(self, name: str) -> str:
        for cookie in self.jar:
            if cookie.name == name and cookie.value:
                return cookie.value
        raise AssertionError(f"{self.username} has no {name} cookie")

    def get(self, path: str) -> str:
        with self.opener.open(f"{self.cluster.url}{path}", timeout=30) as response:
            text: str = response.read().decode()
            return text

    def fetch(self, path: str) -> bytes:
        with self.opener.open(f"{self.cluster.url}{path}", timeout=120) as response:
            body: bytes = response.read()
            return body

    def submit(self, path: str, fields: dict[str, str]) -> str:
        """Fill in the form on the page at ``path`` and send it, as a browser would (with the
        page's CSRF token); the path that the answer ends on, after redirects."""
        page = self.get(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, f"the page {path} has no CSRF token"
        request = urllib.request.Request(
            f"{self.cluster.url}{path}",
            data=urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": match[1]}).encode(),
            headers={"Referer": f"{self.cluster.url}{path}"},
        )
        with self.opener.open(request, timeout=30) as response:
            landed: str = response.geturl()
            return urllib.parse.urlsplit(landed).path

    def log_in(self) -> "Delegate":
        self.submit("/login/", {"username": self.username, "password": PASSWORD})
        self.cookie("sessionid")
        return self

    def act(self, meeting: int, action: str, data: Message) -> tuple[int, Message]:
        """``POST /api/meetings/<id>/actions/<type>``: the status and the JSON answer."""
        try:
            body = self._post(
                f"/api/meetings/{meeting}/actions/{action}",
                json.dumps(data),
                {"Content-Type": "application/json", "X-CSRFToken": self.cookie("csrftoken")},
            )
        except urllib.error.HTTPError as error:
            return error.code, _json_or_text(error.read().decode())
        return 200, json.loads(body)

    def _post(self, path: str, body: str, headers: dict[str, str] | None = None) -> str:
        request = urllib.request.Request(
            f"{self.cluster.url}{path}",
            data=body.encode(),
            headers={"Referer": f"{self.cluster.url}{path}", **(headers or {})},
        )
        with self.opener.open(request, timeout=30) as response:
            text: str = response.read().decode()
            return text

    async def connect(self, path: str) -> ClientConnection:
        """A WebSocket through nginx, with this delegate's session, from the site's origin."""
        return await connect(
            f"{self.cluster.ws_url}{path}",
            ssl=self.tls,
            origin=Origin(self.cluster.url),
            additional_headers={"Cookie": f"sessionid={self.cookie('sessionid')}"},
            open_timeout=10,
        )

    def room(self, meeting: int) -> "RoomClient":
        return RoomClient(self, meeting)


def _json_or_text(body: str) -> Message:
    try:
        parsed: Message = json.loads(body)
    except ValueError:
        return {"text": body[:500]}
    return parsed


class RoomClient:
    RECONNECT_WITHIN = 60.0  # seconds a dropped socket keeps trying before it gives up

    def __init__(self, delegate: Delegate, meeting: int) -> None:
        self.delegate = delegate
        self.meeting = meeting
        self.events: dict[int, Message] = {}
        self.first_seq = 0  # the snapshot's seq: events after it are this client's record
        self.you: Message = {}  # the snapshot's participant: who this client is
        self.connects = 0
        self.socket: ClientConnection | None = None
        self.failure: BaseException | None = None
        self._changed = asyncio.Event()
        self._replies: dict[str, asyncio.Future[Message]] = {}
        self._calls = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def last_seq(self) -> int:
        """The highest seq up to which this client has every event."""
        seq = self.first_seq
        while seq + 1 in self.events:
            seq += 1
        return seq

    def chats(self) -> list[str]:
        return [e["data"]["text"] for _, e in sorted(self.events.items()) if _is_chat(e)]

    async def open(self) -> "RoomClient":
        await self._connect(snapshot=True)
        self._task = asyncio.create_task(self._run(), name=f"room-{self.delegate.username}")
        return self

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.socket is not None:
            await self.socket.close()

    async def _connect(self, snapshot: bool) -> None:
        query = "" if snapshot else f"?last_seq={self.last_seq}"
        self.socket = await self.delegate.connect(f"/ws/meetings/{self.meeting}/{query}")
        self.connects += 1
        while True:
            message: Message = json.loads(await asyncio.wait_for(self.socket.recv(), 10))
            if message["type"] == "snapshot":
                self.first_seq, self.you = message["seq"], message["you"]
                return
            if message["type"] == "synced":
                return
            self._apply(message)

    async def _run(self) -> None:
        while True:
            assert self.socket is not None
            try:
                async for raw in self.socket:
                    await self._receive(json.loads(raw))
            except ConnectionClosed:
                pass
            try:
                await self._reconnect()
            except BaseException as exc:
                self.failure = exc
                self._changed.set()
                raise

    async def _reconnect(self) -> None:
        deadline = time.monotonic() + self.RECONNECT_WITHIN
        pause = 0.2
        while True:
            await asyncio.sleep(pause)
            try:
                await self._connect(snapshot=False)
                return
            except (OSError, TimeoutError, InvalidHandshake, InvalidStatus, ConnectionClosed):
                if time.monotonic() > deadline:
                    raise
                pause = min(pause * 2, 2.0)

    async def _receive(self, message: Message) -> None:
        reply = self._replies.pop(str(message.get("id")), None)
        if reply is not None and message["type"] in {"ack", "error", "events"}:
            reply.set_result(message)
        if message["type"] == "events":
            for event in message["events"]:
                self._apply(event)
        elif "seq" in message:
            gap_from = self.last_seq
            self._apply(message)
            if message["seq"] > gap_from + 1 and self.socket is not None:
                fetch = {"after": gap_from, "until": message["seq"] - 1}
                await self.socket.send(json.dumps({"type": "events.fetch", "data": fetch}))

    def _apply(self, event: Message) -> None:
        self.events.setdefault(event["seq"], event)
        self._changed.set()

    async def call(self, type: str, data: Message, timeout: float = 10) -> Message:
        """Send a client message; its ack or error."""
        self._calls += 1
        id = f"{self.delegate.username}-{self._calls}"
        reply: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._replies[id] = reply
        assert self.socket is not None
        await self.socket.send(json.dumps({"type": type, "id": id, "data": data}))
        return await asyncio.wait_for(reply, timeout)

    async def wait_for(
        self, what: str, done: Callable[["RoomClient"], bool], timeout: float
    ) -> None:
        deadline = time.monotonic() + timeout
        while not done(self):
            if self.failure is not None:
                raise AssertionError(f"{self.delegate.username}: {what}: gave up") from self.failure
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"{self.delegate.username}: {what} within {timeout:g} s; has up to seq "
                    f"{self.last_seq} of {max(self.events, default=0)}, chats {self.chats()}"
                )
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.5))


def _is_chat(event: Message) -> bool:
    return bool(event.get("type") == "chat.message")


def room_connections(port: int, meeting: int) -> int:
    """Room sockets of ``meeting`` open on the web process at ``port`` (its /metrics)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "plenary_room_connections" and sample.labels == {
                "meeting": str(meeting)
            }:
                return int(sample.value)
    return 0


def connections(cluster: Cluster) -> list[int]:
    """Room sockets of the meeting on each web process."""
    return [room_connections(port, MEETING) for port in cluster.web_ports]


async def join_on(cluster: Cluster, delegate: Delegate, process: int) -> RoomClient:
    """A room socket through nginx that landed on web process ``process``. nginx picks: a
    socket that landed elsewhere is closed and opened again (a process that came back from
    a crash gets traffic again once nginx's fail_timeout has passed)."""
    for _ in range(20):
        before = connections(cluster)
        room = await delegate.room(MEETING).open()
        after = connections(cluster)
        if after[process] == before[process] + 1:
            return room
        await room.close()
        await asyncio.sleep(0.5)
    raise AssertionError(f"nginx never sent {delegate.username} to web process {process + 1}")


class Microphone:
    """The floor holder's audio socket through nginx (the sticky ``plenary_audio`` upstream):
    16 kHz PCM16 frames out, ``audio.*`` messages in."""

    FRAME_SECONDS = 0.1

    def __init__(self, delegate: Delegate, meeting: int) -> None:
        self.delegate = delegate
        self.meeting = meeting
        self.messages: list[Message] = []
        self.socket: ClientConnection | None = None
        self._task: asyncio.Task[None] | None = None

    def states(self) -> list[str]:
        return [m["state"] for m in self.messages if m["type"] == "audio.status"]

    async def open(self, language: str = "en") -> "Microphone":
        path = f"/ws/meetings/{self.meeting}/audio/?format=pcm16&language={language}"
        self.socket = await self.delegate.connect(path)
        while (ready := json.loads(await asyncio.wait_for(self.socket.recv(), 20)))[
            "type"
        ] != "audio.ready":
            self.messages.append(ready)
        self._task = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        assert self.socket is not None
        with contextlib.suppress(ConnectionClosed):
            async for raw in self.socket:
                self.messages.append(json.loads(raw))

    async def told_after(self, first: str, then: set[str], timeout: float) -> str:
        """Wait until the socket reported state ``first`` and, after it, one of ``then``."""
        deadline = time.monotonic() + timeout
        while True:
            states = self.states()
            later = states[states.index(first) + 1 :] if first in states else []
            settled = [state for state in later if state in then]
            if settled:
                return settled[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"the speaker was not told {first}, then {then}: {states}")
            await asyncio.sleep(0.2)

    async def speak(self, pcm: bytes) -> None:
        """Send the audio at the pace it is spoken."""
        assert self.socket is not None
        size = int(16000 * self.FRAME_SECONDS) * 2
        for start in range(0, len(pcm), size):
            await self.socket.send(pcm[start : start + size])
            await asyncio.sleep(self.FRAME_SECONDS)

    async def close(self) -> None:
        if self.socket is not None:
            with contextlib.suppress(ConnectionClosed):
                await self.socket.send(json.dumps({"type": "audio.stop"}))
            await self.socket.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


# ``await join(username, process)``: logged in, in the meeting, on that web process.
Join = Callable[[str, int], Awaitable[RoomClient]]


def has_chats(*texts: str) -> Callable[[RoomClient], bool]:
    return lambda room: all(text in room.chats() for text in texts)


def gap_free(room: RoomClient) -> bool:
    return room.last_seq == max(room.events, default=room.first_seq)
