"""End-to-end caption accuracy and latency (run by hand; loopback only; bounded in time).

    .venv/bin/python bench/captions/run.py [--runs 5] [--statements 4] [--set own|short]

Each run: a fresh ``plenary serve`` (embedded recognition: real Whisper base, Apertium;
the recogniser loaded and warmed as it starts, the microphone turned on once ``/readyz``
says ready) and two Debian Chromium pages: the speaker's, whose fake microphone plays a
48 kHz WAV of espeak-ng statements in English and Spanish with pauses between them (then a
1 kHz and an 11 kHz probe tone), and a listener's, who reads Spanish. It reports:

* **accuracy**: the word error rate of the finals the listener ends with (each settled
  text in place of the pieces it replaced) against the statements' text, per run, with
  the offline WER of the same audio by the same model beside it (each statement decoded
  whole, beam 5: of the WAV, and of the browser's capture as the server stored it), the
  median and worst run and their ratio to offline. Whisper's text moves with where its
  audio is cut (a few ms either way turns "encourages" into "and courageous"), and a live
  utterance's cut is wherever the VAD put it: offline is the mean over ``CUTS``, its range
  printed beside it, not one cut's luck;
* **latency**: from the end of each statement at the microphone to the final that holds
  its last word (a settled text, or a plain final), and from a final to its Spanish
  translation (English statements). Both pages run on this machine, so their clocks agree;
* **the browser's audio path**: the capture's level against the WAV resampled offline to
  16 kHz by PyAV (libswresample), and what the 11 kHz tone aliased to (a resampler
  without a proper low-pass folds it to 5 kHz).
"""

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import av
import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from asr import SAMPLE_RATE, TranscribeOptions, Transcriber, decode_file  # noqa: E402
from asr.wer import word_error_rate  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, log_in_with_the_form  # noqa: E402
from tests.support.audio import aligned, lag, level_db, similarity  # noqa: E402
from tests.support.captions import read_finals  # noqa: E402
from tests.support.server import ServerProcess  # noqa: E402

# Statements the project's tests never use, long enough for drafts to commit pieces.
OWN = [
    (
        "en",
        "On operative paragraph five, we propose to replace the word encourages with the "
        "words calls upon, and we ask that this proposal be reflected in brackets.",
    ),
    (
        "es",
        "Nuestra delegación considera que el párrafo siete debe mencionar la financiación "
        "de la adaptación y pide que se mantenga entre corchetes.",
    ),
    (
        "en",
        "The delegation of Norway thanks the facilitators for their courageous work and "
        "supports the revised text as a basis for negotiation.",
    ),
    (
        "es",
        "Solicitamos a la secretaría que prepare una nota informativa sobre las "
        "consecuencias presupuestarias antes de la próxima sesión.",
    ),
]
STATEMENTS = [
    ("en", "The delegation of Canada supports the amendment to article four."),
    ("es", "La delegación de México apoya la propuesta del presidente."),
    ("en", "We request a short suspension of the meeting to consult our capital."),
    ("es", "Solicitamos que el texto se someta a votación mañana."),
    ("en", "Our government cannot accept the proposed wording of paragraph two."),
    ("es", "Agradecemos a la secretaría la preparación del informe."),
    ("en", "We thank the secretariat for the preparation of this report."),
    ("es", "El grupo africano pide más fondos para la adaptación."),
    ("en", "The committee will resume its work tomorrow morning at ten o'clock."),
    ("es", "Nuestra delegación no puede aceptar el párrafo tres."),
    ("en", "Kenya asks that the new fund be ready by the end of next year."),
    ("es", "España da las gracias a la presidencia por su trabajo."),
]
SETS = {"own": OWN, "short": STATEMENTS, "all": OWN + STATEMENTS}
PAUSE = 1.5  # seconds of silence after each statement
# Offline, each statement is cut this much later than 0.3 s before it starts (seconds).
CUTS = (0.0, 0.01, 0.03, 0.05, 0.1)
WAV_RATE = 48000  # the microphone WAV's rate: the browser resamples it to 16 kHz
PROBE = 0.3  # amplitude of each probe tone, for one second
PROBES = (1000.0, 11000.0)  # Hz: a level reference, and a tone above 16 kHz's Nyquist
QUIET = 60.0  # after the WAV has played: no caption event for this long ends a run …
LONGEST = 600.0  # … or this long after the microphone was turned on
Event = dict[str, Any]  # a caption event as the listener's page applied it, with "at" (ms)
SPEAKER = "Mr. David Otieno (Kenya)"

