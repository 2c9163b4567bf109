"""faster-whisper (CTranslate2): the default engine. int8 on CPU, float16 on CUDA."""

import math
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace

import ctranslate2
import faster_whisper.transcribe
import numpy as np
import numpy.typing as npt
from faster_whisper import WhisperModel
from faster_whisper.audio import pad_or_trim

from ..audio import SAMPLE_RATE, Samples
from ..models import resolve_model
from ..results import Segment, TranscriptionInfo, Word
from ..transcriber import (
    EngineOptions,
    TranscribeOptions,
    TranscribeRequest,
    Transcription,
    is_speech,
    most_likely,
)
from .batching import BatchingWhisper

FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
FULL_WINDOW_FRAMES = 3000  # 30 s of 10 ms feature frames
# A shorter window is a whole number of these frames: decodes of audio of about the same
# length then share a window, and so a batch (asr/engines/batching.py).
WINDOW_STEP = 200
# A decode's token limit likewise; and the prompt (with the hotwords) is cut at its start to a
# whole number of PROMPT_STEP tokens: decoders share a batch when their prompts are as long.
TOKENS_STEP = 16
PROMPT_STEP = 8
CONTEXT = 448  # Whisper's text context, in tokens: the prompt and what is decoded
# The prompt and hotwords together: the half of the context Whisper was trained to be
# prompted with, less a margin for the tokens that start and mark them.
PROMPT_TOKENS = CONTEXT // 2 - 8
_window_frames: ContextVar[int] = ContextVar("window_frames", default=FULL_WINDOW_FRAMES)


def _pad_to_window(
    segment: npt.NDArray[np.float32], length: int = FULL_WINDOW_FRAMES, axis: int = -1
) -> npt.NDArray[np.float32]:
    """faster-whisper pads every window to 30 s; pad to the current call's window instead."""
    window = max(min(length, segment.shape[axis]), _window_frames.get())
    padded: npt.NDArray[np.float32] = pad_or_trim(segment, length=min(window, length), axis=axis)
    return padded


# faster-whisper exposes no option for the encoder's window; this replaces its padding
# function (one module global) with one that reads the window of the call in progress.
faster_whisper.transcribe.pad_or_trim = _pad_to_window


@contextmanager
def _window(options: TranscribeOptions, audio: Samples) -> Iterator[None]:
    if options.min_window is None:
        frames = FULL_WINDOW_FRAMES
    else:
        seconds = max(options.min_window, len(audio) / SAMPLE_RATE + 1.0)
        frames = min(FULL_WINDOW_FRAMES, math.ceil(seconds * 100 / WINDOW_STEP) * WINDOW_STEP)
    token = _window_frames.set(frames)
    try:
        yield
    finally:
        _window_frames.reset(token)


def _device(options: EngineOptions) -> tuple[str, str]:
    device = options.device
    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    compute_type = options.compute_type or ("float16" if device == "cuda" else "int8")
    return device, compute_type


