"""openai-whisper (PyTorch): the alternative engine, behind the ``openai-whisper`` extra.

``EngineOptions.model`` (else ``PLENARY_ASR_MODEL``) is a checkpoint file (``.pt``) or a
model name (openai-whisper downloads names into the data directory where a network exists).
Slower than faster-whisper on a CPU; useful where PyTorch is already the organiser's stack."""

import os
from collections.abc import Collection, Sequence
from pathlib import Path

import torch
import whisper

from ..audio import SAMPLE_RATE, Samples
from ..errors import ModelUnavailable
from ..models import data_dir
from ..results import Segment, TranscriptionInfo, Word
from ..transcriber import (
    EngineOptions,
    TranscribeOptions,
    TranscribeRequest,
    Transcription,
    is_speech,
    most_likely,
    transcribe_each,
)

FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


class OpenAIWhisperTranscriber:
    batching = False  # one decode at a time

    def __init__(self, options: EngineOptions | None = None) -> None:
        options = options or EngineOptions()
        model = options.model or os.environ.get("PLENARY_ASR_MODEL", "")
        if not model:
            raise ModelUnavailable(
                "The openai-whisper engine needs EngineOptions.model or PLENARY_ASR_MODEL: a "
                ".pt checkpoint or a model name (downloaded where a network exists)."
            )
        if ("/" in model or model.endswith(".pt")) and not Path(model).is_file():
            raise ModelUnavailable(f"No openai-whisper checkpoint at {model}.")
        device = options.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if options.cpu_threads:
            torch.set_num_threads(options.cpu_threads)
        self.device = device
        self.model = whisper.load_model(
            model, device=device, download_root=str(data_dir() / "openai-whisper")
        )

    def transcribe(
        self, audio: Samples, options: TranscribeOptions, *, offset: float = 0.0
    ) -> tuple[list[Segment], TranscriptionInfo]:
        result = whisper.transcribe(
            self.model,
            audio,
            language=options.language,
            initial_prompt=" ".join(filter(None, [options.hotwords, options.prompt])) or None,
            word_timestamps=options.word_timestamps,
            condition_on_previous_text=False,
            temperature=FALLBACK_TEMPERATURES if options.temperature_fallback else 0.0,
            beam_size=options.beam_size if options.beam_size > 1 else None,
            fp16=self.device == "cuda",
            sample_len=options.max_tokens,
            verbose=None,
        )
        language = str(result["language"])
        segments = [
            Segment(
                start=offset + float(s["start"]),
                end=offset + float(s["end"]),
                text=str(s["text"]).strip(),
                language=language,
                words=tuple(
                    Word(offset + w["start"], offset + w["end"], w["word"], w["probability"])
                    for w in s.get("words", ())
                ),
                no_speech_prob=float(s["no_speech_prob"]),
                avg_logprob=float(s["avg_logprob"]),
            )
            for s in result["segments"]
        ]
        info = TranscriptionInfo(language, 1.0, len(audio) / SAMPLE_RATE)
        return [s for s in segments if is_speech(s) and s.text], info

    def transcribe_many(self, requests: Sequence[TranscribeRequest]) -> list[Transcription]:
        return transcribe_each(self, requests)

    def detect_language(
        self, audio: Samples, among: Collection[str] = (), *, window: float | None = None
    ) -> tuple[str, float]:
        """``window`` is ignored: openai-whisper always encodes 30 s."""
        mel = whisper.log_mel_spectrogram(
            whisper.pad_or_trim(torch.from_numpy(audio)), self.model.dims.n_mels
        ).to(self.model.device)
        _, probabilities = self.model.detect_language(mel)
        return most_likely({str(c): float(p) for c, p in probabilities.items()}, among)
