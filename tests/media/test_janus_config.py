"""The configuration Plenary writes for Janus, from its settings, and ``plenary janus`` (Janus
as its own service) running from it."""

import os
import subprocess
import time
from pathlib import Path

import httpx
from pytest_django.fixtures import Settings as SettingsWrapper

from server.media.janus_config import JanusConfig, janus_config_write
from tests.support.server import PLENARY, REPO, free_port


def test_the_deployment_s_nat_stun_and_addresses_reach_janus(
    settings: SettingsWrapper, tmp_path: Path
) -> None:
    settings.JANUS_WS_URL = "ws://10.0.0.5:9188"
    settings.JANUS_ADMIN_URL = "http://10.0.0.5:9088/janus-admin"
    settings.JANUS_BIND = "10.0.0.5"
    settings.JANUS_PUBLIC_IP = "203.0.113.7"
    settings.JANUS_STUN = "stun.example.org:3478"
    settings.JANUS_INTERFACE = "eth1"
    settings.JANUS_RTP_PORTS = "30000-30999"
    janus_config_write(tmp_path, JanusConfig.from_settings())
    general = (tmp_path / "janus.jcfg").read_text()
    for line in (
        'nat_1_1_mapping = "203.0.113.7"',
        'stun_server = "stun.example.org"',
        "stun_port = 3478",
        'ice_enforce_list = "eth1"',
        'rtp_port_range = "30000-30999"',
        f'admin_secret = "{settings.JANUS_ADMIN_SECRET}"',
    ):
        assert line in general
    websockets = (tmp_path / "janus.transport.websockets.jcfg").read_text()
    assert "ws_port = 9188" in websockets and 'ws_ip = "10.0.0.5"' in websockets
    http = (tmp_path / "janus.transport.http.jcfg").read_text()
    assert "admin_port = 9088" in http and 'admin_base_path = "/janus-admin"' in http
    assert "http = false" in http  # Janus's plain HTTP API: nobody's


def test_plenary_janus_runs_janus_as_its_own_service(tmp_path: Path) -> None:
    admin_port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "PLENARY_DATA_DIR": str(tmp_path),
        "PLENARY_JANUS_WS_URL": f"ws://127.0.0.1:{free_port()}",
        "PLENARY_JANUS_ADMIN_URL": f"http://127.0.0.1:{admin_port}/admin",
        "PLENARY_JANUS_ADMIN_SECRET": "service-secret",
    }
    service = subprocess.Popen(
        [*PLENARY, "janus"], env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        body = {"janus": "info", "transaction": "t", "admin_secret": "service-secret"}
        deadline = time.monotonic() + 60
        while True:
            assert service.poll() is None, "plenary janus exited"
            try:
                reply = httpx.post(f"http://127.0.0.1:{admin_port}/admin", json=body).json()
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "Janus did not answer"
                time.sleep(0.1)
        assert reply["janus"] == "server_info"
        assert sorted(reply["plugins"]) == [
            "janus.plugin.audiobridge",
            "janus.plugin.streaming",
            "janus.plugin.videoroom",
        ]
        assert sorted(reply["transports"]) == ["janus.transport.http", "janus.transport.websockets"]
    finally:
        service.terminate()
        service.wait(10)
