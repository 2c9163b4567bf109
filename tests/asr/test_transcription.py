"""Offline and streaming transcription with the real Whisper base on real recordings and on
speech made by espeak-ng."""

import itertools
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from asr.audio import OpusChunkDecoder, decode_file
from asr.engines.faster import FasterWhisperTranscriber
from asr.errors import AudioError, EmptyAudio, OddByteCount, UndecodableAudio, WrongSampleRate
from asr.results import Caption, CaptionKind, Word
from asr.streaming import (
    MIN_TOKENS,
    TOKENS_PER_SECOND,
    StreamingOptions,
    StreamingTranscriber,
    repetition_guard,
)
from asr.transcriber import TranscribeOptions
from asr.wer import word_error_rate

from .conftest import FRAME, encode_opus, final_text, finals, silence, speak, stream, to_pcm

pytestmark = [pytest.mark.slow]


def test_jfk_offline(
    engine: FasterWhisperTranscriber, recordings: Path, references: dict[str, Any]
) -> None:
    (audio,) = decode_file(recordings / "jfk.flac", mono=True)
    segments, info = engine.transcribe(audio, TranscribeOptions())
    assert info.language == "en"
    reference = references["jfk.flac"]["segments"][0]["text"]
    assert word_error_rate(reference, " ".join(s.text for s in segments)) <= 0.10
    words = [w for s in segments for w in s.words]
    assert all(0 <= a.start <= b.start for a, b in itertools.pairwise(words))


def test_jfk_streaming_drafts_then_finals_in_stream_time(
    engine: FasterWhisperTranscriber, recordings: Path, references: dict[str, Any]
) -> None:
    (audio,) = decode_file(recordings / "jfk.flac", mono=True)
    transcriber = StreamingTranscriber(engine, clock=lambda: 0.0)  # drafts never cost time
    pcm = to_pcm(np.concatenate([silence(2.0), audio]))
    emitted: list[tuple[float, Caption]] = []
    for offset in range(0, len(pcm), FRAME):
        emitted += [
            (transcriber.received, c) for c in transcriber.feed(pcm[offset : offset + FRAME])
        ]
    emitted += [(transcriber.received, c) for c in transcriber.flush()]
    captions = [c for _, c in emitted]
    reference = references["jfk.flac"]["segments"][0]["text"]
    assert word_error_rate(reference, final_text(captions)) <= 0.15
    final = finals(captions)
    assert all(a.end <= b.start + 0.5 for a, b in itertools.pairwise(final))
    assert final[0].start >= 2.0 and final[-1].end <= 13.1  # times from the stream's start
    assert any(c.kind == CaptionKind.DRAFT for c in captions)
    # Drafts come once a second of speech; a pause between utterances adds its own length.
    during_speech = [at for at, _ in emitted if 3.0 <= at <= 12.0]
    assert max(b - a for a, b in itertools.pairwise([3.0, *during_speech, 12.0])) <= 2.2


def test_a_language_switch_is_transcribed_not_translated_and_the_buffer_stays_bounded(
    engine: FasterWhisperTranscriber, recordings: Path, references: dict[str, Any]
) -> None:
    (audio,) = decode_file(recordings / "multilingual.mp3")
    transcriber = StreamingTranscriber(engine, clock=lambda: 0.0)
    pcm = to_pcm(audio)
    captions: list[Caption] = []
    longest = 0.0
    for offset in range(0, len(pcm), FRAME):
        captions += transcriber.feed(pcm[offset : offset + FRAME])
        longest = max(longest, transcriber.buffered)
    captions = finals(captions + transcriber.flush())
    en_segment, de_segment = references["multilingual.mp3"]["segments"]
    switch = de_segment["start"]  # 30.0 s (German's first word was once placed at 30.98 s)
    english = [c for c in captions if c.end <= switch]
    german = [c for c in captions if c.start >= switch]
    assert english and german
    assert len(english) + len(german) == len(captions)  # no caption straddles the switch
    assert {c.language for c in english} == {"en"}
    assert {c.language for c in german} == {"de"}
    en_ref, de_ref = en_segment["text"], de_segment["text"]
    assert word_error_rate(en_ref, " ".join(c.text for c in english)) <= 0.2
    assert word_error_rate(de_ref, " ".join(c.text for c in german)) <= 0.5
    assert longest <= 30.0


def test_each_channel_of_a_stereo_recording(
    engine: FasterWhisperTranscriber, recordings: Path, references: dict[str, Any]
) -> None:
    channels = decode_file(recordings / "stereo_diarization.wav")
    expected = references["stereo_diarization.wav"]["channels"]
    assert len(channels) == len(expected) == 2
    for audio, reference in zip(channels, expected, strict=True):
        segments, info = engine.transcribe(audio, TranscribeOptions())
        assert info.language == reference["language"]
        assert word_error_rate(reference["text"], " ".join(s.text for s in segments)) <= 0.25


def test_english_from_a_browser_recording_and_spanish_from_pcm(
    engine: FasterWhisperTranscriber, tmp_path: Path
) -> None:
    english = speak(
        "The delegation of Canada supports the amendment to article four.", "en", tmp_path
    )
    webm = encode_opus(np.concatenate([english, silence(1.0)]), "webm")
    decoder, transcriber = OpusChunkDecoder(), StreamingTranscriber(engine, clock=lambda: 0.0)
    captions: list[Caption] = []
    for offset in range(0, len(webm), 1000):  # MediaRecorder-sized chunks, header first only
        captions += transcriber.feed_samples(decoder.decode(webm[offset : offset + 1000]))
    captions += transcriber.flush()
    assert {c.language for c in finals(captions)} == {"en"}
    reference = "the delegation of canada supports the amendment to article four"
    assert word_error_rate(reference, final_text(captions)) <= 0.25

    spanish = speak("La delegación de España apoya la propuesta del presidente.", "es", tmp_path)
    captions = stream(engine, np.concatenate([spanish, silence(1.0)]))
    assert captions and {c.language for c in finals(captions)} == {"es"}
    reference = "la delegación de españa apoya la propuesta del presidente"
    assert word_error_rate(reference, final_text(captions)) <= 0.5