class FasterWhisperTranscriber:
    """Calls from several threads at once run as batches (``transcribe_many``, or one thread
    per stream: ``batching``)."""

    batching = True

    def __init__(self, options: EngineOptions | None = None) -> None:
        options = options or EngineOptions()
        device, compute_type = _device(options)
        self.device = device
        self.model = WhisperModel(
            resolve_model(options.model),
            device=device,
            compute_type=compute_type,
            cpu_threads=options.cpu_threads,
            local_files_only=False,
        )
        self.batches = BatchingWhisper(self.model.model)
        self.model.model = self.batches

    def transcribe(
        self, audio: Samples, options: TranscribeOptions, *, offset: float = 0.0
    ) -> tuple[list[Segment], TranscriptionInfo]:
        options = self._prompt_fitted(options)
        with _window(options, audio), self.batches.decoding():
            raw, info = self.model.transcribe(
                audio,
                language=options.language,
                beam_size=options.beam_size,
                initial_prompt=self._prompt_tokens(options),
                hotwords=options.hotwords or None,
                word_timestamps=options.word_timestamps,
                condition_on_previous_text=False,
                vad_filter=False,
                temperature=FALLBACK_TEMPERATURES if options.temperature_fallback else 0.0,
                max_new_tokens=self._max_new_tokens(options),
            )
            segments = self._segments(list(raw), info.language, offset)
        details = TranscriptionInfo(
            info.language, info.language_probability, len(audio) / SAMPLE_RATE
        )
        return [s for s in segments if is_speech(s) and s.text], details

    def transcribe_many(self, requests: Sequence[TranscribeRequest]) -> list[Transcription]:
        """Each request decoded as ``transcribe`` would, in one thread each: their encoders,
        and their decoders where they can, run as batches."""
        with ThreadPoolExecutor(max(1, len(requests)), thread_name_prefix="decode") as pool:
            done = pool.map(
                lambda request: self.transcribe(
                    request.audio, request.options, offset=request.offset
                ),
                requests,
            )
            return [Transcription(segments, info) for segments, info in done]

    def _prompt_fitted(self, options: TranscribeOptions) -> TranscribeOptions:
        """The prompt's end and the hotwords' start, cut so that both together take at most
        ``PROMPT_TOKENS``: faster-whisper cuts each alone to 223 tokens, and both at that
        length overflow Whisper's 448 positions (CTranslate2 fails the decode)."""
        tokenizer = self.model.hf_tokenizer
        prompt = tokenizer.encode(options.prompt).ids[-PROMPT_TOKENS:] if options.prompt else []
        room = PROMPT_TOKENS - len(prompt)
        hotwords = tokenizer.encode(options.hotwords).ids[:room] if options.hotwords else []
        return replace(
            options,
            prompt=tokenizer.decode(prompt).strip() or None,
            hotwords=tokenizer.decode(hotwords).strip() or None,
        )

    def _prompt_tokens(self, options: TranscribeOptions) -> list[int] | None:
        """The prompt's tokens as faster-whisper makes them, less the first few: so that the
        prompt and the hotwords together take a whole number of ``PROMPT_STEP`` tokens."""
        if not options.prompt:
            return None
        tokenizer = self.model.hf_tokenizer
        tokens = tokenizer.encode(" " + options.prompt.strip(), add_special_tokens=False).ids
        hotwords = options.hotwords.strip() if options.hotwords else ""
        taken = (
            len(tokenizer.encode(" " + hotwords, add_special_tokens=False).ids) if hotwords else 0
        )
        keep = len(tokens) - (len(tokens) + taken) % PROMPT_STEP
        return tokens[-keep:] if keep > 0 else None

    def _max_new_tokens(self, options: TranscribeOptions) -> int | None:
        """``options.max_tokens``, less what the prompt takes of Whisper's 448-token context
        (faster-whisper refuses a limit that does not fit; each part of its prompt is cut to
        223 tokens, so the two may leave no room at all)."""
        if options.max_tokens is None:
            return None
        wanted = math.ceil(options.max_tokens / TOKENS_STEP) * TOKENS_STEP
        prompt = 6  # the start-of-transcript sequence, the start-of-previous token, a margin
        for text in (options.prompt, options.hotwords):
            if text:
                prompt += min(CONTEXT // 2 - 1, len(self.model.hf_tokenizer.encode(text).ids))
        room = CONTEXT - prompt  # none: Whisper's own limit, as without one
        return min(wanted, room) if room > 0 else None

    @staticmethod
    def _segments(
        raw: list[faster_whisper.transcribe.Segment], language: str, offset: float
    ) -> list[Segment]:
        return [
            Segment(
                start=offset + s.start,
                end=offset + s.end,
                text=s.text.strip(),
                language=language,
                words=tuple(
                    Word(offset + w.start, offset + w.end, w.word, w.probability)
                    for w in (s.words or ())
                ),
                no_speech_prob=s.no_speech_prob,
                avg_logprob=s.avg_logprob,
            )
            for s in raw
        ]

    def detect_language(
        self, audio: Samples, among: Collection[str] = (), *, window: float | None = None
    ) -> tuple[str, float]:
        with _window(TranscribeOptions(min_window=window), audio), self.batches.decoding():
            _, _, ranked = self.model.detect_language(audio)
        return most_likely({str(code): float(p) for code, p in ranked}, among)
