"""The speech sockets of a meeting (docs/captions.md):

* ``/ws/meetings/<id>/audio/?format=pcm16|webm|ogg[&language=xx]`` — the floor holder's
  microphone: binary frames in, stored per floor turn, relayed to listeners and recognised.
* ``/ws/meetings/<id>/listen/`` — the floor holder's voice out, as 16 kHz PCM16 frames.

Captions do not travel here: they are room events on the room socket.
"""

import asyncio
import json
import logging
import time
from urllib.parse import parse_qs

from django.conf import settings

from asr import (
    SAMPLE_RATE,
    AudioError,
    EmptyAudio,
    OddByteCount,
    UndecodableAudio,
    WrongSampleRate,
)
from server.common import metrics
from server.common.asyncdb import db_async
from server.common.errors import InvalidInput, PlenaryError
from server.common.values import json_decode
from server.conferences.models import Meeting, Participant
from server.rooms import selectors as room_selectors
from server.rooms.admission import AdmittedConsumer, close_code
from server.rooms.events import PROTOCOL_VERSION, encode
from server.rooms.hub import Member, ephemeral_send, get_hub

from . import services
from .embedded import embedded_worker_start
from .events import CaptionStatus
from .intake import OVERSIZED, AudioIntake, FrameTooLarge
from .link import LinkState, RecognitionLink
from .models import Recording
from .recorder import RecordingFile
from .relay import frame_send, get_relay
from .selectors import conference_languages
from .speech import speech_engines_loading

logger = logging.getLogger(__name__)

CLOSE_FLOOR_CHANGED = 4409
CLOSE_AUDIO_TAKEN = 4423  # the turn's audio already comes through another socket
PROGRESS_EVERY = 5.0  # seconds between updates of the recording's row


AUDIO_ERROR_CODES: dict[type[AudioError], str] = {
    OddByteCount: "odd_byte_count",
    WrongSampleRate: "wrong_sample_rate",
    EmptyAudio: "empty_audio",
    UndecodableAudio: "undecodable_audio",
}


def wire(message: dict[str, object]) -> str:
    return encode({"v": PROTOCOL_VERSION, **message})


def error_wire(code: str, text: str) -> str:
    return wire({"type": "error", "code": code, "message": text})


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def stream_parameters(query_string: bytes) -> tuple[str, str | None]:
    """(format, language) from ``?format=…&rate=…&language=…``."""
    query = parse_qs(query_string.decode("latin-1"))
    format = _first(query, "format") or Recording.Format.PCM16
    if format not in Recording.Format.values:
        raise InvalidInput(f"Unknown audio format {format!r}: use pcm16, webm or ogg.")
    rate = _first(query, "rate")
    if format == Recording.Format.PCM16 and rate not in (None, str(SAMPLE_RATE)):
        raise InvalidInput(f"PCM16 audio must be {SAMPLE_RATE} Hz mono, not {rate} Hz.")
    language = _first(query, "language")
    return format, services.check_language_code(language) if language else None


