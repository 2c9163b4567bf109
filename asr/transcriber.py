"""The transcriber interface: audio in, segments with word timings out."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from .audio import Samples
from .results import Segment, TranscriptionInfo


@dataclass(frozen=True)
class TranscribeOptions:
    language: str | None = None  # None: detect
    beam_size: int = 5
    prompt: str | None = None  # text that came before, to keep names and style
    # Names and terms to spell as written (speakers, delegations, a term base): Whisper's
    # hotwords, or the start of its prompt with an engine that has none.
    hotwords: str | None = None
    word_timestamps: bool = True
    # Whisper encodes 30 s windows, whatever the audio's length. A shorter window (at least
    # this many seconds, and the audio's own length) costs a fraction of the time on a CPU,
    # at some cost in accuracy: live drafts use it. None: the full 30 s window.
    min_window: float | None = None
    # Retry a poor decode at higher temperatures (Whisper's fallback). Live captions
    # cannot wait for the retries.
    temperature_fallback: bool = True
    # At most this many tokens per decode of a window (None: Whisper's own limit, 224): over
    # noise Whisper may loop ("I'm sorry, I'm sorry, …") to the limit, a decoder step per token
    # per beam. Speech cut short by the limit is decoded on from its last timestamp. An
    # engine may round it up (faster-whisper: to a multiple of 16, so decodes share batches).
    max_tokens: int | None = None


@dataclass(frozen=True)
class EngineOptions:
    engine: str = "faster-whisper"  # or "openai-whisper" (the optional extra)
    model: str | None = None  # PLENARY_ASR_MODEL when None (see asr.models)
    device: str = "auto"  # "cpu", "cuda" or "auto"
    compute_type: str | None = None  # int8 on CPU, float16 on CUDA when None
    cpu_threads: int = 0  # 0: the engine's default


@dataclass(frozen=True)
class TranscribeRequest:
    """One decode of a batch: ``audio`` with ``options``, its times shifted by ``offset``."""

    audio: Samples
    options: TranscribeOptions
    offset: float = 0.0


@dataclass(frozen=True)
class Transcription:
    segments: list[Segment]
    info: TranscriptionInfo


class Transcriber(Protocol):
    # Whether calls made at the same time from several threads run as batches: a caller
    # with several streams then gives each its own thread.
    batching: bool

    def transcribe(
        self, audio: Samples, options: TranscribeOptions, *, offset: float = 0.0
    ) -> tuple[list[Segment], TranscriptionInfo]:
        """Segments of ``audio``, their times shifted by ``offset`` seconds."""
        ...

    def transcribe_many(self, requests: Sequence[TranscribeRequest]) -> list[Transcription]:
        """Each request's ``transcribe``, as one batch where the engine can: the same text."""
        ...

    def detect_language(
        self, audio: Samples, among: Collection[str] = (), *, window: float | None = None
    ) -> tuple[str, float]:
        """The most likely language of ``audio`` (only those in ``among``, when given) and its
        probability. ``window``: as ``TranscribeOptions.min_window``."""
        ...


def transcribe_each(
    engine: Transcriber, requests: Sequence[TranscribeRequest]
) -> list[Transcription]:
    """``transcribe_many`` for an engine that cannot batch: one request after another."""
    return [
        Transcription(*engine.transcribe(request.audio, request.options, offset=request.offset))
        for request in requests
    ]


# Whisper's own rule for "this was not speech": likely silence and a poor decode.
NO_SPEECH_PROB = 0.6
LOW_LOGPROB = -1.0


def is_speech(segment: Segment) -> bool:
    return not (segment.no_speech_prob > NO_SPEECH_PROB and segment.avg_logprob < LOW_LOGPROB)


def most_likely(probabilities: dict[str, float], among: Collection[str]) -> tuple[str, float]:
    """The most probable language, of those in ``among`` when it names any Whisper knows."""
    allowed = {language: p for language, p in probabilities.items() if language in among}
    candidates = allowed or probabilities
    language = max(candidates, key=lambda code: candidates[code])
    return language, candidates[language]
