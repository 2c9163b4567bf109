"""The speech sockets of a meeting (docs/captions.md):

* ``/ws/meetings/<id>/audio/?format=pcm16|webm|ogg[&language=xx]`` — the floor holder's
  microphone: binary frames in, stored per floor turn, relayed to listeners and recognised.
* ``/ws/meetings/<id>/listen/`` — the floor holder's voice out, as 16 kHz PCM16 frames.

Captions do not travel here: they are room events on the room socket.
"""

from django.utils.translation import gettext

from server.common import metrics
from server.common.errors import InvalidInput, PlenaryError
from server.common.values import json_decode
from server.rooms.admission import AdmittedConsumer, close_code
from server.rooms.events import PROTOCOL_VERSION, encode

from .audio_admission import CLOSE_FLOOR_CHANGED, FloorWatch, audio_admit, refusal_close_code
from .intake import OVERSIZED, AudioIntake, FrameTooLarge
from .link import LinkState
from .relay import get_relay
from .turn_audio import TurnAudio


def wire(message: dict[str, object]) -> str:
    return encode({"v": PROTOCOL_VERSION, **message})


def error_wire(code: str, text: str) -> str:
    return wire({"type": "error", "code": code, "message": text})


class AudioConsumer(AdmittedConsumer):
    """The speaker's socket: admission (``audio_admission``) and decoding (``intake``); the
    turn's audio then goes where an RTP forward's goes (``turn_audio``: recording, relay to
    listeners, recognition)."""

    audio: TurnAudio | None = None

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
        self.intake = AudioIntake(turn.format)
        self.audio = await TurnAudio.start(
            self.channel_layer, self.channel_name, self.meeting, turn, self.link_changed
        )
        await self.send_json(
            {"type": "audio.ready", "recording": turn.recording.pk, "turn": turn.recording.turn_id}
        )

    async def end_of_turn(self) -> None:
        await self.finish()
        await self.send_error(
            "floor_changed", gettext("The floor has changed: your microphone is no longer taken.")
        )
        await self.close(code=CLOSE_FLOOR_CHANGED)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.audio is None or self.audio.ending:
            return
        if bytes_data is None:
            await self.control(text_data or "")
            return
        try:
            frame = await self.intake.take(bytes_data)
        except PlenaryError as exc:
            await self.refuse(exc.code, exc.message)
            return
        await self.audio.take(frame)  # nothing, if the turn ended while the frame was decoded
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
            await self.send_error(
                "unknown_type", gettext("Unknown control message {kind!r}.").format(kind=kind)
            )

    # The recognition worker's answers (``TurnAudio.answer``).
    async def asr_opened(self, message: dict[str, object]) -> None:
        if self.audio is not None:
            await self.audio.answer(message)

    asr_progress = asr_failed = asr_opened

    async def link_changed(self, state: LinkState, text: str) -> None:
        await self.send_json({"type": "audio.status", "state": state.value, "message": text})

    async def finish(self) -> None:
        if self.audio is not None:
            await self.audio.finish()

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
        await self.send_error("unknown_type", gettext("This socket only sends audio."))

    async def send_error(self, code: str, text: str) -> None:
        await self.send(text_data=error_wire(code, text))

    async def leave(self) -> None:
        if self.attached:
            self.attached = False
            await get_relay().detach(self.meeting.pk, self)
