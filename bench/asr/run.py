"""Speech benchmark: offline vs streaming WER, real-time factor, caption latency, memory and
translation latency, on the shared recordings and on statements spoken by espeak-ng.

    .venv/bin/python bench/asr/run.py [--threads 2] [--skip-espeak]

Streaming runs against a virtual clock: audio arrives in real time, 100 ms at a time, and
each ``feed`` call takes the compute time it really took; a caption's latency is the clock
when it comes out minus the stream time at which its last word ended.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from asr.audio import SAMPLE_RATE, Samples, decode_file
from asr.engines.faster import FasterWhisperTranscriber
from asr.results import Caption, CaptionKind
from asr.streaming import StreamingOptions, StreamingTranscriber
from asr.transcriber import EngineOptions, TranscribeOptions
from asr.vad import speech_spans
from asr.wer import normalised_words, word_error_rate
from bench.asr import translation

FRAME = SAMPLE_RATE // 10
# Streams are recognised as one of a conference's working languages, as the server does
# (Conference.languages): these cover the recordings and the statements.
WORKING_LANGUAGES = ("de", "en", "es", "fr")
REPO = Path(__file__).resolve().parents[2]

STATEMENTS = {
    "en": [
        "The delegation of Canada supports the amendment to article four.",
        "We request a short suspension of the meeting to consult our capital.",
        "The chair invites the representative of Brazil to take the floor.",
        "Our government cannot accept the proposed wording of paragraph two.",
        "We thank the secretariat for the preparation of this report.",
        "The committee will resume its work tomorrow morning at ten o'clock.",
    ],
    "es": [
        "La delegación de México apoya la propuesta del presidente.",
        "Solicitamos que el texto se someta a votación mañana.",
        "Agradecemos a la secretaría la preparación del informe.",
    ],
}


@dataclass(frozen=True)
class Item:
    name: str
    audio: Samples
    reference: str


@dataclass
class Results:
    offline_errors: list[float] = field(default_factory=list)
    streaming_errors: list[float] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    draft_latency: list[float] = field(default_factory=list)
    final_latency: list[float] = field(default_factory=list)  # utterance end → final text
    commit_latency: list[float] = field(default_factory=list)  # word end → committed
    offline_compute: float = 0.0
    streaming_compute: float = 0.0
    audio_seconds: float = 0.0


def shared_items() -> Iterator[Item]:
    folder = Path(os.environ.get("PLENARY_SHARED_DIR", REPO.parent / "shared")) / "fixtures/audio"
    if not (folder / "references.json").exists():
        print(f"(no shared recordings in {folder})")
        return
    references = json.loads((folder / "references.json").read_text())
    (jfk,) = decode_file(folder / "jfk.flac", mono=True)  # two nearly equal channels
    yield Item("jfk.flac", jfk, references["jfk.flac"]["segments"][0]["text"])
    (both,) = decode_file(folder / "multilingual.mp3")
    for part in references["multilingual.mp3"]["segments"]:
        audio = both[int(part["start"] * SAMPLE_RATE) : int(part["end"] * SAMPLE_RATE)]
        yield Item(f"multilingual.mp3 [{part['language']}]", audio, part["text"])
    channels = decode_file(folder / "stereo_diarization.wav")
    for audio, channel in zip(
        channels, references["stereo_diarization.wav"]["channels"], strict=True
    ):
        yield Item(f"stereo_diarization.wav ch{channel['channel']}", audio, channel["text"])


def espeak_items(folder: Path) -> Iterator[Item]:
    """Each language's statements as one stream, a second of silence after each."""
    if shutil.which("espeak-ng") is None:
        print("(espeak-ng not installed: no synthetic statements)")
        return
    gap = np.zeros(SAMPLE_RATE, np.float32)
    for language, statements in STATEMENTS.items():
        parts = []
        for index, text in enumerate(statements):
            path = folder / f"{language}{index}.wav"
            subprocess.run(["espeak-ng", "-v", language, "-w", str(path), text], check=True)
            parts += [decode_file(path)[0], gap]
        yield Item(f"espeak-ng {language}", np.concatenate(parts), " ".join(statements))


