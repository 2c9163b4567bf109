"""Fixtures shared by the whole suite: the demo conference, logged-in sockets, channel layers
(in-process and a real Redis), and the shared speech recordings."""

import os
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from server.conferences.demo import PLENARY_SYMBOL, demo_load
from server.conferences.models import Conference, Meeting, Participant
from tests.support.redis_server import RedisServer, redis_answers

pytest_plugins = ["tests.support.room_sockets", "tests.support.janus"]
LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    """The interface's translations compiled, as `make test` and `make run` do first: a
    catalog changed since (or a lone pytest run) is compiled again (Debian's gettext)."""
    for catalog in LOCALE.glob("*/LC_MESSAGES/*.po"):
        compiled = catalog.with_suffix(".mo")
        if not compiled.exists() or compiled.stat().st_mtime < catalog.stat().st_mtime:
            subprocess.run(["msgfmt", "--check-format", "-o", compiled, catalog], check=True)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """``REDIS_URL`` if set, else a Redis on localhost:6379, else a ``redis-server`` we start."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if redis_answers(url):
        yield url
        return
    if os.environ.get("REDIS_URL"):
        pytest.fail(f"REDIS_URL={url} is set but no Redis answers there")
    server = RedisServer.installed()
    if server is None:
        pytest.fail(
            "No Redis answers on localhost:6379 and redis-server is not installed: "
            "`apt-get install redis-server` (make test does this), or set REDIS_URL."
        )
    server.start()
    yield server.url
    server.remove()


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