# Recorded on the listener's page: every caption event as it is applied, with Date.now().
LISTENER_PROBE = """
window.__captions = [];
const attach = () => {
  if (!window.plenaryRoom) return setTimeout(attach, 50);
  window.plenaryRoom.addEventListener("change", (e) => {
    for (const ev of e.detail.events) {
      if (ev.type.startsWith("caption.")) window.__captions.push({ at: Date.now(), ...ev });
    }
  });
};
attach();
"""
# On the speaker's page: when the fake microphone starts playing the WAV.
SPEAKER_PROBE = """
const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  const stream = await original(constraints);
  window.__micStarted = Date.now();
  return stream;
};
"""


@dataclass(frozen=True)
class Statement:
    language: str
    text: str
    starts_at: float  # seconds into the WAV
    ends_at: float


@dataclass(frozen=True)
class Microphone:
    wav: Path  # at WAV_RATE
    statements: list[Statement]
    probes_at: float  # seconds into the WAV: one second of each probe tone from here


def espeak(text: str, voice: str, folder: Path) -> np.ndarray:
    """``text`` spoken by espeak-ng, resampled to WAV_RATE by PyAV."""
    path = folder / f"s{abs(hash(text))}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(path), text], check=True)
    resampler = av.AudioResampler(format="flt", layout="mono", rate=WAV_RATE)
    chunks = []
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            chunks += [f.to_ndarray()[0] for f in resampler.resample(frame)]
    chunks += [f.to_ndarray()[0] for f in resampler.resample(None)]
    return np.concatenate(chunks).astype(np.float32)


