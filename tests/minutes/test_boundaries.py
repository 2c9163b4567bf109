"""The minutes read rooms, captions and negotiation only through their selectors and
services: no module of the minutes (its demo aside) imports their models or the negotiation
state."""

import re
from pathlib import Path

FORBIDDEN = re.compile(
    r"^\s*from server\.(?:(?:rooms|captions|negotiation)\.models|negotiation\.state)\b"
    r"|^\s*from server\.(?:rooms|captions|negotiation) import (?:[\w, ]*\b)?(?:models|state)\b",
    re.M,
)
MINUTES = Path(__file__).parents[2] / "server" / "minutes"


def test_the_minutes_import_no_other_apps_models_or_the_negotiation_state() -> None:
    code = [path for path in MINUTES.rglob("*.py") if path.name != "demo.py"]
    assert len(code) > 10
    importing = [
        str(path.relative_to(MINUTES)) for path in code if FORBIDDEN.search(path.read_text())
    ]
    assert importing == []