def stream_in_real_time(
    engine: FasterWhisperTranscriber, audio: Samples
) -> tuple[list[tuple[float, Caption]], float]:
    """Captions with the virtual time each came out, and the total compute time."""
    stream = StreamingTranscriber(engine, StreamingOptions(languages=WORKING_LANGUAGES))
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    now = compute = 0.0
    out: list[tuple[float, Caption]] = []
    for start in range(0, len(audio), FRAME):
        arrival = min(len(audio), start + FRAME) / SAMPLE_RATE
        now = max(now, arrival)
        began = time.perf_counter()
        captions = stream.feed(pcm[start * 2 : (start + FRAME) * 2])
        spent = time.perf_counter() - began
        now, compute = now + spent, compute + spent
        out += [(now, caption) for caption in captions]
    began = time.perf_counter()
    captions = stream.flush()
    spent = time.perf_counter() - began
    compute += spent
    out += [(now + spent, caption) for caption in captions]
    return out, compute


def measure(engine: FasterWhisperTranscriber, item: Item, results: Results) -> None:
    began = time.perf_counter()
    segments, _ = engine.transcribe(item.audio, TranscribeOptions())
    offline_compute = time.perf_counter() - began
    offline = word_error_rate(item.reference, " ".join(s.text for s in segments))
    captions, streaming_compute = stream_in_real_time(engine, item.audio)
    finals = [c for _, c in captions if c.kind == CaptionKind.FINAL]
    streaming = word_error_rate(item.reference, " ".join(c.text for c in finals))
    for at, caption in captions:
        final = caption.kind == CaptionKind.FINAL
        (results.commit_latency if final else results.draft_latency).append(at - caption.end)
    results.final_latency += utterance_latencies(item.audio, captions)
    seconds = len(item.audio) / SAMPLE_RATE
    results.offline_errors.append(offline)
    results.streaming_errors.append(streaming)
    results.words.append(len(normalised_words(item.reference)))
    results.offline_compute += offline_compute
    results.streaming_compute += streaming_compute
    results.audio_seconds += seconds
    print(
        f"{item.name:<28} {seconds:5.1f} s  WER offline {offline:6.1%}  streaming "
        f"{streaming:6.1%}  RTF offline {offline_compute / seconds:.2f} streaming "
        f"{streaming_compute / seconds:.2f}  finals {len(finals)}",
        flush=True,
    )


def utterance_latencies(audio: Samples, captions: list[tuple[float, Caption]]) -> list[float]:
    """For each utterance (speech followed by a pause long enough to end one), the time from
    its end to the final caption that carries its last word."""
    pause = StreamingOptions().end_silence
    latencies = []
    for span in speech_spans(audio, min_silence=pause):
        done = [at for at, c in captions if c.kind == CaptionKind.FINAL and c.end >= span.end - 0.5]
        if done:
            latencies.append(min(done) - span.end)
    return latencies


def percentiles(values: list[float]) -> str:
    if not values:
        return "none"
    p50, p95 = np.percentile(values, [50, 95])
    return f"p50 {p50:.2f} s  p95 {p95:.2f} s  max {max(values):.2f} s  (n={len(values)})"


def weighted(errors: list[float], words: list[int]) -> float:
    return sum(e * n for e, n in zip(errors, words, strict=True)) / max(1, sum(words))


def report(results: Results) -> None:
    offline = weighted(results.offline_errors, results.words)
    streaming = weighted(results.streaming_errors, results.words)
    print("\n== Speech (Whisper base, int8, CPU)")
    ratio = streaming / offline if offline else float("inf")
    print(f"WER offline {offline:.1%}  streaming {streaming:.1%}  ratio {ratio:.2f} (target ≤ 1.1)")
    print(
        f"RTF offline {results.offline_compute / results.audio_seconds:.2f}  streaming "
        f"{results.streaming_compute / results.audio_seconds:.2f}"
    )
    print(f"draft latency  {percentiles(results.draft_latency)}")
    print(f"final latency  {percentiles(results.final_latency)}  (target p50 ≤ 1.5, p95 ≤ 2.5)")
    print("  (end of an utterance → its final text; words committed by agreement while the")
    print(f"  speaker goes on: {percentiles(results.commit_latency)} after the word)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS) {peak:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-espeak", action="store_true")
    args = parser.parse_args()
    engine = FasterWhisperTranscriber(EngineOptions(cpu_threads=args.threads))
    results = Results()
    with tempfile.TemporaryDirectory() as folder:
        items = list(shared_items())
        if not args.skip_espeak:
            items += espeak_items(Path(folder))
        for item in items:
            measure(engine, item, results)
    report(results)
    translation.main()


if __name__ == "__main__":
    main()