def microphone_wav(statement_set: list[tuple[str, str]], count: int, folder: Path) -> Microphone:
    pieces = [np.zeros(WAV_RATE, np.float32)]
    statements = []
    at = 1.0
    for language, text in (statement_set * 3)[:count]:
        samples = espeak(text, language, folder)
        statements.append(Statement(language, text, at, at + len(samples) / WAV_RATE))
        pieces += [samples, np.zeros(int(PAUSE * WAV_RATE), np.float32)]
        at += len(samples) / WAV_RATE + PAUSE
    tone = np.arange(WAV_RATE) / WAV_RATE
    for frequency in PROBES:
        pieces += [(PROBE * np.sin(2 * np.pi * frequency * tone)).astype(np.float32)]
        pieces += [np.zeros(WAV_RATE // 2, np.float32)]
    pieces.append(np.zeros(3 * WAV_RATE, np.float32))
    path = folder / "microphone.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(WAV_RATE)
        out.writeframes((np.clip(np.concatenate(pieces), -1, 1) * 32767).astype("<i2").tobytes())
    return Microphone(path, statements, at)


def enter(page: Page, url: str, user: str) -> None:
    log_in_with_the_form(page, url, user)
    page.get_by_role("link", name="1st plenary meeting").click()
    page.get_by_test_id("connection").filter(has_text="Live").wait_for()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(name: str, values: list[float]) -> str:
    if not values:
        return f"{name:<44} no samples"
    return (
        f"{name:<44} n={len(values):<3} p50 {percentile(values, 0.5):5.2f} s   "
        f"p95 {percentile(values, 0.95):5.2f} s   max {max(values):5.2f} s"
    )


@dataclass(frozen=True)
class Run:
    heard: str  # the finals read, joined
    live_wer: float
    capture_wer: float  # offline, of the browser's capture as stored (the mean over CUTS)
    final_latency: list[float]
    translation_delay: list[float]
    missing: list[str]
    level_db: float  # the capture's speech level against the WAV resampled offline
    similarity: float  # the capture's correlation with the WAV resampled offline
    alias_db: float  # the 11 kHz tone's alias at 5 kHz against the 1 kHz tone, in the capture


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="fresh servers, one after another")
    parser.add_argument("--statements", type=int, default=4)
    parser.add_argument("--set", choices=SETS, default="own")
    parser.add_argument("--keep", action="store_true", help="keep the WAV, captures and logs")
    args = parser.parse_args()
    if shutil.which("espeak-ng") is None or not Path(CHROMIUM).exists():
        raise SystemExit("needs espeak-ng and Debian's chromium (make test installs both)")
    folder = Path(tempfile.mkdtemp(prefix="plenary-bench-captions-"))
    statement_set = SETS[args.set]
    microphone = microphone_wav(statement_set, args.statements, folder)
    os.environ.setdefault("PLENARY_DATA_DIR", str(folder / "models"))  # the bundled model
    engine = offline_engine()
    wav = decode_file(microphone.wav, mono=True)[0]
    cuts = offline_wers(engine, wav, microphone.statements)
    offline = statistics.mean(cuts)
    print(
        f"offline WER of the WAV (same model, each statement whole, beam 5): {offline:.3f}, "
        f"the mean over {len(cuts)} cuts ({min(cuts):.3f} to {max(cuts):.3f})",
        flush=True,
    )
    runs = []
    for number in range(args.runs):
        runs.append(one_run(folder / f"run-{number}", microphone, engine))
        print(summary(number, runs[-1], offline), flush=True)
    report(runs, offline, os.getloadavg())
    if args.keep:
        print(f"kept in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


def offline_engine() -> Transcriber:
    from asr.engines.faster import FasterWhisperTranscriber
    from asr.transcriber import EngineOptions

    return FasterWhisperTranscriber(EngineOptions(cpu_threads=os.cpu_count() or 1))


def offline_wers(
    engine: Transcriber, audio: np.ndarray, statements: list[Statement]
) -> list[float]:
    """For each of ``CUTS``: each statement cut from ``audio`` (16 kHz; from 0.3 s before it,
    less the cut, to 0.3 s after) and decoded whole, in the language detected among the
    statements', beam 5; the WER of all of them."""
    languages = sorted({s.language for s in statements})
    reference = " ".join(s.text for s in statements)
    wers = []
    for later in CUTS:
        heard = []
        for statement in statements:
            start = max(0, int((statement.starts_at - 0.3 + later) * SAMPLE_RATE))
            cut = audio[start : int((statement.ends_at + 0.3) * SAMPLE_RATE)]
            language, _ = engine.detect_language(cut, languages)
            segments, _ = engine.transcribe(cut, TranscribeOptions(language=language))
            heard.append(" ".join(s.text for s in segments))
        wers.append(word_error_rate(reference, " ".join(heard)))
    return wers


def one_run(folder: Path, microphone: Microphone, engine: Transcriber) -> Run:
    (folder / "data").mkdir(parents=True)
    server = ServerProcess(folder / "data", {"PLENARY_ASR_PRELOAD": "1"})
    server.prepare()
    server.start()
    try:
        server.wait_until_ready()
        seconds = microphone.probes_at + 2 * len(PROBES) + 3
        events, mic_started = run_pages(server, microphone.wav, seconds)
    finally:
        server.stop()
    # A WAV from the audio socket, or the Ogg Opus of the RTP path (the room page's WebRTC).
    (capture_path,) = (folder / "data" / "recordings").rglob("turn-*")
    capture = decode_file(capture_path, mono=True)[0]
    wav = decode_file(microphone.wav, mono=True)[0]
    # Finals carry the recording's clock: its start as stored, where the capture's first
    # sample is. Over WebRTC that sample comes seconds after the microphone began: put the
    # finals on the microphone's clock (the WAV's time of the capture's first sample).
    first_sample_ms = mic_started + 1000 * lag(wav, capture) / SAMPLE_RATE
    skew_ms = recording_started_ms(folder / "data") - first_sample_ms
    return measure(microphone, events, mic_started, wav, aligned(wav, capture), engine, skew_ms)


def recording_started_ms(data: Path) -> float:
    """When the bench's recording (the one turn with a recording in Ogg, or the last) began,
    as the server stored it (UTC)."""
    with sqlite3.connect(data / "plenary.sqlite3") as db:
        (started,) = db.execute(
            "SELECT started_at FROM captions_recording ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return datetime.fromisoformat(f"{started}+00:00").timestamp() * 1000


def spoken_finals(
    microphone: Microphone, events: list[Event], mic_started: int, skew_ms: float = 0.0
) -> list[Event]:
    """The finals of the statements: not those of the probe tones after the last statement
    (Whisper hears "No," in a tone)."""
    spoken_until = mic_started + skew_ms + (microphone.statements[-1].ends_at + 0.5) * 1000
    return [
        e
        for e in events
        if e["type"] == "caption.final" and iso_ms(e["data"]["start"]) < spoken_until
    ]


def final_latencies(
    microphone: Microphone, read: list[Event], mic_started: int, skew_ms: float = 0.0
) -> tuple[list[float], list[str]]:
    """From the end of each statement at the microphone to the arrival of the final that
    holds its last word (seconds), among the finals ``read`` (``read_finals``: each settled
    text in place of the pieces it replaced; their times ``skew_ms`` ahead of the
    microphone's clock); and the statements no final ended with."""
    final_latency: list[float] = []
    missing: list[str] = []
    for statement in microphone.statements:
        end_ms = mic_started + statement.ends_at * 1000
        within = [f for f in read if abs(iso_ms(f["data"]["end"]) - skew_ms - end_ms) < 1200]
        if not within:
            missing.append(statement.text)
            continue
        final_latency.append((max(f["at"] for f in within) - end_ms) / 1000)
    return final_latency, missing


def measure(
    microphone: Microphone,
    events: list[Event],
    mic_started: int,
    wav: np.ndarray,
    capture: np.ndarray,
    engine: Transcriber,
    skew_ms: float = 0.0,
) -> Run:
    finals = spoken_finals(microphone, events, mic_started, skew_ms)
    read = read_finals(finals)
    reference = " ".join(s.text for s in microphone.statements)
    arrived = {e["data"]["segment"]: e["at"] for e in finals}
    final_latency, missing = final_latencies(microphone, read, mic_started, skew_ms)
    translation_delay = [
        (e["at"] - arrived[e["data"]["segment"]]) / 1000
        for e in events
        if e["type"] == "caption.translation" and e["data"]["segment"] in arrived
    ]
    heard = " ".join(f["data"]["text"] for f in read)
    return Run(
        heard=heard,
        live_wer=word_error_rate(reference, heard),
        capture_wer=statistics.mean(offline_wers(engine, capture, microphone.statements)),
        final_latency=final_latency,
        translation_delay=translation_delay,
        missing=missing,
        level_db=level_db(wav, capture),
        similarity=similarity(wav, capture),
        alias_db=alias_db(capture, microphone.probes_at),
    )


def iso_ms(value: str) -> float:
    return datetime.fromisoformat(value).timestamp() * 1000


def alias_db(capture: np.ndarray, probes_at: float) -> float:
    """The 11 kHz probe's energy at its alias (16 kHz - 11 kHz = 5 kHz) against the 1 kHz
    probe's energy at 1 kHz, in dB (a clean low-pass: far below -40)."""

    def band(start: float, frequency: float) -> float:
        cut = capture[int((start + 0.25) * SAMPLE_RATE) : int((start + 0.75) * SAMPLE_RATE)]
        spectrum = np.abs(np.fft.rfft(cut * np.hanning(len(cut))))
        bins = np.fft.rfftfreq(len(cut), 1 / SAMPLE_RATE)
        return float(spectrum[np.abs(bins - frequency) < 50].max()) + 1e-9

    reference = band(probes_at, PROBES[0])
    alias = band(probes_at + 1.5, SAMPLE_RATE - PROBES[1])
    return 20 * float(np.log10(alias / reference))


def run_pages(
    server: ServerProcess, wav: Path, seconds: float, speaker_script: str = ""
) -> tuple[list[Event], int]:
    """The chair gives the floor to Kenya, whose fake microphone plays ``wav``; Spain's
    caption events (with their arrival time) and when Kenya's microphone started.
    ``speaker_script`` runs first on Kenya's page (e.g. to take WebRTC away)."""
    fake_microphone = [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}%noloop",
    ]
    with sync_playwright() as playwright:
        listeners = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        speakers = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *fake_microphone]
        )
        chair, spain = listeners.new_page(), listeners.new_page()
        spain.add_init_script(LISTENER_PROBE)
        kenya = speakers.new_page()
        kenya.add_init_script(speaker_script + SPEAKER_PROBE)
        enter(chair, server.url, "chair")
        enter(spain, server.url, "spain")
        enter(kenya, server.url, "kenya")
        kenya.get_by_role("button", name="Request the floor").click()
        chair.get_by_role("button", name=f"Give floor to {SPEAKER}").click()
        kenya.get_by_role("button", name="Turn my microphone on").click()
        kenya.get_by_test_id("mic-status").filter(has_text="microphone is on").wait_for()
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            spain.wait_for_timeout(1000)
        # A busy machine may still be recognising: wait until the captions stop coming.
        count, quiet_since = -1, time.monotonic()
        while time.monotonic() - quiet_since < QUIET and time.monotonic() - started < LONGEST:
            spain.wait_for_timeout(1000)
            now: int = spain.evaluate("window.__captions.length")
            if now != count:
                count, quiet_since = now, time.monotonic()
        kenya.get_by_role("button", name="Turn my microphone off").click()
        spain.wait_for_timeout(2000)  # the recording is closed and stored
        events: list[Event] = spain.evaluate("window.__captions")
        mic_started: int = kenya.evaluate("window.__micStarted")
        listeners.close()
        speakers.close()
    return events, mic_started


