"""``/ws/meetings/<id>/media/``: the browser's Janus signalling, through Plenary (subprotocol
``janus-protocol``, so that janus.js talks to it as to Janus; docs/media.md).

Admitted like the room socket; each message is vetted (``signalling``) and relayed to
Janus's WebSocket transport, and Janus's answers come back unchanged. The socket also
watches the room: when the floor moves on it cuts this participant's publisher (a kick
through the admin API), and it applies the chair's mute to it. For an interpreter in a
booth room it follows the booth's state (``interpretation.booth``): unmuted in the booth's
mix while they hold its live microphone and have not coughed, muted otherwise; and it tells
interpretation when their media joins or leaves a booth (the presence hooks)."""

import asyncio
import json
import logging
from collections.abc import Coroutine

import websockets
from django.conf import settings
from django.utils.translation import gettext
from websockets.asyncio.client import ClientConnection

from server.captions.audio_admission import FLOOR_ENDING
from server.common.asyncdb import db_async
from server.common.errors import PlenaryError
from server.common.json_types import JSON
from server.common.values import json_decode
from server.interpretation.events import InterpretationEventType
from server.interpretation.services import (
    booth_interpreter_connected,
    booth_interpreter_disconnected,
)
from server.rooms import selectors as room_selectors
from server.rooms.admission import AdmittedConsumer, close_code
from server.rooms.hub import Member, get_hub
from server.rooms.models import RoomState

from .admin import JanusAdmin, JanusError
from .channels import ChannelAdmin
from .events import MediaEvent
from .forwarding import ChannelForward, FloorForward
from .rooms import booth_rooms, media_room, room_ensure
from .selectors import (
    booth_voice,
    camera_for,
    camera_publisher_id,
    channel_access,
    floor_holder,
    is_camera_id,
    live_channels,
    publisher_display,
    publisher_id,
)
from .signalling import INVALID_JSON, Channels, Publisher, Refused, SignallingGate
from .tokens import core_token

logger = logging.getLogger(__name__)

SUBPROTOCOL = "janus-protocol"
# Daphne's WebSocket library sends no close code under 3000 but 1000: 1012 ("service
# restart") and 1013 ("try again later") never left the server, and the page never rejoined.
CLOSE_JANUS_GONE = 4502  # Janus restarted: the client reconnects
CLOSE_JANUS_UNAVAILABLE = 4503  # Janus does not answer: try again later


def janus_error(transaction: JSON, code: int, reason: str) -> str:
    return json.dumps(
        {"janus": "error", "transaction": transaction, "error": {"code": code, "reason": reason}}
    )


@db_async
def _floor_state(meeting_id: int) -> tuple[int | None, int | None, int]:
    """(floor holder, floor turn, last seq) of the meeting's room now."""
    state = RoomState.objects.filter(meeting_id=meeting_id).first()
    if state is None:
        return None, None, 0
    return state.floor_holder_id, state.floor_turn_id, state.last_seq


class RoomWatch:
    """The media socket in the room, as the hub sees it: it hears of floor changes and of
    the chair's mutes."""

    def __init__(self, consumer: "MediaConsumer") -> None:
        self.consumer = consumer
        self.tasks: set[asyncio.Task[None]] = set()

    @property
    def delegation_id(self) -> int | None:
        return self.consumer.participant.delegation_id

    async def deliver(self, text: str) -> None:
        event = json.loads(text)
        kind = event.get("type")
        if kind in FLOOR_ENDING:
            self.run(self.consumer.floor_changed())
            self.run(self.consumer.channel_records())
        elif kind == MediaEvent.MUTED:
            data = event.get("data", {})
            participant = data.get("participant", {}).get("id")
            self.run(self.consumer.muted(participant, bool(data.get("muted"))))
        elif kind == InterpretationEventType.BOOTH:
            data = event.get("data", {})
            live, channel = data.get("live") or {}, data.get("channel")
            if isinstance(channel, int):  # the event says who is heard: no read on the way
                heard = live.get("id") == self.consumer.participant.pk and not data.get("muted")
                self.run(self.consumer.booth_voice({channel: heard}))
            self.run(self.consumer.channel_records())

    def run(self, work: Coroutine[object, object, None]) -> None:
        # Not awaited here: the hub delivers to every socket of the room in turn.
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def missed(self, after_seq: int, until: int) -> list[str]:
        consumer = self.consumer
        return await db_async(room_selectors.events_encoded)(
            consumer.meeting, consumer.participant, after_seq, until
        )


