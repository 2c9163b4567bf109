"""The pages' ES modules and templates build the DOM from nodes: no HTML is ever put
together from values, so nothing a participant wrote can become markup or script."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
# Writing HTML into the page: innerHTML or outerHTML set to anything but an empty string,
# insertAdjacentHTML, document.write, createContextualFragment.
HTML_SINKS = re.compile(
    r"\.(?:inner|outer)HTML\s*\+?=(?!=)(?!\s*(?:\"\"|''|``)\s*[;,)\n])"
    r"|\binsertAdjacentHTML\b|\bdocument\.write(?:ln)?\b|\bcreateContextualFragment\b"
)


def html_sinks(source: str) -> list[str]:
    return [match.group(0) for match in HTML_SINKS.finditer(source)]


def test_the_check_finds_html_built_from_values() -> None:
    assert html_sinks("select.innerHTML = options;") == [".innerHTML ="]
    assert html_sinks("el.innerHTML += `<b>${name}</b>`;") == [".innerHTML +="]
    assert html_sinks("el.outerHTML=x") and html_sinks("el.insertAdjacentHTML('beforeend', x)")
    assert html_sinks("document.write(x)") and html_sinks("range.createContextualFragment(x)")
    assert html_sinks('list.innerHTML = "";') == []
    assert html_sinks("if (el.innerHTML === x) {}") == []


def test_no_module_or_template_writes_html_from_values() -> None:
    files = [*FRONTEND.rglob("*.js"), *FRONTEND.rglob("*.html")]
    assert len(files) > 20
    found = {str(f.relative_to(FRONTEND)): html_sinks(f.read_text()) for f in files}
    assert {name: sinks for name, sinks in found.items() if sinks} == {}


def test_every_module_parses() -> None:
    """A syntax error in one module stops every page that imports it (the room page stayed
    at "Connecting…" once): Node checks each module's syntax as the browser would."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    modules = sorted((FRONTEND / "static/js").glob("*.js"))
    assert len(modules) > 20
    failed = {}
    for module in modules:
        checked = subprocess.run(
            [node, "--check", "--input-type=module"],
            input=module.read_text(),
            capture_output=True,
            text=True,
        )
        if checked.returncode:
            failed[module.name] = checked.stderr.strip().splitlines()[:4]
    assert failed == {}
