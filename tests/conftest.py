"""Fixtures shared by the whole suite: the demo conference, logged-in sockets, channel layers
(in-process and a real Redis), and the shared speech recordings."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from server.conferences.demo import PLENARY_SYMBOL, demo_load
from server.conferences.models import Conference, Meeting, Participant
from tests.support.server import free_port

pytest_plugins = ["tests.support.room_sockets"]


def _redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """``REDIS_URL`` if set, else a Redis on localhost:6379, else a ``redis-server`` we start."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if _redis_answers(url):
        yield url
        return
    if os.environ.get("REDIS_URL"):
        pytest.fail(f"REDIS_URL={url} is set but no Redis answers there")
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            "No Redis answers on localhost:6379 and redis-server is not installed: "
            "`apt-get install redis-server` (make test does this), or set REDIS_URL."
        )
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="plenary-redis-")
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while not _redis_answers(url):
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"redis-server did not answer on port {port}")
        time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(10)
    shutil.rmtree(workdir, ignore_errors=True)


def port_is_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def demo(db: None) -> Conference:
    return demo_load()


@pytest.fixture
def plenary(demo: Conference) -> Meeting:
    return Meeting.objects.get(conference=demo, symbol=PLENARY_SYMBOL)


@pytest.fixture
def closed_session(demo: Conference) -> Meeting:
    return Meeting.objects.get(conference=demo, kind=Meeting.Kind.CLOSED)


@pytest.fixture
def person(demo: Conference) -> Callable[[str], Participant]:
    def get(username: str) -> Participant:
        return Participant.objects.select_related("delegation", "user").get(
            conference=demo, user__username=username
        )

    return get


def pytest_configure(config: pytest.Config) -> None:
    """Password hashing is slow by design; tests log in hundreds of times."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
