"""One floor turn's audio on its way, wherever it comes from (the speaker's audio socket or
an RTP forward from the media gateway): each frame recorded (``turn_recording``), relayed
to listeners (``relay``) and recognised (``link``), the room told how recognition goes, and
the whole flushed when the turn's audio ends. An interpretation channel's audio of the turn
(the recording's ``channel``) is recorded, not relayed, and recognised in the booth's
language where the conference has captions of interpretation."""

import asyncio
import logging

from channels.layers import BaseChannelLayer
from django.conf import settings

from server.common.asyncdb import db_async
from server.conferences.models import Conference, Meeting
from server.rooms.events import PROTOCOL_VERSION
from server.rooms.hub import ephemeral_send, get_hub

from .audio_admission import AudioTurn
from .embedded import embedded_worker_start
from .events import CaptionEvent, CaptionStatus
from .intake import Frame
from .link import LinkState, Notify, RecognitionLink
from .relay import frame_send
from .selectors import conference_languages
from .speech import speech_engines_loading
from .turn_recording import TurnRecording

logger = logging.getLogger(__name__)


def interpretation_captioned(meeting: Meeting) -> bool:
    """Whether the meeting's conference recognises its interpretation booths."""
    conference = Conference.objects.filter(meetings=meeting.pk, interpretation_captions=True)
    return conference.exists()


class TurnAudio:
    """``reply``: the channel the recognition worker answers on (messages ``asr.opened``,
    ``asr.progress``, ``asr.failed``, handed to ``answer``). ``speaker``: also told of
    recognition's state, beside the room."""

    def __init__(
        self,
        layer: BaseChannelLayer,
        reply: str,
        meeting: Meeting,
        turn: AudioTurn,
        languages: list[str],
        speaker: Notify | None,
    ) -> None:
        self.layer = layer
        self.meeting = meeting
        self.turn = turn
        self.speaker = speaker
        self.recorder = TurnRecording(turn.recording, turn.format)
        self.link = RecognitionLink(
            layer,
            reply,
            turn.recording.pk,
            turn.language,
            languages,
            self.link_changed,
            self.recorder.gap,
            starting=speech_engines_loading,
        )
        self.channel = turn.recording.channel  # "" the floor, else a booth's language
        self.recognised = not self.channel
        self.ending = False
        self.ticker: asyncio.Task[None] | None = None
        # Audio and the worker's answers one at a time, as a consumer handles its messages:
        # a worker that opened a stream gets the kept audio before any new frame.
        self.one_at_a_time = asyncio.Lock()

    @classmethod
    async def start(
        cls,
        layer: BaseChannelLayer,
        reply: str,
        meeting: Meeting,
        turn: AudioTurn,
        speaker: Notify | None = None,
    ) -> "TurnAudio":
        """The turn's audio, recognition asked for, and the room's events delivered to the
        turn's watch from the turn's ``seq`` on."""
        languages = await db_async(conference_languages)(meeting)
        audio = cls(layer, reply, meeting, turn, languages, speaker)
        if audio.channel:
            audio.recognised = await db_async(interpretation_captioned)(meeting)
        if audio.recognised:
            if settings.ASR_WORKERS == "embedded":
                embedded_worker_start()
            await audio.link.open()
        audio.ticker = asyncio.create_task(audio.tick())
        await get_hub().sync(meeting.pk, turn.member, turn.seq)
        return audio

    async def take(self, frame: Frame) -> None:
        """Store the frame, and send its audio to listeners and to recognition."""
        async with self.one_at_a_time:
            if self.ending:
                return
            at = self.recorder.write(frame)
            if frame.pcm and not self.channel:
                turn = self.turn.recording.turn_id
                await frame_send(self.layer, self.meeting.pk, turn, frame.pcm)
            if frame.pcm and self.recognised:
                await self.link.audio(at, frame.pcm)

    async def answer(self, message: dict[str, object]) -> None:
        """A message of the recognition worker to ``reply``."""
        kind, stream, worker = message.get("type"), message.get("stream"), message.get("worker")
        settled = message.get("settled")
        if not isinstance(stream, str):
            return
        async with self.one_at_a_time:
            if kind == "asr.opened" and isinstance(worker, str):
                await self.link.opened(stream, worker)
            elif kind == "asr.progress" and isinstance(settled, float | int):
                await self.link.progress(stream, float(settled), bool(message.get("closed")))
            elif kind == "asr.failed" and isinstance(settled, float | int):
                await self.link.failed(stream, float(settled), str(message.get("reason", "")))

    async def link_changed(self, state: LinkState, text: str) -> None:
        if self.speaker is not None:
            await self.speaker(state, text)
        status: CaptionStatus = {
            "v": PROTOCOL_VERSION,
            "type": CaptionEvent.STATUS.value,
            "turn": self.turn.recording.turn_id,
            "state": state.value,
            "lag": 0.0,
            "message": text,
        }
        await ephemeral_send(self.meeting.pk, status)

    async def tick(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            try:
                if self.recognised:
                    await self.link.check()
                await self.recorder.save_if_due()
            except Exception:
                logger.exception("turn audio of meeting %s: housekeeping failed", self.meeting.pk)

    async def finish(self) -> None:
        """The turn's audio ends here: the recording is closed, recognition finishes."""
        if self.ending:
            return
        self.ending = True
        if self.ticker is not None:
            self.ticker.cancel()
        await get_hub().detach(self.meeting.pk, self.turn.member)
        async with self.one_at_a_time:  # after the frame being taken, if any
            await self.recorder.close()
            if not self.recognised:
                return
            try:
                await self.link.close()
            except Exception:  # the layer itself may be what failed: the worker times out
                logger.warning(
                    "meeting %s: could not tell the worker the turn ended", self.meeting.pk
                )
