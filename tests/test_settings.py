"""Settings that production refuses."""

import subprocess
from pathlib import Path

from tests.support.server import PLENARY, REPO, production_env


def test_production_refuses_debug(tmp_path: Path) -> None:
    env = production_env(tmp_path, PLENARY_DEBUG="1")
    result = subprocess.run([*PLENARY, "check"], env=env, cwd=REPO, capture_output=True, text=True)
    assert result.returncode != 0
    assert "PLENARY_DEBUG=1 is refused when PLENARY_ENV=production" in result.stderr