class AudioConsumer(AdmittedConsumer):
    meeting: Meeting
    participant: Participant
    recording: Recording
    member: Member | None = None
    floor_lost: "asyncio.Task[None] | None" = None

    async def connect(self) -> None:
        await self.accept()
        meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        try:
            await self.enter(meeting_id)
            format, language = stream_parameters(self.scope.get("query_string", b""))
            hub = get_hub()
            # Registered first, then checked: a change of floor from now on reaches us.
            member = await hub.attach(meeting_id, self)
            try:
                self.recording, seq = await db_async(services.recording_open)(
                    meeting=self.meeting, participant=self.participant, format=format
                )
            except PlenaryError:
                await hub.detach(meeting_id, member)
                raise
        except PlenaryError as exc:
            metrics.AUDIO_FRAMES_REFUSED.labels(exc.code).inc()
            await self.send_error(exc.code, exc.message)
            taken = isinstance(exc, services.AudioTaken)
            await self.close(code=CLOSE_AUDIO_TAKEN if taken else close_code(exc))
            return
        self.file = RecordingFile(
            settings.RECORDINGS_DIR / self.recording.path, format, settings.RECORDINGS_DIR
        )
        self.intake = AudioIntake(format)
        self.received = 0.0  # seconds of audio so far: the stream time of the next frame
        self.saved_at = time.monotonic()
        self.gaps: list[list[float]] = []
        self.ending = False
        if settings.ASR_WORKERS == "embedded":
            embedded_worker_start()
        self.link = RecognitionLink(
            self.channel_layer,
            self.channel_name,
            self.recording.pk,
            language,
            await db_async(conference_languages)(self.meeting),
            self.link_changed,
            lambda start, end: self.gaps.append([round(start, 3), round(end, 3)]),
            starting=speech_engines_loading,
        )
        await self.link.open()
        self.ticker = asyncio.create_task(self.tick())
        self.member = member
        await hub.sync(meeting_id, member, seq)
        await self.send_json(
            {"type": "audio.ready", "recording": self.recording.pk, "turn": self.recording.turn_id}
        )

    # RoomClient, for the hub: the room's events tell us when the floor changes -----------

    @property
    def delegation_id(self) -> int | None:
        return self.participant.delegation_id

    async def deliver(self, text: str) -> None:
        kind = json.loads(text).get("type")
        if kind in ("floor.granted", "meeting.status") and self.floor_lost is None:
            # Not awaited here: ending detaches us from the hub that is calling us.
            self.floor_lost = asyncio.create_task(self.end_of_turn())

    async def end_of_turn(self) -> None:
        await self.finish()
        await self.send_error(
            "floor_changed", "The floor has changed: your microphone is no longer taken."
        )
        await self.close(code=CLOSE_FLOOR_CHANGED)

    async def missed(self, after_seq: int, until: int) -> list[str]:
        return await db_async(room_selectors.events_encoded)(
            self.meeting, self.participant, after_seq, until
        )

    # Audio in -----------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.member is None or self.ending:
            return
        if bytes_data is None:
            await self.control(text_data or "")
            return
        try:
            frame = await self.intake.take(bytes_data)
        except PlenaryError as exc:
            await self.refuse(exc.code, exc.message)
            return
        except AudioError as exc:
            await self.refuse(AUDIO_ERROR_CODES.get(type(exc), "bad_audio"), str(exc))
            return
        if self.ending:  # the turn ended while the frame was decoded
            return
        if frame.stored:
            self.file.write(frame.stored)
        if frame.pcm:
            at = self.received
            self.received += frame.seconds
            await frame_send(self.channel_layer, self.meeting.pk, self.recording.turn_id, frame.pcm)
            await self.link.audio(at, frame.pcm)
        if frame.oversized:
            await self.refuse(FrameTooLarge.code, OVERSIZED)

    async def refuse(self, code: str, text: str) -> None:
        """A bad frame: say what is wrong with it; the stream goes on."""
        metrics.AUDIO_FRAMES_REFUSED.labels(code).inc()
        await self.send_error(code, f"{text} The stream goes on.")

    async def control(self, text: str) -> None:
        try:
            message = json_decode(text, "")
        except InvalidInput as exc:
            await self.send_error(exc.code, exc.message)
            return
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "audio.stop":
            await self.finish()
            await self.close()
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_error("unknown_type", f"Unknown control message {kind!r}.")

    # Recognition --------------------------------------------------------------------------

    async def asr_opened(self, message: dict[str, object]) -> None:
        stream, worker = message.get("stream"), message.get("worker")
        if isinstance(stream, str) and isinstance(worker, str):
            await self.link.opened(stream, worker)

    async def asr_progress(self, message: dict[str, object]) -> None:
        stream, settled = message.get("stream"), message.get("settled")
        if isinstance(stream, str) and isinstance(settled, float | int):
            await self.link.progress(stream, float(settled), bool(message.get("closed")))

    async def asr_failed(self, message: dict[str, object]) -> None:
        stream, settled = message.get("stream"), message.get("settled")
        if isinstance(stream, str) and isinstance(settled, float | int):
            await self.link.failed(stream, float(settled), str(message.get("reason", "")))

    async def link_changed(self, state: LinkState, text: str) -> None:
        await self.send_json({"type": "audio.status", "state": state.value, "message": text})
        status: CaptionStatus = {
            "v": PROTOCOL_VERSION,
            "type": "caption.status",
            "turn": self.recording.turn_id,
            "state": state.value,
            "lag": 0.0,
            "message": text,
        }
        await ephemeral_send(self.meeting.pk, status)

    async def tick(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            try:
                await self.link.check()
                if time.monotonic() - self.saved_at >= PROGRESS_EVERY:
                    await self.save_progress(done=False)
            except Exception:
                logger.exception("audio socket of meeting %s: housekeeping failed", self.meeting.pk)

    async def save_progress(self, *, done: bool) -> None:
        self.saved_at = time.monotonic()
        await db_async(services.recording_progress)(
            recording=self.recording,
            seconds=self.received,
            size=self.file.size,
            gaps=self.gaps,
            done=done,
        )

    async def finish(self) -> None:
        """The turn's audio ends here: the recording is closed, recognition finishes."""
        if self.member is None or self.ending:
            return
        self.ending = True
        self.ticker.cancel()
        self.file.close()
        await get_hub().detach(self.meeting.pk, self.member)
        await self.save_progress(done=True)
        try:
            await self.link.close()
        except Exception:  # the layer itself may be what failed: the worker times out
            logger.warning("meeting %s: could not tell the worker the turn ended", self.meeting.pk)

    async def leave(self) -> None:
        await self.finish()

    # Replies ------------------------------------------------------------------------------

    async def send_json(self, message: dict[str, object]) -> None:
        await self.send(text_data=wire(message))

    async def send_error(self, code: str, text: str) -> None:
        await self.send(text_data=error_wire(code, text))


class ListenConsumer(AdmittedConsumer):
    attached = False

    async def connect(self) -> None:
        await self.accept()
        meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        try:
            await self.enter(meeting_id)
        except PlenaryError as exc:
            await self.send_error(exc.code, exc.message)
            await self.close(code=close_code(exc))
            return
        self.turn: int | None = None
        await get_relay().attach(meeting_id, self)
        self.attached = True

    async def hear(self, turn: int, pcm: bytes) -> None:
        if turn != self.turn:
            self.turn = turn
            await self.send(text_data=wire({"type": "audio.turn", "turn": turn}))
        await self.send(bytes_data=pcm)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.send_error("unknown_type", "This socket only sends audio.")

    async def send_error(self, code: str, text: str) -> None:
        await self.send(text_data=error_wire(code, text))

    async def leave(self) -> None:
        if self.attached:
            self.attached = False
            await get_relay().detach(self.meeting.pk, self)
