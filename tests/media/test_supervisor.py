"""Janus as Plenary runs it: the configuration it writes, the child it restarts (rooms
created again) when it dies, and ``/readyz``."""

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import AsyncClient
from pytest_django.fixtures import Settings as SettingsWrapper

from server.conferences.models import Meeting
from server.interpretation.models import Booth
from server.media.admin import JanusAdmin, JanusError
from server.media.channels import ChannelAdmin
from server.media.process import JanusProcess
from server.media.rooms import media_room, rooms_recreate
from tests.media.conftest import OpenMedia
from tests.support.janus import janus_config
from tests.support.server import REPO, free_port

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def own_janus(plenary: Meeting) -> Iterator[JanusProcess]:
    """A Janus of this test's own, which it may kill; its rooms are created again."""
    folder = Path(tempfile.mkdtemp(prefix="plenary-janus-own-"))
    config = janus_config()
    admin = JanusAdmin(f"http://127.0.0.1:{config.admin_port}/admin")
    process = JanusProcess(folder, config, settings.JANUS_BINARY, lambda: rooms_recreate(admin))
    process.start()
    yield process
    process.stop()
    shutil.rmtree(folder, ignore_errors=True)


def test_the_configuration_loads_only_what_plenary_uses(own_janus: JanusProcess) -> None:
    folder = own_janus.directory
    assert sorted(p.name for p in (folder / "plugins").iterdir()) == [
        "libjanus_audiobridge.so",
        "libjanus_streaming.so",
        "libjanus_videoroom.so",
    ]
    for plugin in ("videoroom", "audiobridge", "streaming"):  # rooms are Plenary's to make
        plugin_config = (folder / f"janus.plugin.{plugin}.jcfg").read_text()
        assert f'admin_key = "{settings.JANUS_ADMIN_SECRET}"' in plugin_config
    for plugin in ("videoroom", "audiobridge"):
        assert "lock_rtp_forward = true" in (folder / f"janus.plugin.{plugin}.jcfg").read_text()
    assert sorted(p.name for p in (folder / "transports").iterdir()) == [
        "libjanus_http.so",
        "libjanus_websockets.so",
    ]
    general = (folder / "janus.jcfg").read_text()
    assert f'token_auth_secret = "{settings.JANUS_TOKEN_SECRET}"' in general
    assert 'ice_enforce_list = "lo"' in general
    websockets = (folder / "janus.transport.websockets.jcfg").read_text()
    assert 'ws_ip = "127.0.0.1"' in websockets
    assert 'admin_ip = "127.0.0.1"' in (folder / "janus.transport.http.jcfg").read_text()
    assert (folder / "janus.jcfg").stat().st_mode & 0o077 == 0  # the secrets are ours


def test_a_crashing_janus_leaves_no_core_file(own_janus: JanusProcess) -> None:
    """A core file would hold the admin and token secrets."""
    assert own_janus.process is not None
    limits = Path(f"/proc/{own_janus.process.pid}/limits").read_text().splitlines()
    [core] = [line for line in limits if line.startswith("Max core file size")]
    assert core.split()[4:6] == ["0", "0"]


async def test_the_admin_api_wants_the_secret(own_janus: JanusProcess) -> None:
    with pytest.raises(JanusError):
        await JanusAdmin(own_janus.admin_url, "wrong secret").participants(1)


def test_a_janus_that_dies_is_restarted_with_its_rooms(
    own_janus: JanusProcess, plenary: Meeting, caplog: pytest.LogCaptureFixture
) -> None:
    admin = JanusAdmin(own_janus.admin_url)
    Booth.objects.create(conference=plenary.conference, language="fr", channel=3)
    assert rooms_recreate(admin) == 1  # the plenary is in session
    first = own_janus.process
    assert first is not None
    os.kill(first.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while own_janus.restarts == 0 or not own_janus.answers():
        assert time.monotonic() < deadline, "Janus was not restarted"
        time.sleep(0.05)
    assert own_janus.process is not None and own_janus.process.pid != first.pid
    assert "exited with code -9: restarting it" in caplog.text
    # The restart created the room again: a second creation finds it there.
    assert rooms_recreate(admin) == 0
    room = media_room(plenary.pk)
    assert asyncio.run(admin.participants(room)) == []
    # and the French booth's room, its channel's mountpoint and the forward between them
    channels = ChannelAdmin(admin)
    booth = media_room(plenary.pk, 3)
    port = asyncio.run(channels.mountpoint_port(booth))
    assert [f["port"] for f in asyncio.run(channels.booth_forwarders(booth))] == [port]


def test_stopping_stops_janus(own_janus: JanusProcess) -> None:
    process = own_janus.process
    assert process is not None
    own_janus.stop()
    assert process.poll() is not None
    assert not own_janus.answers()


async def test_readiness_reports_media(settings: SettingsWrapper, janus: JanusProcess) -> None:
    settings.JANUS = "external"
    response = await AsyncClient().get("/readyz")
    assert (response.status_code, response.json()["checks"]["media"]) == (200, "ok")
    settings.JANUS_ADMIN_URL = f"http://127.0.0.1:{free_port()}/admin"  # nothing listens
    response = await AsyncClient().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["media"].startswith("Janus:")


async def test_a_process_without_janus_does_not_report_media(settings: SettingsWrapper) -> None:
    settings.JANUS = "embedded"  # and this test process started none
    response = await AsyncClient().get("/readyz")
    assert "media" not in response.json()["checks"]


async def test_a_janus_restart_tells_the_page_to_join_again(
    own_janus: JanusProcess, plenary: Meeting, open_media: OpenMedia, settings: SettingsWrapper
) -> None:
    settings.JANUS_WS_URL, settings.JANUS_ADMIN_URL = own_janus.ws_url, own_janus.admin_url
    socket = await open_media("kenya", plenary)
    session = await socket.session()
    assert session
    assert own_janus.process is not None
    os.kill(own_janus.process.pid, signal.SIGKILL)
    assert await socket.closed_with() == 4502  # the page starts over, with a new session
    deadline = time.monotonic() + 10
    while own_janus.restarts == 0:  # and finds the room there again
        assert time.monotonic() < deadline, "Janus was not restarted"
        await asyncio.sleep(0.05)


PARENT = """
import sys, time
from pathlib import Path
from server.media.janus_config import JanusConfig
from server.media.process import JanusProcess
ws, admin, secret, folder = sys.argv[1:]
config = JanusConfig(int(ws), int(admin), "/admin", secret, secret, "43000-43099", "lo", "")
janus = JanusProcess(Path(folder), config)
janus.start()
print(janus.process.pid, flush=True)
time.sleep(60)
"""


def test_janus_dies_with_a_server_that_is_killed(tmp_path: Path) -> None:
    """No Janus outlives its server and holds its ports (SIGKILL: no cleanup runs)."""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(free_port()), str(free_port()), "s", str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert parent.stdout is not None
    janus_pid = int(parent.stdout.readline())
    assert Path(f"/proc/{janus_pid}").exists()
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while Path(f"/proc/{janus_pid}").exists():
        assert time.monotonic() < deadline, "Janus outlived its killed parent"
        time.sleep(0.05)
