"""A real Janus for tests (a pytest plugin, see tests/conftest.py): ``janus`` starts one
child per test session on free loopback ports with a configuration folder of its own,
written by Plenary's own ``janus_config``, and points the settings at it.

ICE never gathers on the loopback: these tests use signalling only (a ``join`` is answered
without ICE); real media runs in the network namespaces of tests/support/netns.py."""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from server.media.janus_config import JanusConfig
from server.media.process import JanusProcess
from tests.support.server import free_port

JANUS_RTP_PORTS = "41000-41999"


def janus_config() -> JanusConfig:
    return JanusConfig(
        ws_port=free_port(),
        admin_port=free_port(),
        admin_path="/admin",
        admin_secret=settings.JANUS_ADMIN_SECRET,
        token_secret=settings.JANUS_TOKEN_SECRET,
        rtp_ports=JANUS_RTP_PORTS,
        interface="lo",
        public_ip="",
    )


@pytest.fixture(scope="session")
def janus() -> Iterator[JanusProcess]:
    """A Janus child shared by the session; the settings point at it while it runs."""
    if shutil.which(settings.JANUS_BINARY) is None:
        pytest.fail("janus is not installed: `apt-get install janus` (make test does this).")
    folder = Path(tempfile.mkdtemp(prefix="plenary-janus-"))
    process = JanusProcess(folder, janus_config(), settings.JANUS_BINARY)
    process.start()
    before = settings.JANUS_WS_URL, settings.JANUS_ADMIN_URL
    settings.JANUS_WS_URL, settings.JANUS_ADMIN_URL = process.ws_url, process.admin_url
    yield process
    settings.JANUS_WS_URL, settings.JANUS_ADMIN_URL = before
    process.stop()
    shutil.rmtree(folder, ignore_errors=True)
