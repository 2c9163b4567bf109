"""Debian's Chromium driven by Playwright, against a real Plenary server process.

Each module's server (with the Janus it starts) and Chromium run in a network namespace of
the module's own (tests/support/netns.py): WebRTC needs an interface other than the
loopback, and its packets must never use the machine's own addresses. Where namespaces
cannot be made (not root), they run on the host's loopback and the WebRTC tests skip."""

import contextlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    StorageState,
    expect,
    sync_playwright,
)

from tests.support.netns import INTERFACE, NetworkNamespace, network_namespace
from tests.support.server import ServerProcess

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "plenary-demo"
# Every page of a watched context records what its Content-Security-Policy blocked.
RECORD_VIOLATIONS = """
window.plenaryViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.plenaryViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`));
"""


def watch_policy(context: BrowserContext) -> BrowserContext:
    context.add_init_script(RECORD_VIOLATIONS)
    return context


def policy_violations(context: BrowserContext) -> list[str]:
    """What the policy blocked in the context's open pages (none, on every page of ours)."""
    found: list[str] = []
    for page in context.pages:
        if not page.is_closed():
            found += page.evaluate("window.plenaryViolations || []")
    return found


@pytest.fixture(scope="module")
def namespace() -> Iterator[NetworkNamespace | None]:
    if os.geteuid() != 0 or shutil.which("ip") is None:
        yield None
        return
    with network_namespace() as made:
        yield made


def inside(namespace: NetworkNamespace | None) -> AbstractContextManager[None]:
    """The calling thread in ``namespace`` (where there is one) for the block: processes
    started and sockets opened there belong to it."""
    return namespace.entered() if namespace else contextlib.nullcontext()


def server_start(namespace: NetworkNamespace | None, data_dir: Path, **env: str) -> ServerProcess:
    """A prepared server started in ``namespace``; its Janus gathers ICE candidates on the
    namespace's private interface."""
    process = ServerProcess(data_dir, {"PLENARY_JANUS_INTERFACE": INTERFACE, **env})
    process.prepare()
    with inside(namespace):
        process.start()
    return process


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, namespace: NetworkNamespace | None
) -> Iterator[ServerProcess]:
    process = server_start(namespace, tmp_path_factory.mktemp("e2e"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def playwright(namespace: NetworkNamespace | None) -> Iterator[Playwright]:
    """Playwright's driver, started in the namespace: the Chromiums it launches are there."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip(f"Debian's Chromium is not at {CHROMIUM} (apt-get install chromium)")
    with inside(namespace):
        driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def sessions() -> dict[str, StorageState]:
    """Cookies of everyone who has logged in through the form once in this module."""
    return {}


LogIn = Callable[[str], Page]


def log_in_with_the_form(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{url}/")


@pytest.fixture
def log_in(
    browser: Browser, server: ServerProcess, sessions: dict[str, StorageState]
) -> Iterator[LogIn]:
    """``log_in(username)`` → a page of a fresh browser context on "My meetings". The first
    time in a module a user logs in through the form; later their session is reused."""
    contexts = []

    def open_as(username: str) -> Page:
        context = watch_policy(browser.new_context(storage_state=sessions.get(username)))
        contexts.append(context)
        page = context.new_page()
        if username in sessions:
            page.goto(f"{server.url}/")
        else:
            log_in_with_the_form(page, server.url, username)
            sessions[username] = context.storage_state()
        return page

    yield open_as
    violations = [v for context in contexts for v in policy_violations(context)]
    for context in contexts:
        context.close()
    assert violations == []


def enter_plenary(page: Page) -> None:
    page.get_by_role("link", name="1st plenary meeting").click()
    expect(page.get_by_test_id("connection")).to_have_text("Live")


def until_true(page: Page, promise: str, *, timeout: float = 20_000, polling: float = 200) -> None:
    """Until ``promise`` (JavaScript: a promise of a truth value, e.g. of a page's
    ``receivedStats()``) resolves true in ``page``, polled every ``polling`` ms. Playwright's
    ``wait_for_function`` does not wait on a promise: it takes the promise itself as true and
    returns at once."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(promise):
        if time.monotonic() >= deadline:
            raise AssertionError(f"not true within {timeout / 1000:g} s: {promise}")
        page.wait_for_timeout(polling)
