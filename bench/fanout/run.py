"""Room fan-out benchmark (run by hand; loopback only; every loop bounded in count and time).

    .venv/bin/python bench/fanout/run.py            # 100/500/1000 clients at 1/10/50 events/s
    .venv/bin/python bench/fanout/run.py --quick    # a short smoke run

Targets, all in one run: a bare ``websockets`` broadcast server (the limit), Plenary on
the in-process channel layer (one Daphne process), and Plenary on Redis (``plenary serve
--workers 2``: two Daphne processes behind one address, one Redis, one database). Listeners
are logged-in participants (sessions made in a temporary data directory) in two client
processes; a publisher sends ~200-byte chat events at a fixed rate, each carrying its send
time. Every listener records latency and checks sequence numbers (gaps, duplicates). Each
cell prints delivered/expected, p50/p95/p99 latency and the servers' CPU use; events still
undelivered when the drain time runs out count as missing.
"""

import argparse
import asyncio
import contextlib
import json
import os
import pstats
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import redis
import websockets

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.support.server import PLENARY, ServerProcess, free_port, wait_for_port  # noqa: E402

HERE = Path(__file__).resolve().parent
PAD = "x" * 120  # with the envelope, a chat event on the wire is about 200 bytes
QUIET_SECONDS = 5.0  # a drain ends when nothing more arrives for this long …
DRAIN_SECONDS = 60.0  # … or after this long at most
TARGET = (1000, 10.0, 250.0)  # the goal: 1,000 clients at 10 events/s, p99 ≤ 250 ms, no loss


@dataclass
class Tally:
    delivered: int = 0
    gaps: int = 0
    duplicates: int = 0
    latencies: list[float] = field(default_factory=list)


@dataclass
class Target:
    name: str
    urls: list[str]
    sessions: list[str | None]
    publisher: str | None
    hello: str | None  # what a listener sends first (the bare server's handshake)
    pid: int  # the server (or the parent of its workers), for CPU accounting
    profile: Path | None = None  # cProfile of the server at the highest rate (one process)


class Room(TypedDict):
    """What ``setup_room.py`` prints."""

    meeting: int
    sessions: list[str | None]
    publisher: str


@dataclass
class Published:
    sent: int
    accepted: int  # acknowledged by the server (the bare server acknowledges nothing)

    @property
    def committed(self) -> int:
        """Every send the server did not refuse (acks may still be on their way)."""
        return self.sent - len(self.errors)

    errors: list[str]


