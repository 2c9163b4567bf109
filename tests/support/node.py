"""The pages' pure ES modules run in Node, as the pages run them: copied beside a
``protocol.js`` that holds the constants the server's own view publishes."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory

from server.web.views import protocol_constants

JS = Path(__file__).resolve().parents[2] / "frontend/static/js"


def node_run(tmp_path: Path, modules: list[str], script: str, payload: object) -> Any:
    """What ``script`` (an ES module beside ``modules``, reading ``payload`` as JSON on its
    standard input) writes as JSON."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    for name in modules:
        shutil.copy(JS / name, tmp_path / name)
    constants = protocol_constants(RequestFactory().get("/api/protocol/constants.json"))
    (tmp_path / "protocol.js").write_text(
        f"export const PROTOCOL = Object.freeze({constants.content.decode()});\n"
    )
    (tmp_path / "package.json").write_text('{"type": "module"}')
    (tmp_path / "run.js").write_text(script)
    result = subprocess.run(
        [node, str(tmp_path / "run.js")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(result.stdout)
