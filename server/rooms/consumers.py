"""The meeting room socket, ``/ws/meetings/<id>/`` (docs/protocol.md).

Connect: authenticate and admit, register with this process's hub (so nothing committed
from then on is missed), record presence, then send either a snapshot or — when the
client gives ``?last_seq=N`` — exactly the events after N, and go live.
"""

import logging
import time
from urllib.parse import parse_qs

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from server.common.asyncdb import db_async
from server.common.errors import InvalidInput, PlenaryError, ProtocolError
from server.common.ratelimit import user_bucket
from server.common.schemas import operation_parse
from server.common.values import integer_parse

from . import selectors, services
from .actions import ACTIONS, ActionResult
from .admission import AdmittedConsumer, close_code
from .events import PROTOCOL_VERSION, encode
from .frames import RAW_SOCKET, Frame, RawSocket
from .hub import Member, get_hub
from .messages import Ack, ErrorMessage, EventsPage, Pong, Synced, YouChanged
from .protocol import CLOSE_TOO_SLOW, ClientMessage, parse
from .schemas import EventsFetch

logger = logging.getLogger(__name__)


def _last_seq(query: dict[str, list[str]]) -> int | None:
    """``?last_seq=N``; a value that is no sequence number asks for a snapshot."""
    values = query.get("last_seq")
    try:
        return integer_parse(values[0], "last_seq") if values else None
    except InvalidInput:
        return None


