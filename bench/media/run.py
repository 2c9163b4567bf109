"""Media-plane benchmark (run by hand, as root: everything runs in a network namespace of
its own, tests/support/netns.py; nothing leaves it).

    .venv/bin/python bench/media/run.py                   # N = 10, 50, 100 subscribers
    .venv/bin/python bench/media/run.py --subscribers 10 --window 5

One Janus as Plenary configures it (server.media: VideoRoom, signed tokens, ICE on the
namespace's interface). Two Chromium publishers with fake capture devices: feed 1 speaks
(espeak-ng, looped), feed 2 speaks and shows a moving 640x360 clip. It prints:

* bits per second one listener receives from feed 1 (a Chromium subscriber, getStats),
  against the 256 kbit/s of the PCM relay (16 kHz x 16 bit, by construction);
* mouth-to-ear latency: the envelope of the publisher's microphone track against the
  envelope of the listener's received audio (same browser, same clock), cross-correlated;
* Janus's CPU per subscriber for audio only (feed 1) and audio + 360p video (feed 2), with
  N light subscribers: aiortc peers whose decoders are replaced by a drain (they receive,
  depacketise and answer RTCP, but decode nothing). Janus's CPU is read from /proc over a
  window, less the same window with no subscriber. The generator's own CPU is printed too:
  where it nears 100 % of a core, the generator, not Janus, is the limit.
"""

import argparse
import asyncio
import contextlib
import functools
import http.server
import itertools
import json
import logging
import os
import queue
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server.media.process import JanusProcess

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
PAGE_FILES = {
    "janus.js": Path("/usr/share/javascript/janus-gateway/janus.js"),
    "adapter.js": Path("/usr/share/javascript/webrtc-adapter/adapter.js"),
    "bench.html": HERE / "page" / "bench.html",
    "bench.js": HERE / "page" / "bench.js",
}
STATEMENT = "We support the draft decision on climate finance and we thank the chair."
ROOM = 4242
AUDIO_FEED, VIDEO_FEED = 1, 2
PCM_RELAY_KBITS = 16000 * 16 / 1000
TICKS = os.sysconf("SC_CLK_TCK")
GRID_MS = 5.0
MAX_LAG_MS = 1500.0


def outside(script: str = __file__) -> None:
    """Make the namespace and run ``script`` (this one) again inside it."""
    from tests.support.netns import network_namespace

    if os.geteuid() != 0:
        sys.exit(f"{Path(script).relative_to(REPO)} makes a network namespace: run it as root")
    with network_namespace() as namespace, namespace.entered():
        command = [sys.executable, script, "--inside", *sys.argv[1:]]
        subprocess.run(command, check=True, cwd=REPO)


def bench_django(prefix: str) -> Path:
    """Django set up on a data folder of its own (returned), aiortc's decoding off."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
    os.environ["PLENARY_DATA_DIR"] = tempfile.mkdtemp(prefix=prefix)
    import aiortc.rtcrtpreceiver
    import django

    django.setup()
    for noisy in ("aioice", "aiortc", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    aiortc.rtcrtpreceiver.decoder_worker = drain_decoder  # decoding off
    return Path(os.environ["PLENARY_DATA_DIR"])


def bench_janus(folder: Path) -> "JanusProcess":
    """A Janus as Plenary configures it, ICE on the namespace's interface, started."""
    from django.conf import settings

    from server.media.janus_config import JanusConfig
    from server.media.process import JanusProcess
    from tests.support.netns import INTERFACE
    from tests.support.server import free_port

    config = JanusConfig(
        ws_port=free_port(),
        admin_port=free_port(),
        admin_path="/admin",
        admin_secret=settings.JANUS_ADMIN_SECRET,
        token_secret=settings.JANUS_TOKEN_SECRET,
        rtp_ports="20000-40000",
        interface=INTERFACE,
        public_ip="",
    )
    janus = JanusProcess(folder / "janus", config, settings.JANUS_BINARY)
    janus.start()
    return janus


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


@dataclass
class Window:
    """CPU seconds of Janus and of this process over ``seconds`` of wall time."""

    janus: float
    generator: float
    seconds: float


