"""One stream on a recognition worker: what it was asked for (``stream_request``), who
speaks (``Speaker``), and its state (``StreamJob``: the transcriber, the audio waiting for it,
the finals held until their utterance settles, how far its finals are stored)."""

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.db.models import Max
from django.utils import timezone

from asr import SAMPLE_RATE, Caption, SentenceGrouper, StreamingTranscriber, pcm16_to_float
from server.glossary.selectors import hotwords
from server.rooms.events import ParticipantRef
from server.rooms.selectors import participant_ref

from . import services
from .messages import StreamOpen
from .models import Recording, TranscriptSegment

logger = logging.getLogger(__name__)


# The stored text a worker taking a stream over is primed with: enough for any prompt.
CONTEXT_SEGMENTS = 8
CONTEXT_CHARS = 800


@dataclass(frozen=True)
class Speaker:
    """What drafts say about the stream's speaker."""

    meeting: int
    conference: int
    turn: int
    ref: ParticipantRef
    hotwords: dict[str, str]  # language → names and terms to spell as written


def speaker_of(recording_id: int, languages: list[str]) -> tuple[Recording, Speaker]:
    """The recording a stream is of, and its speaker with the hotwords of ``languages``."""
    recording = Recording.objects.select_related("meeting", "turn__participant__delegation").get(
        pk=recording_id
    )
    turn, conference = recording.turn, recording.meeting.conference_id
    words = hotwords(conference, languages, turn.participant)
    ref = participant_ref(turn.participant)
    return recording, Speaker(recording.meeting_id, conference, turn.pk, ref, words)


def stored_until(recording: Recording) -> tuple[float, tuple[str, str]]:
    """Stream time up to which the recording's live captions are stored: a worker that takes
    the stream over starts there, whatever the last one reported (it may have stored a
    sentence and died before saying so), so that nothing is captioned twice. With it, the
    tail of the text stored before it and its language: the prompt the last worker had, so
    that the sentence going on is heard in its context (docs/captions.md)."""
    live = TranscriptSegment.objects.filter(
        recording=recording, source=TranscriptSegment.Source.LIVE
    )
    end = live.aggregate(end=Max("offset_end"))["end"]
    if end is None:
        return 0.0, ("", "und")
    said: list[str] = []
    language = ""
    for text, spoken_in in (
        live.filter(superseded=False)
        .order_by("-offset_end")
        .values_list("text", "language")[:CONTEXT_SEGMENTS]
    ):
        if said and spoken_in != language:
            break
        said.insert(0, text)
        language = spoken_in
    return float(end), (" ".join(said)[-CONTEXT_CHARS:], language or "und")


@dataclass
class StreamJob:
    """One stream on this worker: its transcriber and the audio waiting for it."""

    request: StreamOpen
    recording: Recording
    speaker: Speaker
    transcriber: StreamingTranscriber
    expected: float  # stream time where the next audio must start
    settled: float  # stream time up to which every final is stored (what is reported)
    heard_at: float = field(default_factory=time.monotonic)  # the socket's last message
    waiting: deque[tuple[float, np.ndarray]] = field(default_factory=deque)  # (arrived, samples)
    # The finals committed so far of the utterance going on: shown, stored once it settles.
    held: list[Caption] = field(default_factory=list)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    closing: bool = False
    flush: bool = True
    lagging: bool = False
    calm_since: float | None = None  # since when the lag has been small
    sentences: SentenceGrouper = field(default_factory=SentenceGrouper)

    @property
    def backlog(self) -> float:
        return sum(len(samples) for _, samples in self.waiting) / SAMPLE_RATE

    @property
    def lag(self) -> float:
        return time.monotonic() - self.waiting[0][0] if self.waiting else 0.0

    def push(self, at: float, pcm: bytes) -> None:
        """Queue a frame that starts ``at`` seconds into the stream: a frame already heard
        (sent again after a takeover) is cut to what is new; a gap becomes silence."""
        samples = pcm16_to_float(pcm)
        skip = round((self.expected - at) * SAMPLE_RATE)
        if skip >= len(samples):
            return
        if skip > 0:
            samples = samples[skip:]
        elif skip < 0:
            missing = -skip / SAMPLE_RATE
            logger.warning("stream %s: %.2f s of audio missing", self.request["stream"], missing)
            samples = np.concatenate([np.zeros(-skip, np.float32), samples])
        self.waiting.append((time.monotonic(), samples))
        self.expected += len(samples) / SAMPLE_RATE
        self.wake.set()

    def take(self) -> np.ndarray:
        samples = np.concatenate([s for _, s in self.waiting])
        self.waiting.clear()
        return samples


def socket_gone(recording: Recording) -> bool:
    """Whether the audio socket that asked for a stream of ``recording`` has closed (or its
    server has stopped saying it is there): its request is void."""
    if recording.ended_at is not None:
        return True
    gone = timezone.now() - timedelta(seconds=services.AUDIO_SOCKET_GONE_SECONDS)
    return recording.alive_at is None or recording.alive_at < gone


def stream_request(message: dict[str, object]) -> StreamOpen:
    """A stream request as taken from ``STREAMS_CHANNEL``, checked (``ValueError`` if not)."""
    stream, reply, recording = message.get("stream"), message.get("reply"), message.get("recording")
    language, start = message.get("language"), message.get("start", 0.0)
    languages = message.get("languages", [])
    if not (isinstance(stream, str) and isinstance(reply, str) and isinstance(recording, int)):
        raise ValueError(f"malformed stream request: {message!r:.200}")
    if not isinstance(start, float | int) or not (language is None or isinstance(language, str)):
        raise ValueError(f"malformed stream request: {message!r:.200}")
    if not (isinstance(languages, list) and all(isinstance(code, str) for code in languages)):
        raise ValueError(f"malformed stream request: {message!r:.200}")
    return {
        "type": "asr.open",
        "stream": stream,
        "reply": reply,
        "recording": recording,
        "language": language,
        "languages": [str(code) for code in languages],
        "start": float(start),
    }
