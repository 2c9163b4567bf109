"""Where the speech is: Silero VAD (the ONNX model that faster-whisper ships)."""

from dataclasses import dataclass

from faster_whisper.vad import VadOptions, get_speech_timestamps

from .audio import SAMPLE_RATE, Samples


@dataclass(frozen=True)
class SpeechSpan:
    start: float  # seconds from the start of the audio given
    end: float


def speech_spans(
    audio: Samples, *, threshold: float = 0.5, min_silence: float = 0.3
) -> list[SpeechSpan]:
    options = VadOptions(
        threshold=threshold,
        min_speech_duration_ms=200,
        min_silence_duration_ms=int(min_silence * 1000),
        speech_pad_ms=100,
    )
    return [
        SpeechSpan(span["start"] / SAMPLE_RATE, span["end"] / SAMPLE_RATE)
        for span in get_speech_timestamps(audio, options)
    ]
