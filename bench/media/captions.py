"""Caption latency on the RTP path against the WebSocket path (run by hand, as root:
everything runs in a network namespace of its own, tests/support/netns.py).

    .venv/bin/python bench/media/captions.py [--runs 1] [--statements 4]

For each path, a fresh ``plenary serve`` (embedded recognition, real Whisper; its Janus
gathering ICE on the namespace's interface) and the pages of bench/captions/run.py: the
chair gives Kenya the floor, Kenya's fake microphone plays espeak-ng statements with pauses,
Spain reads the captions. Measured as there: from the end of each statement at the
microphone to the arrival of the final that holds its last word, at the listener.

* **RTP**: Kenya's page publishes over WebRTC; Janus forwards the floor's Opus to the
  server (server/captions/rtp_turn.py), which decodes it for recognition.
* **WebSocket**: Kenya's page has no WebRTC (RTCPeerConnection taken away), falls back
  and streams PCM16 over the audio socket.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.captions.run import (  # noqa: E402
    OWN,
    PROBES,
    Microphone,
    final_latencies,
    line,
    microphone_wav,
    run_pages,
    spoken_finals,
)
from tests.support.captions import read_finals  # noqa: E402
from tests.support.netns import INTERFACE  # noqa: E402
from tests.support.server import ServerProcess  # noqa: E402

NO_WEBRTC = "delete window.RTCPeerConnection; delete window.webkitRTCPeerConnection;\n"
PATHS = {"RTP (WebRTC → Janus → rtp_forward)": "", "WebSocket (PCM16 audio socket)": NO_WEBRTC}


def one_run(folder: Path, microphone: Microphone, speaker_script: str) -> list[float]:
    """One fresh server; the statements' final-caption delays (seconds)."""
    (folder / "data").mkdir(parents=True)
    server = ServerProcess(
        folder / "data", {"PLENARY_ASR_PRELOAD": "1", "PLENARY_JANUS_INTERFACE": INTERFACE}
    )
    server.prepare()
    server.start()
    try:
        server.wait_until_ready()
        seconds = microphone.probes_at + 2 * len(PROBES) + 3
        events, mic_started = run_pages(server, microphone.wav, seconds, speaker_script)
    finally:
        server.stop()
    read = read_finals(spoken_finals(microphone, events, mic_started))
    latencies, missing = final_latencies(microphone, read, mic_started)
    for text in missing:
        print(f"  no final ended with: {text}", flush=True)
    return latencies


def inside(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="plenary-bench-media-captions-"))
    microphone = microphone_wav(OWN, args.statements, folder)
    results: dict[str, list[float]] = {}
    for number in range(args.runs):
        for path, (name, script) in enumerate(PATHS.items()):
            run = one_run(folder / f"run-{number}-{path}", microphone, script)
            results.setdefault(name, []).extend(run)
            print(f"run {number + 1}, {name}: " + " ".join(f"{x:.2f}" for x in run), flush=True)
    load = os.getloadavg()
    print(f"\nload average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("utterance end → final caption at the listener:")
    for name, latencies in results.items():
        print(line(f"  {name}", latencies))
    if args.keep:
        print(f"kept in {folder}")
    else:  # each server's data holds a copy of the model
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="fresh servers per path")
    parser.add_argument("--statements", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the WAV and servers' logs")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        inside(args)
        return
    from tests.support.netns import network_namespace

    if os.geteuid() != 0:
        sys.exit("bench/media/captions.py makes a network namespace: run it as root")
    with network_namespace() as namespace, namespace.entered():
        command = [sys.executable, __file__, "--inside", *sys.argv[1:]]
        subprocess.run(command, check=True, cwd=REPO)


if __name__ == "__main__":
    main()