def test_silence_and_noise_give_no_captions(engine: FasterWhisperTranscriber) -> None:
    rng = np.random.default_rng(7)
    white = (rng.standard_normal(16000 * 5) * 0.05).astype(np.float32)
    hum = (0.3 * np.sin(2 * np.pi * 50 * np.arange(16000 * 5) / 16000)).astype(np.float32)
    clicks = np.zeros(16000 * 5, np.float32)
    clicks[::4000] = 0.9
    for audio in (silence(5.0), white, hum, clicks):
        assert stream(engine, audio) == []


def test_bad_input_is_refused_and_the_stream_goes_on(
    engine: FasterWhisperTranscriber, tmp_path: Path
) -> None:
    audio = speak("We agree with the text of this paragraph.", "en", tmp_path)
    transcriber = StreamingTranscriber(engine, StreamingOptions(language="en"), clock=lambda: 0.0)
    pcm = to_pcm(np.concatenate([audio, silence(1.0)]))
    captions = transcriber.feed(pcm[:FRAME])
    bad: list[tuple[bytes, int, type[AudioError]]] = [
        (b"\x00\x01\x02", 16000, OddByteCount),
        (b"", 16000, EmptyAudio),
        (pcm[FRAME : 2 * FRAME], 44100, WrongSampleRate),
    ]
    for frame, rate, error in bad:
        with pytest.raises(error):
            transcriber.feed(frame, sample_rate=rate)
    assert transcriber.received == 0.1
    for offset in range(FRAME, len(pcm), FRAME):
        captions += transcriber.feed(pcm[offset : offset + FRAME])
    captions += transcriber.flush()
    assert word_error_rate("we agree with the text of this paragraph", final_text(captions)) <= 0.3
    with pytest.raises(UndecodableAudio):
        OpusChunkDecoder().decode(b"garbage bytes that are not a recording")


def test_repetition_guard_cuts_a_loop() -> None:
    loop = [Word(i, i + 1, w) for i, w in enumerate(["thank", "you"] * 5)]
    assert [w.text for w in repetition_guard(loop)] == ["thank", "you"]
    plain = [Word(0, 1, "ask"), Word(1, 2, "not"), Word(2, 3, "not")]
    assert repetition_guard(plain) == plain


class _CountingWhisper:
    """The real CTranslate2 model, telling how many tokens each of its decodes generated."""

    def __init__(self, model: object) -> None:
        self.model = model
        self.generated: list[int] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.model, name)

    def generate(self, *args: object, **kwargs: object) -> list[Any]:
        results: list[Any] = self.model.generate(*args, **kwargs)  # type: ignore[attr-defined]
        self.generated += [len(result.sequences_ids[0]) for result in results]
        return results


def test_a_token_limit_ends_a_decode_and_fits_beside_any_prompt(
    engine: FasterWhisperTranscriber, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``max_tokens`` ends each decode there: over faint noise Whisper may loop ("I'm sorry,
    I'm sorry, …") to its own limit, which took 147 s at beam 5 on a busy machine (whether it
    loops varies with the machine, so the limit is counted on speech, whose rest faster-whisper
    decodes in the next call). The limit streams give leaves speech whole, and a limit that a
    long prompt and hotwords leave no room for is cut to fit."""
    options = TranscribeOptions(language="en", temperature_fallback=False)
    said = (
        "The delegation of Norway thanks the facilitators for their courageous work and "
        "supports the revised text as a basis for negotiation."
    )
    audio = speak(said, "en", tmp_path)
    counting = _CountingWhisper(engine.batches.model)
    monkeypatch.setattr(engine.batches, "model", counting)
    whole, _ = engine.transcribe(audio, options)
    assert max(counting.generated) > 16
    counting.generated.clear()
    engine.transcribe(audio, replace(options, max_tokens=12))
    assert max(counting.generated) <= 16  # the limit, rounded up to a step of 16 tokens
    assert word_error_rate(said, " ".join(s.text for s in whole)) <= 0.2
    streaming_limit = MIN_TOKENS + int(TOKENS_PER_SECOND * len(audio) / 16000)
    limited, _ = engine.transcribe(audio, replace(options, max_tokens=streaming_limit))
    assert [s.text for s in limited] == [s.text for s in whole]
    crowded = replace(
        options,
        prompt=" ".join(["the chair thanks the delegations"] * 60)[-200:],  # as streams give
        hotwords=" ".join(["Norway facilitators courageous"] * 80),
        max_tokens=400,
    )
    segments, _ = engine.transcribe(audio, crowded)  # not refused
    assert "Norway" in " ".join(s.text for s in segments)
    # A long conference term base as hotwords beside a full prompt: each alone fits, both
    # overflowed Whisper's 448 positions (CTranslate2 failed the decode).
    overflowing = replace(
        options,
        prompt=" ".join(["the chair thanks the delegations"] * 200),
        hotwords=" ".join(["Norway facilitators courageous"] * 200),
    )
    segments, _ = engine.transcribe(audio, overflowing)
    assert "Norway" in " ".join(s.text for s in segments)