async def measure(janus_pid: int, seconds: float) -> Window:
    start = time.monotonic(), cpu_seconds(janus_pid), time.process_time()
    await asyncio.sleep(seconds)
    wall = time.monotonic() - start[0]
    return Window(
        (cpu_seconds(janus_pid) - start[1]) / wall, (time.process_time() - start[2]) / wall, wall
    )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def page_server(folder: Path) -> Iterator[int]:
    for name, source in PAGE_FILES.items():
        shutil.copy(source, folder / name)
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()


def drain_decoder(
    loop: asyncio.AbstractEventLoop,
    input_q: queue.Queue[object],
    output_q: asyncio.Queue[object],
    decode_error: threading.Event,
) -> None:
    """aiortc's decoder thread, with the decoding left out: frames are taken and dropped."""
    while input_q.get() is not None:
        pass
    asyncio.run_coroutine_threadsafe(output_q.put(None), loop)


@dataclass
class JanusSocket:
    """One WebSocket to Janus, one session; requests matched to answers by transaction."""

    url: str
    core_token: str
    connection: object = None
    session: int = 0
    waiting: dict[str, "asyncio.Future[dict[str, object]]"] = field(default_factory=dict)
    tasks: list["asyncio.Task[None]"] = field(default_factory=list)

    async def open(self) -> None:
        import websockets

        self.connection = await websockets.connect(
            self.url, subprotocols=[websockets.Subprotocol("janus-protocol")], max_size=None
        )
        self.tasks.append(asyncio.create_task(self._read()))
        created = await self.request({"janus": "create"})
        self.session = int(str(data_field(created, "id")))
        self.tasks.append(asyncio.create_task(self._keepalive()))

    async def _read(self) -> None:
        import websockets

        assert isinstance(self.connection, websockets.ClientConnection)
        async for text in self.connection:
            reply = json.loads(text)
            if reply.get("janus") == "ack":
                continue
            future = self.waiting.pop(str(reply.get("transaction")), None)
            if future is not None and not future.done():
                future.set_result(reply)

    async def _keepalive(self) -> None:
        while True:
            await asyncio.sleep(20)
            await self.request({"janus": "keepalive"}, wait=False)

    async def request(self, body: dict[str, object], *, wait: bool = True) -> dict[str, object]:
        import websockets

        assert isinstance(self.connection, websockets.ClientConnection)
        transaction = secrets.token_hex(8)
        message = {**body, "transaction": transaction, "token": self.core_token}
        if self.session:
            message["session_id"] = self.session
        future: asyncio.Future[dict[str, object]] = asyncio.get_running_loop().create_future()
        if wait:
            self.waiting[transaction] = future
        await self.connection.send(json.dumps(message))
        if not wait:
            return {}
        reply = await asyncio.wait_for(future, 30)
        if reply.get("janus") == "error":
            raise RuntimeError(f"Janus refused {body.get('janus')}: {reply.get('error')}")
        return reply

    async def close(self) -> None:
        import websockets

        for task in self.tasks:
            task.cancel()
        if isinstance(self.connection, websockets.ClientConnection):
            await self.connection.close()


def data_field(reply: dict[str, object], key: str) -> object:
    data = reply.get("data")
    return data.get(key) if isinstance(data, dict) else None


def plugin_field(reply: dict[str, object], key: str) -> object:
    plugindata = reply.get("plugindata")
    data = plugindata.get("data") if isinstance(plugindata, dict) else None
    return data.get(key) if isinstance(data, dict) else None


async def subscriber_start(socket: JanusSocket, feed: int, room_token: str) -> object:
    """One aiortc subscriber to ``feed``: attach, join, answer, start."""

    attached = await socket.request({"janus": "attach", "plugin": "janus.plugin.videoroom"})
    handle = int(str(data_field(attached, "id")))
    join = {"request": "join", "ptype": "subscriber", "room": ROOM, "token": room_token}
    joined = await socket.request(
        {"janus": "message", "handle_id": handle, "body": {**join, "streams": [{"feed": feed}]}}
    )
    return await offer_answered(socket, handle, joined)


