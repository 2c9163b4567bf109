"""``/ws/meetings/<id>/media/``: the browser's Janus signalling, through Plenary (subprotocol
``janus-protocol``, so that janus.js talks to it as to Janus; docs/media.md).

Admitted like the room socket; each message is vetted (``signalling``) and relayed to
Janus's WebSocket transport, and Janus's answers come back unchanged. The socket also
watches the room: when the floor moves on it cuts this participant's publisher (a kick
through the admin API), and it applies the chair's mute to it."""

import asyncio
import json
import logging
from collections.abc import Coroutine

import websockets
from django.conf import settings
from websockets.asyncio.client import ClientConnection

from server.captions.audio_admission import FLOOR_ENDING
from server.common.asyncdb import db_async
from server.common.errors import PlenaryError
from server.common.json_types import JSON
from server.common.values import json_decode
from server.rooms import selectors as room_selectors
from server.rooms.admission import AdmittedConsumer, close_code
from server.rooms.hub import Member, get_hub
from server.rooms.models import RoomState

from .admin import JanusAdmin, JanusError
from .events import MediaEvent
from .forwarding import FloorForward
from .rooms import room_ensure
from .selectors import (
    camera_for,
    camera_publisher_id,
    floor_holder,
    is_camera_id,
    publisher_display,
    publisher_id,
)
from .signalling import INVALID_JSON, Publisher, Refused, SignallingGate
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
        elif kind == MediaEvent.MUTED:
            data = event.get("data", {})
            participant = data.get("participant", {}).get("id")
            self.run(self.consumer.muted(participant, bool(data.get("muted"))))

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
        try:
            self.room = await room_ensure(meeting_id, self.admin)
            self.upstream = await websockets.connect(
                settings.JANUS_WS_URL, subprotocols=[websockets.Subprotocol(SUBPROTOCOL)]
            )
        except (JanusError, OSError, websockets.WebSocketException) as exc:
            logger.warning("meeting %s: Janus unavailable: %s", meeting_id, exc)
            await self.send_error("media_unavailable", "The media server does not answer.")
            await self.close(code=CLOSE_JANUS_UNAVAILABLE)
            return
        self.gate = SignallingGate(
            self.room, core_token, self.floor_publisher, self.camera_publisher, self.gallery_full
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

    async def forward_stop(self) -> None:
        forward, self.forward = self.forward, None
        if forward is not None:
            await forward.stop()

    async def leave(self) -> None:
        member, self.member = self.member, None
        if member is not None:
            await get_hub().detach(self.meeting.pk, member)
        await self.forward_stop()
        upstream, self.upstream = self.upstream, None
        if upstream is not None:
            await upstream.close()  # Janus ends the sessions of this connection
        if self.pump is not None and self.pump is not asyncio.current_task():
            self.pump.cancel()

    async def send_error(self, code: str, text: str) -> None:
        status = 503 if code == "media_unavailable" else 403
        await self.send(text_data=janus_error(None, status, f"{code}: {text}"))
