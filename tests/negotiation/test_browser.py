"""The negotiation page in Debian Chromium against a real server: a delegate tables a
proposal through the form, the chair accepts it, both pages show the change live."""

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.conftest import policy_violations, watch_policy
from tests.support.server import PLENARY, REPO, ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOAD_TEXT = (
    "from server.conferences.demo import demo_load; "
    "from server.negotiation.demo import negotiation_demo_load; "
    "negotiation_demo_load(demo_load())"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("negotiation-e2e"))
    process.prepare()
    subprocess.run(
        [*PLENARY, "shell", "-c", LOAD_TEXT],
        env=process.env,
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def open_text(browser: Browser, server: ServerProcess, username: str) -> Page:
    page = watch_policy(browser.new_context()).new_page()
    page.goto(f"{server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("plenary-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}/")
    page.goto(f"{server.url}/negotiation/")
    page.get_by_role("link", name="Draft decision").click()
    expect(page.locator("#connection")).to_have_text("Live")
    return page


def test_a_delegate_proposes_the_chair_accepts_and_both_see_it_live(
    browser: Browser, server: ServerProcess
) -> None:
    kenya, chair = open_text(browser, server, "kenya"), open_text(browser, server, "chair")
    expect(kenya.get_by_role("button", name="Accept proposal 3")).to_have_count(0)
    kenya.get_by_label("Proposal", exact=True).select_option("replace")
    kenya.get_by_label("Clause", exact=True).select_option(label="4 (clause 11)")
    kenya.get_by_label("Words in the text").fill("align their operations")
    kenya.get_by_label("New words").fill("align all their operations")
    kenya.get_by_label("Co-sponsors").fill("sen, mex")
    kenya.get_by_label("Rationale").fill("Banks must move now.")
    kenya.get_by_role("button", name="Table the proposal").click()

    proposal = chair.get_by_test_id("proposal-5")
    expect(proposal).to_contain_text("KEN, MEX, SEN")
    expect(proposal).to_contain_text("Banks must move now.")
    expect(kenya.get_by_test_id("proposal-5")).to_be_visible()
    proposal.get_by_role("button", name="Accept proposal 5").click()

    for page in (kenya, chair):
        words = page.get_by_test_id("clause-4").get_by_test_id("words")
        expect(words).to_have_text(
            "Invites multilateral development banks to [further] align all their operations "
            "with the Paris Agreement;"
        )
        expect(page.get_by_test_id("proposal-5")).to_have_count(0)
        expect(page.get_by_test_id("counts")).to_contain_text("4 brackets")
    assert policy_violations(kenya.context) == policy_violations(chair.context) == []


def test_a_stale_change_is_refused_with_what_changed(
    browser: Browser, server: ServerProcess
) -> None:
    chair, facilitator = (
        open_text(browser, server, "chair"),
        open_text(browser, server, "facilitator"),
    )
    facilitator.evaluate("window.plenaryNegotiation.stop()")  # hears nothing more
    expect(facilitator.locator("#connection")).to_have_text("Reconnecting…")
    chair.get_by_test_id("clause-PP3").get_by_label("Status").select_option("under_discussion")
    chair.get_by_test_id("clause-PP3").get_by_role("button", name="Set status").click()
    expect(chair.get_by_test_id("clause-PP3").get_by_test_id("status")).to_have_text(
        "under discussion"
    )
    facilitator.get_by_test_id("clause-PP3").get_by_label("Status").select_option("bracketed")
    facilitator.get_by_test_id("clause-PP3").get_by_role("button", name="Set status").click()
    expect(facilitator.locator("#alerts")).to_contain_text("changed since version")