class MediaConsumer(AdmittedConsumer):
    upstream: ClientConnection | None = None
    pump: asyncio.Task[None] | None = None
    member: Member | None = None
    forward: FloorForward | None = None
    voice: asyncio.Lock | None = None  # one change of the interpreter's voice at a time
    records: asyncio.Lock | None = None  # one look at the channels' recordings at a time
    channel_forwards: dict[int, ChannelForward]

    async def connect(self) -> None:
        offered = self.scope.get("subprotocols", [])
        await self.accept(subprotocol=SUBPROTOCOL if SUBPROTOCOL in offered else None)
        meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        try:
            await self.enter(meeting_id)
        except PlenaryError as exc:
            await self.send_error(exc.code, exc.message)
            await self.close(code=close_code(exc))
            return
        self.admin = JanusAdmin()
        self.channels = ChannelAdmin(self.admin)
        self.voice = asyncio.Lock()
        self.records = asyncio.Lock()
        self.channel_forwards = {}
        try:
            booths = await db_async(booth_rooms)(meeting_id)
            self.room = await room_ensure(meeting_id, self.admin, booths)
            self.upstream = await websockets.connect(
                settings.JANUS_WS_URL, subprotocols=[websockets.Subprotocol(SUBPROTOCOL)]
            )
        except (JanusError, OSError, websockets.WebSocketException) as exc:
            logger.warning("meeting %s: Janus unavailable: %s", meeting_id, exc)
            await self.send_error("media_unavailable", gettext("The media server does not answer."))
            await self.close(code=CLOSE_JANUS_UNAVAILABLE)
            return
        self.gate = SignallingGate(
            self.room,
            core_token,
            self.floor_publisher,
            self.camera_publisher,
            self.gallery_full,
            self.channel_access,
        )
        self.watch = RoomWatch(self)
        self.pump = asyncio.create_task(self.relay_answers(self.upstream))
        hub = get_hub()
        self.member = await hub.attach(meeting_id, self.watch)
        _, _, seq = await _floor_state(meeting_id)
        await hub.sync(meeting_id, self.member, seq)

    async def floor_publisher(self) -> Publisher | None:
        holder = await db_async(floor_holder)(self.meeting)
        if holder is None or holder.pk != self.participant.pk:
            return None
        return Publisher(publisher_id(holder), publisher_display(holder))

    async def camera_publisher(self) -> Publisher | None:
        """This participant's gallery camera, video only."""
        camera = await db_async(camera_for)(self.meeting, self.participant)
        if camera is None:
            return None
        display = await db_async(publisher_display)(self.participant)
        return Publisher(camera["id"], display, audio=False, may_send=camera["publish"])

    async def channel_access(self) -> Channels:
        return await db_async(channel_access)(self.meeting, self.participant)

    async def gallery_full(self) -> bool:
        """Whether the gallery shows its most cameras already, this participant's aside."""
        own = camera_publisher_id(self.participant)
        try:
            present = await self.admin.participants(self.room)
        except JanusError:
            return True
        ids = [p.get("id") for p in present if p.get("publisher") is True]
        cameras = [i for i in ids if isinstance(i, int) and is_camera_id(i) and i != own]
        return len(cameras) >= settings.MEDIA_GALLERY_TILES

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.upstream is None:
            return
        if text_data is None or len(text_data) > settings.ROOM_MAX_MESSAGE_BYTES:
            await self.send(text_data=janus_error(None, INVALID_JSON, "Not a Janus request"))
            return
        try:
            message = json_decode(text_data, "message", texts=False)
        except PlenaryError as exc:
            await self.send(text_data=janus_error(None, INVALID_JSON, exc.message))
            return
        try:
            relayed = await self.gate.vet(message)
        except Refused as refused:
            transaction = message.get("transaction") if isinstance(message, dict) else None
            await self.send(text_data=janus_error(transaction, refused.code, refused.reason))
            return
        try:
            await self.upstream.send(json.dumps(relayed))
        except websockets.ConnectionClosed:
            await self.janus_gone()

    async def relay_answers(self, upstream: ClientConnection) -> None:
        try:
            async for text in upstream:
                reply = json.loads(text)
                if self.gate.answered(reply):  # the floor may have moved on since the join
                    self.watch.run(self.floor_changed())
                booth = self.gate.booth_news(reply)
                if booth is not None:
                    self.watch.run(self.booth_presence(joined=booth[1]))
                if (
                    isinstance(reply, dict)
                    and reply.get("janus") == "webrtcup"
                    and reply.get("sender") in self.gate.publishers
                ):
                    self.watch.run(self.publisher_live())
                await self.send(text_data=text if isinstance(text, str) else text.decode())
        except websockets.ConnectionClosed:
            pass
        await self.janus_gone()

    async def janus_gone(self) -> None:
        """Janus closed the connection (it restarted): the client starts over."""
        if self.upstream is None:
            return
        await self.leave()
        await self.close(code=CLOSE_JANUS_GONE)

    async def publisher_live(self) -> None:
        """The floor holder's audio reaches Janus: have it forwarded to recognition."""
        if self.forward is not None or await self.floor_publisher() is None:
            return
        forward = self.forward = FloorForward(self.admin, self.room, publisher_id(self.participant))
        _, forward.turn_id, _ = await _floor_state(self.meeting.pk)
        try:
            started = forward.turn_id is not None and await forward.start(self.meeting.pk)
        except PlenaryError as exc:  # e.g. the speaker's audio socket already carries the turn
            logger.info("meeting %s: floor audio not forwarded: %s", self.meeting.pk, exc)
            started = False
        except (JanusError, OSError) as exc:  # the media goes on; captions via the audio socket
            logger.warning("meeting %s: floor audio not forwarded: %s", self.meeting.pk, exc)
            started = False
        if not started and self.forward is forward:
            self.forward = None

    async def floor_changed(self) -> None:
        """Cut this participant's publisher if they no longer hold the floor (given the
        floor again, their audio goes on to recognition as a new turn)."""
        if not self.gate.publishers:
            return
        if await self.floor_publisher() is not None:
            _, turn, _ = await _floor_state(self.meeting.pk)
            if self.forward is not None and self.forward.turn_id != turn:
                await self.forward_stop()
                await self.publisher_live()
            return
        self.gate.floor_lost()
        await self.forward_stop()
        try:
            await self.admin.kick(self.room, publisher_id(self.participant))
        except JanusError as exc:
            logger.warning("meeting %s: publisher not kicked: %s", self.meeting.pk, exc)

    async def muted(self, participant: object, mute: bool) -> None:
        if participant != self.participant.pk or not self.gate.publishers:
            return
        for mid in sorted(self.gate.audio_mids):
            try:
                await self.admin.moderate(self.room, publisher_id(self.participant), mid, mute=mute)
            except JanusError as exc:
                logger.warning("meeting %s: mute not applied: %s", self.meeting.pk, exc)

    async def booth_presence(self, *, joined: bool) -> None:
        """This interpreter's media joined (or left) a booth room: interpretation hears of it
        (it may give or take the live microphone), and the booth's mix has their voice as
        the booth's state says."""
        hook = booth_interpreter_connected if joined else booth_interpreter_disconnected
        await db_async(hook)(self.meeting.pk, self.participant.pk)
        if joined:
            await self.booth_voice()
        await self.channel_records()

    async def booth_voice(self, heard: dict[int, bool] | None = None) -> None:
        """Unmute this interpreter in the booth rooms they joined where they hold the live
        microphone and have not coughed; mute them in the others. ``heard``: booth channel
        → whether they are heard there, as an ``interpretation.booth`` event says (a
        handover: the new holder's socket unmutes as the old holder's mutes, on the same
        event); None: every booth, as the database says now. One change at a time, in the
        order of the events."""
        if not self.gate.booths or self.voice is None:
            return
        async with self.voice:
            if heard is None:
                now = await db_async(booth_voice)(self.meeting, self.participant)
            else:
                now = {media_room(self.meeting.pk, c): on for c, on in heard.items()}
            for room in sorted(set(self.gate.booths.values()) & now.keys()):
                try:
                    await self.channels.booth_mute(room, self.participant.pk, mute=not now[room])
                except JanusError as exc:
                    logger.warning("meeting %s: booth voice not applied: %s", self.meeting.pk, exc)

    async def channel_records(self) -> None:
        """Record each live booth's channel for the floor turn: a forward of the booth's mix
        per booth and turn, started by a media socket in that booth room (the first to ask
        holds it: the others are told ``AudioTaken``), stopped when the turn ends or the
        booth has no live holder. Sockets in no booth (listeners) read nothing."""
        if self.records is None or not (self.gate.booths or self.channel_forwards):
            return
        async with self.records:
            live = await db_async(live_channels)(self.meeting)
            _, turn, _ = await _floor_state(self.meeting.pk)
            joined = set(self.gate.booths.values())
            for room, forward in list(self.channel_forwards.items()):
                if room not in joined or room not in live or not forward.live(turn):
                    del self.channel_forwards[room]
                    await forward.stop()
            for room in sorted(joined & live.keys() - self.channel_forwards.keys()):
                await self.channel_record(room, live[room], turn)

    async def channel_record(self, room: int, language: str, turn: int | None) -> None:
        forward = ChannelForward(self.channels, room, language)
        forward.turn_id = turn
        meeting = self.meeting.pk
        try:
            if await forward.start(meeting):
                self.channel_forwards[room] = forward
        except PlenaryError as exc:  # another socket records it; the turn is over…
            logger.debug("meeting %s: channel %s not recorded here: %s", meeting, room, exc)
        except (JanusError, OSError) as exc:
            logger.warning("meeting %s: channel %s not recorded: %s", meeting, room, exc)

    async def forward_stop(self) -> None:
        forward, self.forward = self.forward, None
        if forward is not None:
            await forward.stop()

    async def leave(self) -> None:
        member, self.member = self.member, None
        if member is not None:
            await get_hub().detach(self.meeting.pk, member)
        await self.forward_stop()
        forwards, self.channel_forwards = getattr(self, "channel_forwards", {}), {}
        for forward in forwards.values():
            await forward.stop()
        upstream, self.upstream = self.upstream, None
        if upstream is not None:
            await upstream.close()  # Janus ends the sessions of this connection
        gate: SignallingGate | None = getattr(self, "gate", None)  # None: never connected
        for _ in gate.booths_gone() if gate is not None else []:  # out of the booths now
            await db_async(booth_interpreter_disconnected)(self.meeting.pk, self.participant.pk)
        if self.pump is not None and self.pump is not asyncio.current_task():
            self.pump.cancel()

    async def send_error(self, code: str, text: str) -> None:
        status = 503 if code == "media_unavailable" else 403
        await self.send(text_data=janus_error(None, status, f"{code}: {text}"))
