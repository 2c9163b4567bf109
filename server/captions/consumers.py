"""The speech sockets of a meeting (docs/captions.md):

* ``/ws/meetings/<id>/audio/?format=pcm16|webm|ogg[&language=xx]`` — the floor holder's
  microphone: binary frames in, stored per floor turn, relayed to listeners and recognised.
* ``/ws/meetings/<id>/listen/`` — the floor holder's voice out, as 16 kHz PCM16 frames.

Captions do not travel here: they are room events on the room socket.
"""

import asyncio
import logging

from django.conf import settings

from server.common import metrics
from server.common.asyncdb import db_async
from server.common.errors import InvalidInput, PlenaryError
from server.common.values import json_decode
from server.rooms.admission import AdmittedConsumer, close_code
from server.rooms.events import PROTOCOL_VERSION, encode
from server.rooms.hub import ephemeral_send, get_hub

from .audio_admission import (
    CLOSE_FLOOR_CHANGED,
    AudioTurn,
    FloorWatch,
    audio_admit,
    refusal_close_code,
)
from .embedded import embedded_worker_start
from .events import CaptionEvent, CaptionStatus
from .intake import OVERSIZED, AudioIntake, FrameTooLarge
from .link import LinkState, RecognitionLink
from .relay import frame_send, get_relay
from .selectors import conference_languages
from .speech import speech_engines_loading
from .turn_recording import TurnRecording

logger = logging.getLogger(__name__)


def wire(message: dict[str, object]) -> str:
    return encode({"v": PROTOCOL_VERSION, **message})


def error_wire(code: str, text: str) -> str:
    return wire({"type": "error", "code": code, "message": text})


class AudioConsumer(AdmittedConsumer):
    """Wires the turn's parts: admission (``audio_admission``), decoding (``intake``),
    recording (``turn_recording``), the relay to listeners (``relay``) and the recognition
    link (``link``)."""

    turn: AudioTurn | None = None

    async def connect(self) -> None:
        await self.accept()
        meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        try:
            await self.enter(meeting_id)
            self.watch = FloorWatch(self.meeting, self.participant, self.end_of_turn)
            turn = await audio_admit(self.watch, self.scope.get("query_string", b""))
        except PlenaryError as exc:
            metrics.AUDIO_FRAMES_REFUSED.labels(exc.code).inc()
            await self.send_error(exc.code, exc.message)
            await self.close(code=refusal_close_code(exc))
            return
        self.recorder = TurnRecording(turn.recording, turn.format)
        self.intake = AudioIntake(turn.format)
        self.ending = False
        if settings.ASR_WORKERS == "embedded":
            embedded_worker_start()
        self.link = RecognitionLink(
            self.channel_layer,
            self.channel_name,
            turn.recording.pk,
            turn.language,
            await db_async(conference_languages)(self.meeting),
            self.link_changed,
            self.recorder.gap,
            starting=speech_engines_loading,
        )
        await self.link.open()
        self.ticker = asyncio.create_task(self.tick())
        self.turn = turn
        await get_hub().sync(meeting_id, turn.member, turn.seq)
        await self.send_json(
            {"type": "audio.ready", "recording": turn.recording.pk, "turn": turn.recording.turn_id}
        )

    async def end_of_turn(self) -> None:
        await self.finish()
        await self.send_error(
            "floor_changed", "The floor has changed: your microphone is no longer taken."
        )
        await self.close(code=CLOSE_FLOOR_CHANGED)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.turn is None or self.ending:
            return
        if bytes_data is None:
            await self.control(text_data or "")
            return
        try:
            frame = await self.intake.take(bytes_data)
        except PlenaryError as exc:
            await self.refuse(exc.code, exc.message)
            return
        if self.ending:  # the turn ended while the frame was decoded
            return
        at = self.recorder.write(frame)
        if frame.pcm:
            await frame_send(
                self.channel_layer, self.meeting.pk, self.turn.recording.turn_id, frame.pcm
            )
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
            "type": CaptionEvent.STATUS.value,
            "turn": self.recorder.recording.turn_id,
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
                await self.recorder.save_if_due()
            except Exception:
                logger.exception("audio socket of meeting %s: housekeeping failed", self.meeting.pk)

    async def finish(self) -> None:
        """The turn's audio ends here: the recording is closed, recognition finishes."""
        if self.turn is None or self.ending:
            return
        self.ending = True
        self.ticker.cancel()
        await get_hub().detach(self.meeting.pk, self.turn.member)
        await self.recorder.close()
        try:
            await self.link.close()
        except Exception:  # the layer itself may be what failed: the worker times out
            logger.warning("meeting %s: could not tell the worker the turn ended", self.meeting.pk)

    async def leave(self) -> None:
        await self.finish()

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
