"""Decodes run as batches (asr/engines/batching.py) give what each gives alone: the real
Whisper base on real speech."""

import threading
from pathlib import Path

import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, Samples, decode_file
from asr.engines.faster import FasterWhisperTranscriber
from asr.results import Segment
from asr.transcriber import TranscribeOptions, TranscribeRequest

pytestmark = [pytest.mark.slow]


def seconds(audio: Samples, start: float, end: float) -> Samples:
    return audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]


def live(language: str | None, beam_size: int, **options: object) -> TranscribeOptions:
    """Options as live captions decode (a short window, no fallback, a token limit)."""
    return TranscribeOptions(
        language=language,
        beam_size=beam_size,
        min_window=0.0,
        temperature_fallback=False,
        max_tokens=80,
        prompt=str(options.get("prompt")) if options.get("prompt") else None,
    )


def requests(recordings: Path) -> list[TranscribeRequest]:
    """Drafts and final passes of several streams due at once: English and German speech,
    pieces of about the same length (they share a window) and of others, greedy and beam,
    language given and detected, with and without a prompt."""
    (jfk,) = decode_file(recordings / "jfk.flac", mono=True)
    (licence,) = decode_file(recordings / "multilingual.mp3", mono=True)
    return [
        TranscribeRequest(seconds(jfk, 0.0, 4.2), live("en", 1)),
        TranscribeRequest(seconds(jfk, 0.3, 4.6), live("en", 1), offset=12.0),
        TranscribeRequest(seconds(licence, 2.0, 6.0), live(None, 1)),
        TranscribeRequest(seconds(licence, 31.0, 35.4), live("de", 1)),
        TranscribeRequest(seconds(jfk, 0.0, 11.0), live("en", 3)),
        TranscribeRequest(seconds(licence, 33.0, 39.5), live("de", 3, prompt="Lizenz.")),
    ]


def same(alone: list[Segment], batched: list[Segment]) -> None:
    """The same text, language and word times; probabilities to float precision."""
    assert [(s.text, s.language, s.start, s.end) for s in batched] == [
        (s.text, s.language, s.start, s.end) for s in alone
    ]
    for one, many in zip(alone, batched, strict=True):
        assert [(w.text, w.start, w.end) for w in many.words] == [
            (w.text, w.start, w.end) for w in one.words
        ]
        assert [w.probability for w in many.words] == pytest.approx(
            [w.probability for w in one.words], abs=1e-4
        )
        assert many.avg_logprob == pytest.approx(one.avg_logprob, abs=1e-4)
        assert many.no_speech_prob == pytest.approx(one.no_speech_prob, abs=1e-4)


def test_a_batch_transcribes_as_each_alone(
    engine: FasterWhisperTranscriber, recordings: Path
) -> None:
    due = requests(recordings)
    alone = [engine.transcribe(r.audio, r.options, offset=r.offset) for r in due]
    batches, calls = engine.batches.batches, engine.batches.calls
    batched = engine.transcribe_many(due)
    for (segments, info), result in zip(alone, batched, strict=True):
        assert segments, "each piece is speech"
        same(segments, result.segments)
        assert result.info.language == info.language
    # The model ran fewer batches than the decodes made calls: they shared them.
    assert engine.batches.batches - batches < engine.batches.calls - calls


def test_one_bad_call_fails_alone(engine: FasterWhisperTranscriber, recordings: Path) -> None:
    """Calls that share a batch, one of them bad (a prompt with no start of transcript): the
    batch is run again call by call, so the good one gets its result and only the bad one
    fails."""
    (jfk,) = decode_file(recordings / "jfk.flac", mono=True)
    features = engine.model.feature_extractor(seconds(jfk, 0.0, 4.0))[..., :-1][:, :600]
    model = engine.batches
    tokenizer = engine.model.hf_tokenizer
    start = [
        tokenizer.token_to_id(t) for t in ("<|startoftranscript|>", "<|en|>", "<|transcribe|>")
    ]
    prompts = {"good": start, "bad": [start[1], start[2], start[2]]}
    outcome: dict[str, object] = {}
    arrived = threading.Barrier(2)

    def decode(name: str) -> None:
        with model.decoding():
            arrived.wait()
            encoded = model.encode(np.ascontiguousarray(features[None]))
            try:
                (result,) = model.generate(encoded, [prompts[name]], beam_size=1, max_length=40)
                outcome[name] = tokenizer.decode(result.sequences_ids[0])
            except Exception as exc:
                outcome[name] = exc

    threads = [threading.Thread(target=decode, args=(name,)) for name in prompts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert isinstance(outcome["bad"], ValueError)
    assert "startoftranscript" in str(outcome["bad"])
    assert "fellow Americans" in str(outcome["good"])
