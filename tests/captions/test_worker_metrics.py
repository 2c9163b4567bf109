"""``plenary asr-worker --metrics-port``: the metrics listen on loopback unless configured."""

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.server import PLENARY, REPO, ServerProcess, free_port

pytestmark = [pytest.mark.redis]


def answers(address: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex((address, port)) == 0


@pytest.fixture
def worker_env(tmp_path: Path, redis_url: str) -> dict[str, str]:
    return ServerProcess(tmp_path, {"REDIS_URL": redis_url}).env


@contextmanager
def metrics_of_a_worker(env: dict[str, str], *options: str) -> Iterator[int]:
    port = free_port()
    log = Path(env["PLENARY_DATA_DIR"]) / f"worker-{port}.log"
    worker = subprocess.Popen(
        [*PLENARY, "asr-worker", "--metrics-port", str(port), *options],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    try:
        # A worker imports the speech engines first: slow on a busy machine.
        deadline = time.monotonic() + 120
        while not answers("127.0.0.1", port):
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the worker's metrics never answered:\n{log.read_text()}")
            time.sleep(0.1)
        yield port
    finally:
        worker.kill()
        worker.wait(10)


def test_worker_metrics_listen_on_loopback_only(worker_env: dict[str, str]) -> None:
    with metrics_of_a_worker(worker_env) as port:
        assert answers("127.0.0.1", port)
        assert not answers("127.0.0.2", port)  # another address of this host: not bound


def test_worker_metrics_listen_where_configured(worker_env: dict[str, str]) -> None:
    with metrics_of_a_worker(worker_env, "--metrics-host", "0.0.0.0") as port:
        assert answers("127.0.0.2", port)