async def offer_answered(socket: JanusSocket, handle: int, offered: dict[str, object]) -> object:
    """An aiortc peer that answers Janus's offer on ``handle`` and starts receiving."""
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    jsep = offered.get("jsep")
    if not isinstance(jsep, dict):
        raise RuntimeError(f"no offer: {plugin_field(offered, 'error')}")
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    await pc.setRemoteDescription(RTCSessionDescription(str(jsep["sdp"]), "offer"))
    await pc.setLocalDescription(await pc.createAnswer())
    answer = {"type": "answer", "sdp": pc.localDescription.sdp}
    await socket.request(
        {"janus": "message", "handle_id": handle, "body": {"request": "start"}, "jsep": answer}
    )
    return pc


async def received_bytes(pc: object) -> int:
    """What the peer connection's transport received (SRTP and SRTCP, headers included)."""
    from aiortc import RTCPeerConnection
    from aiortc.stats import RTCTransportStats

    assert isinstance(pc, RTCPeerConnection)
    report = await pc.getStats()
    return sum(s.bytesReceived for s in report.values() if isinstance(s, RTCTransportStats))


async def subscribers_cell(
    janus_pid: int, ws_url: str, core: str, room_token: str, feed: int, count: int, window: float
) -> tuple[Window, int, float]:
    """Janus's CPU with ``count`` subscribers to ``feed``; how many received anything in the
    window, and their mean received kbit/s."""
    from aiortc import RTCPeerConnection

    socket = JanusSocket(ws_url, core)
    await socket.open()
    pcs: list[RTCPeerConnection] = []
    try:
        connected = asyncio.Event()

        def all_connected() -> None:
            if all(pc.connectionState == "connected" for pc in pcs):
                connected.set()

        for _ in range(count):
            pc = await subscriber_start(socket, feed, room_token)
            assert isinstance(pc, RTCPeerConnection)
            pc.on("connectionstatechange", all_connected)
            pcs.append(pc)
        all_connected()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(connected.wait(), 60)
        await asyncio.sleep(2)  # past the first keyframe and the bandwidth probing
        before = [await received_bytes(pc) for pc in pcs]
        cpu = await measure(janus_pid, window)
        after = [await received_bytes(pc) for pc in pcs]
    finally:
        await asyncio.gather(*(pc.close() for pc in pcs), return_exceptions=True)
        await socket.close()
    gains = [b - a for a, b in zip(before, after, strict=True)]
    receiving = sum(1 for gain in gains if gain > 0)
    kbits = sum(gains) * 8 / 1000 / cpu.seconds / max(len(gains), 1)
    return cpu, receiving, kbits


def envelope(chunks: list[list[object]]) -> tuple[np.ndarray, np.ndarray]:
    """(times in ms, RMS) of a page's recorded blocks: each chunk ends at its stamp."""
    times: list[float] = []
    values: list[float] = []
    for stamp, rate, rms in chunks:
        assert isinstance(stamp, float | int) and isinstance(rate, float | int)
        assert isinstance(rms, list)
        block_ms = 256 / float(rate) * 1000
        for index, value in enumerate(rms):
            times.append(float(stamp) - (len(rms) - index - 0.5) * block_ms)
            values.append(float(value))
    return np.asarray(times), np.asarray(values)


def latency_ms(sent: list[list[object]], heard: list[list[object]]) -> tuple[float, float]:
    """The lag (ms) that best aligns the heard envelope with the sent one, and the
    correlation there."""
    sent_t, sent_v = envelope(sent)
    heard_t, heard_v = envelope(heard)
    start, end = max(sent_t[0], heard_t[0]), min(sent_t[-1], heard_t[-1])
    grid = np.arange(start, end, GRID_MS)
    a = np.interp(grid, sent_t, sent_v)
    b = np.interp(grid, heard_t, heard_v)
    best = (0.0, -1.0)
    for step in range(int(MAX_LAG_MS / GRID_MS)):
        x, y = a[: len(a) - step], b[step:]
        if len(x) < 200 or x.std() == 0 or y.std() == 0:
            break
        r = float(np.corrcoef(x, y)[0, 1])
        if r > best[1]:
            best = (step * GRID_MS, r)
    return best


