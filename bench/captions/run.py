"""End-to-end caption latency (run by hand; loopback only; bounded in time).

    .venv/bin/python bench/captions/run.py [--statements 12]

A real ``plenary serve`` (embedded recognition: real Whisper base, Apertium) and two Debian
Chromium pages: the speaker's, whose fake microphone plays a WAV of espeak-ng statements
in English and Spanish with pauses between them, and a listener's, who reads Spanish. For
each statement it measures, on the listener's page, the time from the end of the statement
at the microphone to its final caption (the final whose last word ends within the
statement), and from that final to its Spanish translation (English statements). Both
pages run on this machine, so their clocks agree; the statement's end is the moment the
microphone started plus its end in the WAV (to within the ~10 ms it takes
``getUserMedia`` to report the start).
"""

import argparse
import shutil
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

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from asr import SAMPLE_RATE, decode_file  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, log_in_with_the_form  # noqa: E402
from tests.support.server import ServerProcess  # noqa: E402

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
PAUSE = 1.5  # seconds of silence after each statement
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
    ends_at: float  # seconds into the WAV


def espeak(text: str, voice: str, folder: Path) -> np.ndarray:
    path = folder / f"s{abs(hash(text))}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(path), text], check=True)
    (samples,) = decode_file(path, mono=True)
    return samples


def microphone_wav(count: int, folder: Path) -> tuple[Path, list[Statement]]:
    pieces = [np.zeros(SAMPLE_RATE, np.float32)]
    statements = []
    at = 1.0
    for language, text in (STATEMENTS * 3)[:count]:
        samples = espeak(text, language, folder)
        at += len(samples) / SAMPLE_RATE
        statements.append(Statement(language, text, at))
        pieces += [samples, np.zeros(int(PAUSE * SAMPLE_RATE), np.float32)]
        at += PAUSE
    pieces.append(np.zeros(3 * SAMPLE_RATE, np.float32))
    path = folder / "microphone.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(np.concatenate(pieces), -1, 1) * 32767).astype("<i2").tobytes())
    return path, statements


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--statements", type=int, default=12)
    args = parser.parse_args()
    if shutil.which("espeak-ng") is None or not Path(CHROMIUM).exists():
        raise SystemExit("needs espeak-ng and Debian's chromium (make test installs both)")
    folder = Path(tempfile.mkdtemp(prefix="plenary-bench-captions-"))
    wav, statements = microphone_wav(args.statements, folder)
    server = ServerProcess(folder / "data")
    (folder / "data").mkdir()
    server.prepare()
    server.start()
    try:
        events, mic_started = run_pages(server, wav, statements[-1].ends_at + 12)
    finally:
        server.stop()
    report(statements, events, mic_started)
    shutil.rmtree(folder, ignore_errors=True)


def run_pages(server: ServerProcess, wav: Path, seconds: float) -> tuple[list[Event], int]:
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
        kenya.add_init_script(SPEAKER_PROBE)
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
        events: list[Event] = spain.evaluate("window.__captions")
        mic_started: int = kenya.evaluate("window.__micStarted")
        listeners.close()
        speakers.close()
    return events, mic_started


def report(statements: list[Statement], events: list[Event], mic_started: int) -> None:
    finals = [e for e in events if e["type"] == "caption.final"]
    arrived = {e["data"]["segment"]: e["at"] for e in finals}
    final_latency: list[float] = []
    translation_delay: list[float] = []
    missing: list[str] = []
    for statement in statements:
        end_ms = mic_started + statement.ends_at * 1000
        within = [
            f
            for f in finals
            if abs(datetime.fromisoformat(f["data"]["end"]).timestamp() * 1000 - end_ms) < 1200
        ]
        if not within:
            missing.append(statement.text)
            continue
        last = max(within, key=lambda f: f["data"]["end"])
        final_latency.append((last["at"] - end_ms) / 1000)
    for event in events:
        if event["type"] == "caption.translation" and event["data"]["segment"] in arrived:
            translation_delay.append((event["at"] - arrived[event["data"]["segment"]]) / 1000)
    print(
        f"{len(statements)} statements, {len(finals)} finals, {len(translation_delay)} translations"
    )
    print(line("utterance end → final caption (listener)", final_latency))
    print(line("final → its translation (listener)", translation_delay))
    print("targets: final p50 ≤ 1.5 s, p95 ≤ 2.5 s; translation ≤ 0.3 s after its final")
    for text in missing:
        print(f"  no final ended with: {text}")
    print(f"mean final latency {statistics.fmean(final_latency):.2f} s" if final_latency else "")


if __name__ == "__main__":
    main()