class RoomConsumer(AdmittedConsumer):
    member: Member | None = None
    batches = False  # ``?batch=1``: events that queued together come in one ``batch`` frame
    raw: RawSocket | None = None  # the connection, written to directly under Daphne

    @property
    def delegation_id(self) -> int | None:
        return self.participant.delegation_id

    async def deliver(self, text: str) -> None:
        """One message through ASGI (``write_frames`` writes to the connection itself)."""
        await self.send(text_data=text)

    def backlog(self) -> int:
        return self.raw.buffered() if self.raw is not None else 0

    async def write_frames(self, frames: list[Frame]) -> None:
        if self.raw is None or not self.raw.write(frames):
            for frame in frames:
                await self.deliver(frame.text)

    async def too_slow(self) -> None:
        """Fallen too far behind: close, and let the client replay from the database."""
        await self.leave()
        await self.close(code=CLOSE_TOO_SLOW)

    async def missed(self, after_seq: int, until: int) -> list[str]:
        return await db_async(selectors.events_encoded)(
            self.meeting, self.participant, after_seq, until
        )

    async def connect(self) -> None:
        await self.accept()
        meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        try:
            await self.enter(meeting_id)
        except PlenaryError as exc:
            await self.send_error(exc.code, exc.message)
            await self.close(code=close_code(exc))
            return
        # One budget per user, shared by their sockets and the HTTP actions (views.py).
        self.bucket = user_bucket(self.participant.user_id)
        self.rate_warned_at = float("-inf")
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        self.batches = query.get("batch") == ["1"]
        self.raw = RAW_SOCKET.get()
        if self.raw is not None:
            self.raw.limit_send_buffer(settings.ROOM_SEND_BUFFER_BYTES)
        hub = get_hub()
        self.member = await hub.attach(meeting_id, self, self)
        await db_async(services.connection_open)(
            meeting=self.meeting,
            participant=self.participant,
            channel_name=self.channel_name,
            server_id=hub.server_id,
        )
        last_seq = _last_seq(query)
        seq = await (self.send_snapshot() if last_seq is None else self.send_replay(last_seq))
        await hub.sync(meeting_id, self.member, seq)

    async def send_snapshot(self) -> int:
        snapshot = await db_async(selectors.room_snapshot)(self.meeting, self.participant)
        await self.send(text_data=encode(snapshot))
        return snapshot["seq"]

    async def send_replay(self, last_seq: int) -> int:
        """Everything after ``last_seq``, in pages, then ``synced``. A ``last_seq`` the room
        has not reached (its database was restored from a backup) gets a fresh snapshot."""
        if last_seq > await db_async(selectors.room_last_seq)(self.meeting):
            return await self.send_snapshot()
        while True:
            events = await db_async(selectors.events_after)(
                self.meeting, self.participant, last_seq, limit=settings.ROOM_REPLAY_LIMIT
            )
            for event in events:
                await self.send(text_data=encode(event))
            if not events:
                break
            last_seq = events[-1]["seq"]
        await self.send(text_data=encode(Synced(v=PROTOCOL_VERSION, type="synced", seq=last_seq)))
        return last_seq

    async def leave(self) -> None:
        """Detach from the hub and drop the presence row. Runs once."""
        member, self.member = self.member, None
        if member is None:
            return
        await get_hub().detach(self.meeting.pk, member)
        await db_async(services.connection_close)(channel_name=self.channel_name)

    async def participant_changed(self) -> None:
        you = selectors.participant_ref(self.participant)
        await self.send(
            text_data=encode(YouChanged(v=PROTOCOL_VERSION, type="you.changed", you=you))
        )

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.member is None:
            return
        if text_data is None:
            await self.send_error(
                "binary_not_accepted", gettext("This socket takes JSON text frames.")
            )
            return
        if len(text_data.encode()) > settings.ROOM_MAX_MESSAGE_BYTES:
            too_large = gettext(
                "A message is at most {limit} bytes; this one was {size}. It was not processed."
            )
            size = len(text_data.encode())
            await self.send_error(
                "too_large", too_large.format(limit=settings.ROOM_MAX_MESSAGE_BYTES, size=size)
            )
            return
        if not self.bucket.take():
            await self.rate_limited()
            return
        message: ClientMessage | None = None
        try:
            message = parse(text_data)
            await self.handle(message)
        except PlenaryError as exc:
            await self.send_error(exc.code, exc.message, message)
        except Exception:
            logger.exception("room %s: action failed", self.meeting.pk)
            await self.send_error(
                "internal", gettext("The server could not process this."), message
            )

    async def rate_limited(self) -> None:
        """Drop the message; say so at most once a second, not once per message."""
        now = time.monotonic()
        if now - self.rate_warned_at >= 1.0:
            self.rate_warned_at = now
            too_many = gettext(
                "Too many messages: at most {rate} a second. "
                "Messages were dropped; slow down and resend."
            )
            await self.send_error(
                "rate_limited", too_many.format(rate=f"{settings.ROOM_RATE_PER_SECOND:g}")
            )

    async def handle(self, message: ClientMessage) -> None:
        if message.type == "ping":
            await self.send(text_data=encode(Pong(v=PROTOCOL_VERSION, type="pong", id=message.id)))
            return
        if message.type == "events.fetch":
            await self.fetch_events(message)
            return
        action = ACTIONS.get(message.type)
        if action is None:
            raise ProtocolError(
                "unknown_type", _("Unknown message type {type!r}."), type=message.type
            )
        result: ActionResult = await db_async(action)(self.participant, self.meeting, message.data)
        seqs = (
            [e.seq for e in result] if isinstance(result, list) else [result.seq] if result else []
        )
        await self.send(
            text_data=encode(Ack(v=PROTOCOL_VERSION, type="ack", id=message.id, seqs=seqs))
        )

    async def fetch_events(self, message: ClientMessage) -> None:
        wanted = operation_parse(EventsFetch, message.data)
        limit = min(wanted.until - wanted.after, settings.ROOM_REPLAY_LIMIT)
        events = await db_async(selectors.events_after)(
            self.meeting, self.participant, wanted.after, limit=limit, until=wanted.until
        )
        await self.send(
            text_data=encode(
                EventsPage(v=PROTOCOL_VERSION, type="events", id=message.id, events=events)
            )
        )

    async def send_error(self, code: str, text: str, message: ClientMessage | None = None) -> None:
        error = ErrorMessage(v=PROTOCOL_VERSION, type="error", code=code, message=text)
        if message is not None:
            error["id"] = message.id
            error["ref"] = message.type
        await self.send(text_data=encode(error))