async def inside(args: argparse.Namespace) -> None:
    folder = bench_django("plenary-bench-media-")
    from playwright.async_api import async_playwright

    from server.media.admin import JanusAdmin
    from server.media.tokens import core_token, room_token
    from tests.support.fake_capture import moving_clip, speech_wav

    janus = bench_janus(folder)
    assert janus.process is not None
    pid = janus.process.pid
    await JanusAdmin(janus.admin_url).room_create(ROOM, bitrate=1_000_000)
    core, token = core_token(3600).text, room_token(ROOM, 3600).text
    voice = speech_wav(STATEMENT, folder / "statement.wav")
    clip = moving_clip(folder / "camera.y4m", seconds=8, grain=args.grain)
    chromium_args = [
        "--no-sandbox",
        "--disable-gpu",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={voice}",
        f"--use-file-for-fake-video-capture={clip}",
        "--autoplay-policy=no-user-gesture-required",
    ]
    page_folder = folder / "page"
    page_folder.mkdir()
    with page_server(page_folder) as port:
        async with async_playwright() as driver:
            browser = await driver.chromium.launch(
                executable_path="/usr/bin/chromium", args=chromium_args
            )
            fragment = {"ws": janus.ws_url, "core": core, "room": ROOM, "token": token}
            base = f"http://127.0.0.1:{port}/bench.html#{urllib.parse.urlencode(fragment)}"

            async def opened(fragment: str) -> object:
                page = await browser.new_page()
                await page.goto(f"{base}&{fragment}")
                await page.wait_for_function(
                    "window.bench && (window.bench.ready || window.bench.error)", timeout=30_000
                )
                error = await page.evaluate("window.bench.error")
                if error:
                    raise RuntimeError(f"{fragment}: {error}")
                return page

            speaker = await opened(f"role=publish&id={AUDIO_FEED}")
            await opened(f"role=publish&id={VIDEO_FEED}&video=1")
            listener = await opened(f"role=listen&feed={AUDIO_FEED}")
            from playwright.async_api import Page

            assert isinstance(speaker, Page) and isinstance(listener, Page)
            await asyncio.sleep(2)
            first = await listener.evaluate("window.bench.received()")
            await speaker.evaluate("window.bench.chunks = []")
            await listener.evaluate("window.bench.chunks = []")
            await asyncio.sleep(args.window * 2)
            last = await listener.evaluate("window.bench.received()")
            sent = await speaker.evaluate("window.bench.chunks")
            heard = await listener.evaluate("window.bench.chunks")
            seconds = (last["at"] - first["at"]) / 1000
            payload = (last["bytes"] - first["bytes"]) * 8 / 1000 / seconds
            with_headers = payload + (last["headers"] - first["headers"]) * 8 / 1000 / seconds
            lag, r = latency_ms(sent, heard)
            await listener.close()
            print(f"audio per listener: {payload:.1f} kbit/s Opus payload, {with_headers:.1f}")
            print(f"  kbit/s with RTP headers (PCM relay: {PCM_RELAY_KBITS:.0f} kbit/s)")
            print(f"mouth-to-ear latency: {lag:.0f} ms (envelope correlation {r:.2f})")

            baseline = await measure(pid, args.window)
            print(f"Janus with 2 publishers, no subscriber: {baseline.janus * 100:.1f} % of a core")
            print(
                f"{'feed':<14}{'N':>5}{'receiving':>11}{'kbit/s each':>13}"
                f"{'Janus %core':>13}{'per sub %':>11}{'subs/core':>11}{'generator %':>13}"
            )
            for (name, feed), count in itertools.product(
                (("audio", AUDIO_FEED), ("audio+360p", VIDEO_FEED)), args.subscribers
            ):
                cpu, receiving, kbits = await subscribers_cell(
                    pid, janus.ws_url, core, token, feed, count, args.window
                )
                per = max(cpu.janus - baseline.janus, 0.0) / count
                per_core = f"{1 / per:.0f}" if per > 0 else "-"
                print(
                    f"{name:<14}{count:>5}{receiving:>11}{kbits:>13.1f}{cpu.janus * 100:>13.1f}"
                    f"{per * 100:>11.2f}{per_core:>11}{cpu.generator * 100:>13.0f}"
                )
            await browser.close()
    janus.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--subscribers",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[10, 50, 100],
        help="subscriber counts, comma-separated (default 10,50,100)",
    )
    parser.add_argument("--window", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument(
        "--grain", type=int, default=8, help="noise in the camera clip (more: more kbit/s)"
    )
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        asyncio.run(inside(args))
    else:
        outside()


if __name__ == "__main__":
    main()