@dataclass
class Row:
    target: str
    clients: int
    rate: float
    published: Published
    tally: Tally
    cpu_percent: float
    cpu_used: float  # the server's CPU seconds in the cell
    host_percent: float

    @property
    def expected(self) -> int:
        return self.published.committed * self.clients

    @property
    def cpu_per_delivery(self) -> float:
        """The server's CPU time per delivery, in µs: what a starved server could not
        spend shows here less than in its latency."""
        return 1e6 * self.cpu_used / max(1, self.tally.delivered)

    def percentile_ms(self, q: float) -> float:
        if not self.tally.latencies:
            return float("nan")
        ordered = sorted(self.tally.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def met(self, p99_ms: float) -> bool:
        lossless = self.tally.delivered == self.expected and not self.published.errors
        clean = self.tally.gaps == self.tally.duplicates == 0
        return lossless and clean and self.percentile_ms(0.99) <= p99_ms

    def line(self) -> str:
        p50, p95, p99 = (self.percentile_ms(q) for q in (0.5, 0.95, 0.99))
        delivered = f"{self.tally.delivered}/{self.expected}"
        return (
            f"{self.target:<30} {self.clients:>7} {self.rate:>5g} {delivered:>19} "
            f"{self.tally.gaps:>5} {self.tally.duplicates:>5} {len(self.published.errors):>5} "
            f"{p50:>8.1f} {p95:>8.1f} {p99:>8.1f} "
            f"{self.cpu_percent:>8.0f} {self.cpu_per_delivery:>8.1f} {self.host_percent:>10.0f}"
        )


HEADER = (
    f"{'target':<30} {'clients':>7} {'ev/s':>5} {'delivered/expected':>19} {'gaps':>5} "
    f"{'dups':>5} {'errs':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
    f"{'srv CPU%':>8} {'µs/deliv':>8} {'host busy%':>10}"
)


# Servers -----------------------------------------------------------------------------------


def host_busy() -> tuple[int, int]:
    """Busy and total jiffies of the whole machine (others' work shows here too)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def child_pids(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of ``pid`` and its children, as they are now."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(child) for child in child_pids(pid))


def stop_server(process: "subprocess.Popen[bytes]") -> None:
    """SIGTERM; whatever has not exited 20 s later (the workers too) is killed."""
    workers = child_pids(process.pid)
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        print("    (the server did not stop within 20 s of SIGTERM: killed)", flush=True)
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.kill()
        process.wait(10)


def wait_until_idle(pid: int, limit: float = 30.0) -> None:
    """Let the server finish what the last cell left it (a backlog to closed sockets)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(1.0)
        if cpu_seconds(pid) - before < 0.1:
            return


@contextmanager
def bare_target(count: int) -> Iterator[Target]:
    port = free_port()
    process = subprocess.Popen([sys.executable, str(HERE / "bare_server.py"), str(port)])
    try:
        wait_for_port(port)
        url = f"ws://127.0.0.1:{port}/"
        yield Target("bare websockets", [url], [None] * count, None, "listen", process.pid)
    finally:
        process.terminate()
        process.wait(10)


@contextmanager
def plenary_target(
    count: int, redis_url: str | None, workers: int, profile: Path | None = None
) -> Iterator[Target]:
    """A fresh data directory with ``count`` bench participants and Plenary serving it."""
    data_dir = Path(tempfile.mkdtemp(prefix="plenary-fanout-"))
    env = {"PLENARY_ROOM_RATE": "1000", "PLENARY_ROOM_BURST": "1000", "PLENARY_DEBUG": "0"}
    if redis_url:
        env["REDIS_URL"] = redis_url
        redis.Redis.from_url(redis_url).flushdb()
    server = ServerProcess(data_dir, env)
    process: subprocess.Popen[bytes] | None = None
    try:
        room = prepare_room(server, count)
        process = start_server(server, workers if redis_url else 1, profile)
        name = f"Plenary, Redis, {workers} workers" if redis_url else "Plenary, in-memory"
        url = f"{server.ws_url}/ws/meetings/{room['meeting']}/"
        yield Target(name, [url], room["sessions"], room["publisher"], None, process.pid, profile)
    finally:
        if process is not None:
            stop_server(process)
        if redis_url:
            redis.Redis.from_url(redis_url).flushdb()
        shutil.rmtree(data_dir, ignore_errors=True)


def prepare_room(server: ServerProcess, count: int) -> Room:
    server.prepare()
    setup = subprocess.run(
        [sys.executable, str(HERE / "setup_room.py"), str(count)],
        env=server.env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    room: Room = json.loads(setup.stdout)
    return room


def start_server(
    server: ServerProcess, workers: int, profile: Path | None
) -> "subprocess.Popen[bytes]":
    log = open(server.data_dir / "server.log", "ab")  # noqa: SIM115
    run = [sys.executable, str(HERE / "profiled_server.py"), str(profile)] if profile else PLENARY
    command = [*run, "serve", "--port", str(server.port), "--workers", str(workers)]
    process = subprocess.Popen(command, env=server.env, cwd=REPO, stdout=log, stderr=log)
    wait_for_port(server.port)
    time.sleep(1.0 if workers > 1 else 0.0)  # the workers start accepting after the parent
    return process


# Clients -----------------------------------------------------------------------------------


class Listeners:
    """Listener processes (two when there are many, so that each has a core)."""

    def __init__(self, target: Target, count: int) -> None:
        groups = 2 if count > 300 else 1
        self.processes: list[subprocess.Popen[str]] = []
        for g in range(groups):
            process = subprocess.Popen(
                [sys.executable, str(HERE / "clients.py")],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=REPO,
            )
            sessions = target.sessions[g:count:groups]
            self.processes.append(process)
            spec = {"urls": target.urls, "sessions": sessions, "hello": target.hello}
            self._say(process, json.dumps(spec))
        for process in self.processes:
            line = self._read(process)
            if not line.startswith("READY 0 "):
                raise RuntimeError(f"listeners did not all join: {line!r}")

    @staticmethod
    def _say(process: "subprocess.Popen[str]", line: str) -> None:
        assert process.stdin is not None
        process.stdin.write(line + "\n")
        process.stdin.flush()

    @staticmethod
    def _read(process: "subprocess.Popen[str]") -> str:
        assert process.stdout is not None
        return process.stdout.readline()

    def count(self) -> int:
        for process in self.processes:
            self._say(process, "COUNT")
        return sum(int(self._read(process)) for process in self.processes)

    def drain(self, expected: int) -> None:
        """Wait until ``expected`` events have arrived, or nothing arrives for a while."""
        deadline = time.monotonic() + DRAIN_SECONDS
        last, last_change = -1, time.monotonic()
        while time.monotonic() < deadline:
            now_count = self.count()
            if now_count >= expected:
                return
            if now_count != last:
                last, last_change = now_count, time.monotonic()
            elif time.monotonic() - last_change > QUIET_SECONDS:
                return
            time.sleep(0.25)

    def report(self) -> Tally:
        total = Tally()
        for process in self.processes:
            self._say(process, "REPORT")
        for process in self.processes:
            part = json.loads(self._read(process))
            total.delivered += part["delivered"]
            total.gaps += part["gaps"]
            total.duplicates += part["duplicates"]
            total.latencies += part["latencies"]
        return total

    def close(self) -> None:
        for process in self.processes:
            self._say(process, "STOP")
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


async def publish(target: Target, rate: float, seconds: float) -> Published:
    """Send ``rate`` chat events a second for ``seconds``; wait (bounded) for the acks."""
    url = target.urls[0]
    origin = websockets.Origin(url.replace("ws://", "http://").split("/ws/")[0].rstrip("/"))
    headers = {"Cookie": f"sessionid={target.publisher}"} if target.publisher else {}
    async with websockets.connect(
        url, additional_headers=headers, origin=origin, max_queue=None, open_timeout=60
    ) as socket:
        if target.hello:
            await socket.send("publish")
        else:
            await socket.recv()  # the snapshot
        replies = Published(0, 0, [])
        drain = asyncio.create_task(_count_replies(socket, replies))
        start = time.monotonic()
        for n in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
            text = f"sent={time.time():.6f};{PAD}"
            await socket.send(
                json.dumps({"type": "chat.send", "id": str(n), "data": {"text": text}})
            )
            replies.sent += 1
        if target.hello:
            replies.accepted = replies.sent
        deadline = time.monotonic() + DRAIN_SECONDS
        while replies.accepted + len(replies.errors) < replies.sent:
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        drain.cancel()
        return replies


async def _count_replies(socket: websockets.ClientConnection, replies: Published) -> None:
    async for message in socket:
        if '"type":"ack"' in message:
            replies.accepted += 1
        elif '"type":"error"' in message:
            replies.errors.append(str(message)[:200])


# The run -----------------------------------------------------------------------------------


def run_target(target: Target, clients: list[int], rates: list[float], seconds: float) -> list[Row]:
    rows = []
    for count in clients:
        wait_until_idle(target.pid)
        listeners = Listeners(target, count)
        try:
            time.sleep(2.0)  # the joins' presence events
            wait_until_idle(target.pid)
            listeners.report()  # discard what arrived while joining
            for rate in rates:
                profiled = target.profile is not None and rate == max(rates)
                if profiled:
                    os.kill(target.pid, signal.SIGUSR1)
                before, host, started = cpu_seconds(target.pid), host_busy(), time.monotonic()
                published = asyncio.run(publish(target, rate, seconds))
                listeners.drain(published.committed * count)
                if profiled:
                    os.kill(target.pid, signal.SIGUSR2)
                used = cpu_seconds(target.pid) - before
                cpu = 100 * used / (time.monotonic() - started)
                busy, total = (
                    after - earlier for after, earlier in zip(host_busy(), host, strict=True)
                )
                tally = listeners.report()
                rows.append(
                    Row(target.name, count, rate, published, tally, cpu, used, 100 * busy / total)
                )
                print(rows[-1].line(), flush=True)
                for error in published.errors[:3]:
                    print(f"    error: {error}", flush=True)
        finally:
            listeners.close()
    return rows


def verdict(rows: list[Row]) -> str:
    count, rate, p99_ms = TARGET
    lines = [f"Goal: {count} clients at {rate:g} events/s, p99 ≤ {p99_ms:g} ms, zero loss."]
    for row in rows:
        if row.clients == count and row.rate == rate and not row.target.startswith("bare"):
            lines.append(f"  {row.target}: {'met' if row.met(p99_ms) else 'NOT met'}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="100 clients, 1 and 10 events/s, 3 s")
    parser.add_argument("--seconds", type=float, default=10.0, help="publishing time per cell")
    parser.add_argument("--clients", help="comma-separated client counts (default 100,500,1000)")
    parser.add_argument("--rates", help="comma-separated events/s (default 1,10,50)")
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/11", help="flushed; use a spare db"
    )
    parser.add_argument("--workers", type=int, default=2, help="Daphne processes on Redis")
    parser.add_argument("--targets", default="bare,memory,redis", help="bare, memory, redis")
    parser.add_argument(
        "--profile",
        type=Path,
        help="cProfile the in-memory server during its highest-rate cells into this file "
        "and print its top entries (profiling slows the server: figures of that run are off)",
    )
    args = parser.parse_args()
    clients = [100] if args.quick else [100, 500, 1000]
    rates = [1.0, 10.0] if args.quick else [1.0, 10.0, 50.0]
    if args.clients:
        clients = [int(n) for n in args.clients.split(",")]
    if args.rates:
        rates = [float(r) for r in args.rates.split(",")]
    seconds = 3.0 if args.quick else args.seconds
    most = max(clients)
    targets: dict[str, Callable[[], AbstractContextManager[Target]]] = {
        "bare": lambda: bare_target(most),
        "memory": lambda: plenary_target(most, None, 1, args.profile),
        "redis": lambda: plenary_target(most, args.redis, args.workers),
    }
    print(HEADER, flush=True)
    rows: list[Row] = []
    for name in args.targets.split(","):
        with targets[name]() as target:
            rows += run_target(target, clients, rates, seconds)
    print(f"\n{seconds:g} s of publishing per cell; latency = receipt - send time at each client;")
    print("srv CPU% = the server processes (100 = one core), µs/deliv = their CPU time per")
    print("event delivered; host busy% = both cores, everyone.")
    print(HEADER)
    print("\n".join(row.line() for row in rows))
    print(verdict(rows))
    if args.profile:
        profile_print(args.profile)


def profile_print(path: Path) -> None:
    """The profile's top entries by own time, and by time including callees."""
    time.sleep(1.0)  # the server writes the file on SIGUSR2
    for order in ("tottime", "cumulative"):
        print(f"\nProfile of the in-memory server, by {order}:")
        pstats.Stats(str(path)).sort_stats(order).print_stats(25)


if __name__ == "__main__":
    main()
