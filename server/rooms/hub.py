"""Per-process fan-out of room events.

Stock Channels fan-out gives every WebSocket its own layer channel: one ``group_send``
becomes N layer messages, N handler calls and N JSON encodings, and the layers drop
messages for full channels without a word. Here each server process subscribes **once per
meeting** (one layer channel in the meeting's group), receives each event once, already
encoded (at commit, in ``selectors.layer_event``), and writes that text to its local
sockets directly. Sequence numbers make the path lossless: a gap in what the layer
delivers is filled from the database before anything newer is written.
"""

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from channels.layers import BaseChannelLayer, get_channel_layer
from django.conf import settings

from server.common.asyncdb import db_async
from server.common.subscription import GroupSubscription, LocalGroups, PerLoop

from . import services
from .events import LayerEphemeral, LayerEvent, encode, group_name
from .models import RoomState
from .selectors import layer_events_between

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15.0


class RoomClient(Protocol):
    """A local socket in a room, as the hub sees it."""

    @property
    def delegation_id(self) -> int | None: ...

    async def deliver(self, text: str) -> None: ...

    async def missed(self, after_seq: int, until: int) -> list[str]:
        """Encoded events in ``(after_seq, until]`` as this client may see them."""
        ...


@dataclass(eq=False)
class Member:
    client: RoomClient
    last_seq: int = 0
    synced: bool = False
    pending: list[LayerEvent] = field(default_factory=list)


def _text_for(event: LayerEvent, client: RoomClient) -> str:
    sealed = event["sealed"]
    if sealed is not None and event["audience"] != client.delegation_id:
        return sealed
    return event["text"]


class RoomFanout(GroupSubscription):
    """This process's subscription to one meeting."""

    def __init__(self, meeting_id: int, layer: BaseChannelLayer) -> None:
        super().__init__(layer, group_name(meeting_id))
        self.meeting_id = meeting_id
        self.members: set[Member] = set()
        self.last_seq = 0
        self._resyncs: set[asyncio.Task[None]] = set()

    @property
    def idle(self) -> bool:
        return not self.members

    async def start(self) -> None:
        await self.subscribe()
        # Subscribed first, then read: whatever commits from now on reaches us.
        self.last_seq = await _last_seq(self.meeting_id)
        self.listen()

    async def on_message(self, message: dict[str, object]) -> None:
        if message.get("type") == "room.ephemeral":
            await self.on_ephemeral(_as_ephemeral(message))
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
                    await self._fan_out(event)
            if self.last_seq < page_end:  # the log ends before ``until``: nothing more
                return

    async def on_ephemeral(self, text: str) -> None:
        """A message without a sequence number (a draft caption): written to the sockets that
        are live now, never queued, never replayed."""
        for member in list(self.members):
            if member.synced:
                await member.client.deliver(text)

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
        await self._fan_out(event)

    async def _fan_out(self, event: LayerEvent) -> None:
        self.last_seq = event["seq"]
        for member in list(self.members):
            if not member.synced:
                member.pending.append(event)
            elif event["seq"] == member.last_seq + 1:
                member.last_seq = event["seq"]
                await member.client.deliver(_text_for(event, member.client))
            elif event["seq"] > member.last_seq:
                member.synced = False
                member.pending.append(event)
                task = asyncio.create_task(self.sync(member, member.last_seq))
                self._resyncs.add(task)
                task.add_done_callback(self._resyncs.discard)

    async def sync(self, member: Member, seq: int) -> None:
        """The client has everything up to ``seq``: write what queued meanwhile, filling
        any gap from the database, then deliver live."""
        member.last_seq = max(member.last_seq, seq)
        while member.pending:
            pending, member.pending = member.pending, []
            for event in pending:
                if event["seq"] <= member.last_seq:
                    continue
                while member.last_seq + 1 < event["seq"]:  # a gap: filled a page at a time
                    page_end = min(event["seq"] - 1, member.last_seq + settings.ROOM_REPLAY_LIMIT)
                    for text in await member.client.missed(member.last_seq, page_end):
                        await member.client.deliver(text)
                    member.last_seq = page_end
                member.last_seq = event["seq"]
                await member.client.deliver(_text_for(event, member.client))
        member.synced = True


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


def _as_ephemeral(message: dict[str, object]) -> str:
    text = message.get("text")
    if not isinstance(text, str):
        raise ValueError(f"malformed ephemeral message on the layer (fields {sorted(message)})")
    return text


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
        self._rooms = LocalGroups(layer, RoomFanout)
        self._housekeeping: asyncio.Task[None] | None = None

    @property
    def rooms(self) -> dict[int, RoomFanout]:
        return self._rooms.groups

    async def attach(self, meeting_id: int, client: RoomClient) -> Member:
        """Start queueing the room's events for ``client``; call ``RoomFanout.sync`` once
        the client has its snapshot or replay."""
        async with self._rooms.joining(meeting_id) as room:
            member = Member(client)
            room.members.add(member)
        self._start_housekeeping()
        return member

    async def detach(self, meeting_id: int, member: Member) -> None:
        async with self._rooms.leaving(meeting_id) as room:
            if room is not None:
                room.members.discard(member)

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
    payload: LayerEphemeral = {"type": "room.ephemeral", "text": encode(message)}
    await layer.group_send(group_name(meeting_id), payload)


_hubs = PerLoop(MeetingHub)


def get_hub() -> MeetingHub:
    """The hub of the running event loop (one per server process in production)."""
    return _hubs.get()
