"""Per-process fan-out of room events.

Stock Channels fan-out gives every WebSocket its own layer channel: one ``group_send``
becomes N layer messages, N handler calls and N JSON encodings, and the layers drop
messages for full channels without a word. Here each server process subscribes **once per
meeting** (one layer channel in the meeting's group), receives each event once, already
encoded (at commit, in ``selectors.layer_event``), and writes that text to its local
sockets directly. Sequence numbers make the path lossless: a gap in what the layer
delivers is filled from the database before anything newer is written.

Each socket has a queue. An event is queued for every socket, then one flush writes each
socket's queue: what queued while the process was busy goes out together (one ``batch``
frame to a socket that asked for them), the frame of each event encoded once
(``frames.Frame``). A queued draft is dropped when a newer one from the same speaker in the
same language arrives. A socket whose transport holds more than ``ROOM_WRITE_BUFFER_BYTES``
unsent is written again once it drains; one that falls further behind — more than
``ROOM_SLOW_BYTES`` queued, its oldest queued message ``ROOM_SLOW_SECONDS`` old, or the
process's queues together over ``ROOM_QUEUED_BYTES`` — is closed (``too_slow``) and
reconnects with ``last_seq``, from the database.
"""

import asyncio
import logging
import os
import socket
import time
import uuid
from collections import deque
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from channels.layers import BaseChannelLayer, get_channel_layer
from django.conf import settings

from server.common.asyncdb import db_async
from server.common.subscription import GroupSubscription, LocalGroups, PerLoop

from . import services
from .events import PROTOCOL_VERSION, LayerEphemeral, LayerEvent, encode, group_name
from .frames import Frame
from .models import RoomState
from .selectors import layer_events_between

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15.0
BLOCKED_POLL_SECONDS = 0.05  # how often a socket with a full transport is looked at again
# A ``messages.Batch``, joined from the texts of the messages it holds.
BATCH_OPEN = f'{{"v":{PROTOCOL_VERSION},"type":"batch","events":['


class RoomClient(Protocol):
    """A local socket in a room, as the hub sees it."""

    @property
    def delegation_id(self) -> int | None: ...

    async def deliver(self, text: str) -> None: ...

    async def missed(self, after_seq: int, until: int) -> list[str]:
        """Encoded events in ``(after_seq, until]`` as this client may see them."""
        ...


