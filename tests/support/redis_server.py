"""A ``redis-server`` of the test's own, on a fixed port, that a test may stop and start
again (a Redis outage, a Redis restart that forgets every group)."""

import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

import redis

from tests.support.server import free_port


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@dataclass
class RedisServer:
    binary: str
    port: int = field(default_factory=free_port)
    workdir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="plenary-redis-"))
    process: subprocess.Popen[bytes] | None = None

    @classmethod
    def installed(cls) -> "RedisServer | None":
        binary = shutil.which("redis-server")
        return cls(binary) if binary else None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start with nothing stored (no snapshot, no append-only file)."""
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", self.workdir),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not redis_answers(self.url):
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"redis-server did not answer on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)
