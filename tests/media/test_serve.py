"""``plenary serve`` runs Janus as its child: ready once Janus answers, Janus restarted
should it die, and gone with the server."""

import json
import os
import signal
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.server import ServerProcess

pytestmark = [pytest.mark.slow]


def readiness(server: ServerProcess) -> dict[str, str]:
    with urllib.request.urlopen(f"{server.url}/readyz", timeout=5) as response:
        checks: dict[str, str] = json.loads(response.read())["checks"]
    return checks


def test_serve_runs_restarts_and_stops_janus(data_dir: Path) -> None:
    server = ServerProcess(data_dir)
    server.prepare()
    server.start()
    try:
        server.wait_until_ready(60)
        assert readiness(server)["media"] == "ok"
        first = server.janus_child()
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while "Janus restarted" not in server.log():
            assert time.monotonic() < deadline, server.log()[-2000:]
            time.sleep(0.1)
        second = server.janus_child()
        assert second != first
        assert "restarting it" in server.log()
        assert readiness(server)["media"] == "ok"
    finally:
        server.stop()
    assert (
        not Path(f"/proc/{second}").exists()
        or "Z" in Path(f"/proc/{second}/stat").read_text().split()[2]
    )