class FrameWriter(Protocol):
    """A socket that takes the fan-out's frames itself (the room socket): in batches when
    it asked for them, watched for falling behind."""

    @property
    def batches(self) -> bool: ...

    def backlog(self) -> int:
        """Bytes written to the socket and not yet sent."""
        ...

    async def write_frames(self, frames: list[Frame]) -> None: ...

    async def too_slow(self) -> None:
        """Close: the socket fell too far behind."""
        ...


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A room event as this process writes it: its frames, encoded once for all sockets."""

    seq: int
    plain: Frame
    sealed: Frame | None
    audience: int | None

    def frame_for(self, client: RoomClient) -> Frame:
        if self.sealed is not None and self.audience != client.delegation_id:
            return self.sealed
        return self.plain


def _outgoing(event: LayerEvent) -> Outgoing:
    sealed = event["sealed"]
    return Outgoing(
        event["seq"],
        Frame(event["text"]),
        None if sealed is None else Frame(sealed),
        event["audience"],
    )


@dataclass(eq=False)
class Member:
    client: RoomClient
    writer: FrameWriter | None = None
    last_seq: int = 0
    synced: bool = False
    pending: list[Outgoing] = field(default_factory=list)
    queue: deque[Frame] = field(default_factory=deque)
    queued_bytes: int = 0
    queued_since: float = 0.0
    dropped: bool = False  # closed for falling behind


@dataclass(frozen=True, slots=True)
class Pass:
    """One pass over a room's sockets: its time, and the queues' bounds (the settings),
    read once for all of them."""

    now: float
    slow_bytes: int
    slow_seconds: float
    queued_bytes: int
    write_buffer: int

    @classmethod
    def start(cls) -> "Pass":
        return cls(
            time.monotonic(),
            settings.ROOM_SLOW_BYTES,
            settings.ROOM_SLOW_SECONDS,
            settings.ROOM_QUEUED_BYTES,
            settings.ROOM_WRITE_BUFFER_BYTES,
        )


@dataclass
class Queued:
    """What the queues of one process hold, together."""

    bytes: int = 0


class RoomFanout(GroupSubscription):
    """This process's subscription to one meeting."""

    def __init__(self, meeting_id: int, layer: BaseChannelLayer, queued: Queued) -> None:
        super().__init__(layer, group_name(meeting_id))
        self.meeting_id = meeting_id
        self.members: set[Member] = set()
        self.last_seq = 0
        self.queued = queued
        self._tasks: set[asyncio.Task[None]] = set()
        self._dirty: set[Member] = set()
        self._blocked: set[Member] = set()
        self._flusher: asyncio.Task[None] | None = None
        self._poll: asyncio.TimerHandle | None = None

    @property
    def idle(self) -> bool:
        return not self.members

    async def start(self) -> None:
        await self.subscribe()
        # Subscribed first, then read: whatever commits from now on reaches us.
        self.last_seq = await _last_seq(self.meeting_id)
        self.listen()

    async def stop(self) -> None:
        if self._poll is not None:
            self._poll.cancel()
        await super().stop()

    def remove(self, member: Member) -> None:
        self.members.discard(member)
        self._dirty.discard(member)
        self._blocked.discard(member)
        self._release(member)

    async def on_message(self, message: dict[str, object]) -> None:
        if message.get("type") == "room.ephemeral":
            self.on_ephemeral(*_as_ephemeral(message))
        else:
            await self.on_event(_as_layer_event(message))

    async def resumed(self) -> None:
        await self.catch_up()
        logger.info("room %s: subscribed again at seq %d", self.meeting_id, self.last_seq)

    async def catch_up(self) -> None:
        """Deliver from the database whatever was committed and did not come through the
        layer (it was away, or the broadcast after a commit failed)."""
        await self._fill(await _last_seq(self.meeting_id))

    async def _fill(self, until: int) -> None:
        """Deliver the events up to ``until`` from the database, a page at a time."""
        while self.last_seq < until:
            page_end = min(until, self.last_seq + settings.ROOM_REPLAY_LIMIT)
            for event in await _layer_events(self.meeting_id, self.last_seq, page_end):
                if event["seq"] > self.last_seq:  # not delivered by the layer meanwhile
                    self._fan_out(_outgoing(event))
            if self.last_seq < page_end:  # the log ends before ``until``: nothing more
                return

    def on_ephemeral(self, text: str, replaces: str | None) -> None:
        """A message without a sequence number (a draft caption): queued for the sockets
        that are live now, never replayed."""
        frame, bounds = Frame(text, replaces), Pass.start()
        for member in list(self.members):
            if member.synced:
                self._put(member, frame, bounds)
        self._schedule()

    async def on_event(self, event: LayerEvent) -> None:
        seq = event["seq"]
        if seq <= self.last_seq:
            return
        if seq > self.last_seq + 1:
            logger.warning(
                "room %s: layer skipped %d event(s) before seq %d; filled from the database",
                self.meeting_id,
                seq - 1 - self.last_seq,
                seq,
            )
            await self._fill(seq - 1)
        self._fan_out(_outgoing(event))

    def _fan_out(self, event: Outgoing) -> None:
        self.last_seq = event.seq
        bounds = Pass.start()
        for member in list(self.members):
            if not member.synced:
                member.pending.append(event)
            elif event.seq == member.last_seq + 1:
                member.last_seq = event.seq
                self._put(member, event.frame_for(member.client), bounds)
            elif event.seq > member.last_seq:
                member.synced = False
                member.pending.append(event)
                self._spawn(self.sync(member, member.last_seq))
        self._schedule()

    async def sync(self, member: Member, seq: int) -> None:
        """The client has everything up to ``seq``: queue what came meanwhile, filling any
        gap from the database, then queue live."""
        member.last_seq = max(member.last_seq, seq)
        while member.pending:
            pending, member.pending = member.pending, []
            for event in pending:
                if event.seq <= member.last_seq:
                    continue
                while member.last_seq + 1 < event.seq:  # a gap: filled a page at a time
                    page_end = min(event.seq - 1, member.last_seq + settings.ROOM_REPLAY_LIMIT)
                    for text in await member.client.missed(member.last_seq, page_end):
                        self._put(member, Frame(text), Pass.start())
                    member.last_seq = page_end
                member.last_seq = event.seq
                self._put(member, event.frame_for(member.client), Pass.start())
        member.synced = True
        self._schedule()

    # Queues -------------------------------------------------------------------------------

    def _put(self, member: Member, frame: Frame, bounds: Pass) -> None:
        if member.dropped:
            return
        if frame.replaces is not None:
            for queued in member.queue:
                if queued.replaces == frame.replaces:
                    member.queue.remove(queued)
                    self._count(member, -len(queued.wire))
                    break
        if not member.queue:
            member.queued_since = bounds.now
        member.queue.append(frame)
        self._count(member, len(frame.wire))
        self._dirty.add(member)
        if member.writer is not None and (
            member.queued_bytes > bounds.slow_bytes
            or bounds.now - member.queued_since > bounds.slow_seconds
            or (self.queued.bytes > bounds.queued_bytes and member in self._blocked)
        ):
            self._drop(member)

    def _count(self, member: Member, size: int) -> None:
        member.queued_bytes += size
        self.queued.bytes += size

    def _release(self, member: Member) -> None:
        self._count(member, -member.queued_bytes)
        member.queue.clear()

    def _drop(self, member: Member) -> None:
        """Close a socket that fell too far behind; it reconnects and replays."""
        logger.info(
            "room %s: a socket %d bytes behind (oldest %.1f s) is closed as too slow",
            self.meeting_id,
            member.queued_bytes,
            time.monotonic() - member.queued_since,
        )
        member.dropped = True
        self.remove(member)
        if member.writer is not None:
            self._spawn(member.writer.too_slow())

    def _schedule(self) -> None:
        """Flush the queues once the loop is free: what queues meanwhile goes together."""
        if self._dirty and self._flusher is None:
            self._flusher = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        try:
            while self._dirty:
                dirty, self._dirty = self._dirty, set()
                batches: dict[tuple[int, ...], Frame] = {}
                bounds = Pass.start()
                for member in dirty:
                    if member.queue and member not in self._blocked:
                        await self._write(member, batches, bounds)
        finally:
            self._flusher = None

    async def _write(
        self, member: Member, batches: dict[tuple[int, ...], Frame], bounds: Pass
    ) -> None:
        writer = member.writer
        if writer is not None and writer.backlog() > bounds.write_buffer:
            self._block(member)
            return
        frames = list(member.queue)
        self._release(member)
        try:
            if writer is None:
                for frame in frames:
                    await member.client.deliver(frame.text)
                return
            if writer.batches and len(frames) > 1:
                # The sockets that queued the same frames share one batch frame.
                key = tuple(map(id, frames))
                batch = batches.get(key)
                if batch is None:
                    text = BATCH_OPEN + ",".join(frame.text for frame in frames) + "]}"
                    batch = batches[key] = Frame(text)
                frames = [batch]
            await writer.write_frames(frames)
        except Exception:
            logger.exception("room %s: writing to a socket failed", self.meeting_id)

    def _block(self, member: Member) -> None:
        self._blocked.add(member)
        if self._poll is None:
            loop = asyncio.get_running_loop()
            self._poll = loop.call_later(BLOCKED_POLL_SECONDS, self._unblock)

    def _unblock(self) -> None:
        """Write again to the sockets whose transports drained; close those that stayed
        full too long."""
        self._poll = None
        bounds = Pass.start()
        for member in list(self._blocked):
            writer = member.writer
            if writer is None or bounds.now - member.queued_since > bounds.slow_seconds:
                self._drop(member)
            elif writer.backlog() <= bounds.write_buffer:
                self._blocked.discard(member)
                self._dirty.add(member)
        self._schedule()
        if self._blocked:
            self._poll = asyncio.get_running_loop().call_later(BLOCKED_POLL_SECONDS, self._unblock)

    def _spawn(self, coroutine: Coroutine[object, object, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _as_layer_event(message: dict[str, object]) -> LayerEvent:
    seq, meeting, text = message["seq"], message["meeting"], message["text"]
    sealed, audience = message.get("sealed"), message.get("audience")
    if not (isinstance(seq, int) and isinstance(meeting, int) and isinstance(text, str)):
        # Its fields' names only: the text may be someone's chat, which no log may hold.
        raise ValueError(f"malformed room event on the layer (fields {sorted(message)})")
    return {
        "type": "room.event",
        "meeting": meeting,
        "seq": seq,
        "text": text,
        "sealed": sealed if isinstance(sealed, str) else None,
        "audience": audience if isinstance(audience, int) else None,
    }


def _as_ephemeral(message: dict[str, object]) -> tuple[str, str | None]:
    text, replaces = message.get("text"), message.get("replaces")
    if not isinstance(text, str):
        raise ValueError(f"malformed ephemeral message on the layer (fields {sorted(message)})")
    return text, replaces if isinstance(replaces, str) else None


@db_async
def _last_seq(meeting_id: int) -> int:
    state, _ = RoomState.objects.get_or_create(meeting_id=meeting_id)
    return state.last_seq


_layer_events = db_async(layer_events_between)


@db_async
def _heartbeat(server_id: str) -> None:
    services.connections_heartbeat(server_id=server_id)
    services.connections_sweep()


class MeetingHub:
    """All room subscriptions of this process (one hub per event loop)."""

    def __init__(self, layer: BaseChannelLayer) -> None:
        self.server_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.queued = Queued()
        self._rooms = LocalGroups(
            layer, lambda meeting_id, layer: RoomFanout(meeting_id, layer, self.queued)
        )
        self._housekeeping: asyncio.Task[None] | None = None

    @property
    def rooms(self) -> dict[int, RoomFanout]:
        return self._rooms.groups

    async def attach(
        self, meeting_id: int, client: RoomClient, writer: FrameWriter | None = None
    ) -> Member:
        """Start queueing the room's events for ``client``; call ``RoomFanout.sync`` once
        the client has its snapshot or replay. A ``writer`` takes the frames itself (else
        ``client.deliver`` takes each one's text)."""
        async with self._rooms.joining(meeting_id) as room:
            member = Member(client, writer)
            room.members.add(member)
        self._start_housekeeping()
        return member

    async def detach(self, meeting_id: int, member: Member) -> None:
        async with self._rooms.leaving(meeting_id) as room:
            if room is not None:
                room.remove(member)

    async def sync(self, meeting_id: int, member: Member, seq: int) -> None:
        room = self.rooms.get(meeting_id)
        if room is not None:
            await room.sync(member, seq)

    def _start_housekeeping(self) -> None:
        if self._housekeeping is None or self._housekeeping.done():
            self._housekeeping = asyncio.create_task(self._housekeeping_loop())

    async def _housekeeping_loop(self) -> None:
        while self.rooms:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                for room in list(self.rooms.values()):
                    await room.refresh()
                    await room.catch_up()
                await _heartbeat(self.server_id)
            except Exception:
                logger.exception("room hub housekeeping failed")


async def ephemeral_send(meeting_id: int, message: Mapping[str, object]) -> None:
    """Send a message that is not a room event (a draft caption) to the room's live sockets,
    on every server process. Nothing is stored: a client not connected now never sees it."""
    layer = get_channel_layer()
    assert layer is not None, "CHANNEL_LAYERS must be configured"
    payload: LayerEphemeral = {
        "type": "room.ephemeral",
        "text": encode(message),
        "replaces": replaceable_key(message),
    }
    await layer.group_send(group_name(meeting_id), payload)


def replaceable_key(message: Mapping[str, object]) -> str | None:
    """A message naming a ``speaker`` and a ``language`` (a draft caption) replaces the one
    of the same type, speaker and language still queued for a socket."""
    speaker, language = message.get("speaker"), message.get("language")
    if isinstance(speaker, Mapping) and isinstance(language, str):
        return f"{message.get('type')}/{speaker.get('id')}/{language}"
    return None


_hubs = PerLoop(MeetingHub)


def get_hub() -> MeetingHub:
    """The hub of the running event loop (one per server process in production)."""
    return _hubs.get()