def summary(number: int, run: Run, offline: float) -> str:
    ratio = run.live_wer / offline if offline else float("inf")
    same = run.live_wer / run.capture_wer if run.capture_wer else float("inf")
    latency = percentile(run.final_latency, 0.95) if run.final_latency else float("nan")
    return (
        f"run {number + 1}: live WER {run.live_wer:.3f} ({ratio:.2f}x the WAV offline, "
        f"{same:.2f}x its capture offline: {run.capture_wer:.3f}), final p95 {latency:.2f} s, "
        f"level {run.level_db:+.1f} dB, correlation {run.similarity:.3f}, alias "
        f"{run.alias_db:.0f} dB, missing {len(run.missing)}\n"
        f"  final after each statement's end: "
        + " ".join(f"{x:.2f}" for x in run.final_latency)
        + f" s\n  heard: {run.heard}"
    )


def report(runs: list[Run], offline: float, load: tuple[float, float, float]) -> None:
    live = [r.live_wer for r in runs]
    print(f"\n{len(runs)} runs; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"offline WER of the WAV (the mean over its cuts): {offline:.3f}")
    print("offline WER of the browser captures: " + " ".join(f"{r.capture_wer:.3f}" for r in runs))
    print(
        "live WER against its capture's offline, per run: "
        + " ".join(f"{r.live_wer / r.capture_wer:.2f}x" for r in runs if r.capture_wer)
    )
    print("live WER of the finals read, per run: " + " ".join(f"{w:.3f}" for w in live))
    median, worst = statistics.median(live), max(live)
    spread = statistics.pstdev(live)
    ratio = (lambda w: w / offline) if offline else (lambda w: float("inf") if w else 1.0)
    print(
        f"median {median:.3f} ({ratio(median):.2f}x offline; target ≤ 1.1x), worst {worst:.3f} "
        f"({ratio(worst):.2f}x; target ≤ 1.5x), spread (sd) {spread:.3f}"
    )
    print(
        line("utterance end → final caption (listener)", [x for r in runs for x in r.final_latency])
    )
    print(
        line("final → its translation (listener)", [x for r in runs for x in r.translation_delay])
    )
    print("targets: final p95 ≤ 2.5 s; translation ≤ 0.3 s after its final")
    print(
        "browser audio path: speech level "
        + " ".join(f"{r.level_db:+.1f}" for r in runs)
        + " dB and correlation "
        + " ".join(f"{r.similarity:.3f}" for r in runs)
        + " against PyAV's resampling; 11 kHz alias at 5 kHz "
        + " ".join(f"{r.alias_db:.0f}" for r in runs)
        + " dB below the 1 kHz tone"
    )
    for run in runs:
        for text in run.missing:
            print(f"  no final ended with: {text}")


if __name__ == "__main__":
    main()
