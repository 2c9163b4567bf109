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
    kenya.get_by_label("Proposal", exact=True).select_option("move")  # only what it needs
    expect(kenya.get_by_label("Clause to move")).to_be_visible()
    expect(kenya.get_by_label("Other clause (merge with / move after)")).to_be_visible()
    expect(kenya.get_by_label("New words")).to_be_hidden()
    kenya.get_by_label("Proposal", exact=True).select_option("replace")
    expect(kenya.get_by_label("Option no.")).to_be_hidden()
    expect(kenya.get_by_label("Other clause (merge with / move after)")).to_be_hidden()
    kenya.get_by_label("Clause", exact=True).select_option(label="4 (clause 11)")
    kenya.get_by_label("Words in the text").fill("align their operations")
    kenya.get_by_label("New words").fill("align all their operations")
    kenya.get_by_label("Co-sponsors").fill("sen, mex")
    kenya.get_by_label("Rationale").fill("Banks must move now.")
    kenya.get_by_role("button", name="Table the proposal").click()

    proposal = chair.get_by_test_id("proposal-5")
    expect(proposal).to_contain_text("Invited to co-sponsor (not yet accepted): MEX, SEN")
    expect(proposal).to_contain_text("Banks must move now.")
    expect(kenya.get_by_test_id("proposal-5")).to_be_visible()
    senegal = open_text(browser, server, "senegal")
    senegal.get_by_role("button", name="Co-sponsor proposal 5", exact=True).click()
    expect(proposal.locator(".sponsors")).to_have_text("KEN, SEN")  # the cosponsor accepted
    expect(proposal).to_contain_text("not yet accepted): MEX")
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
    expect(facilitator.locator("#connection")).to_have_text("Offline")
    chair.get_by_test_id("clause-PP3").get_by_label("Status").select_option("under_discussion")
    chair.get_by_test_id("clause-PP3").get_by_role("button", name="Set status").click()
    expect(chair.get_by_test_id("clause-PP3").get_by_test_id("status")).to_have_text(
        "under discussion"
    )
    facilitator.get_by_test_id("clause-PP3").get_by_label("Status").select_option("bracketed")
    facilitator.get_by_test_id("clause-PP3").get_by_role("button", name="Set status").click()
    expect(facilitator.locator("#alerts")).to_contain_text("changed since version")


def test_a_change_replaces_only_its_clause_keeps_focus_and_says_what_happened(
    browser: Browser, server: ServerProcess
) -> None:
    kenya, chair = open_text(browser, server, "kenya"), open_text(browser, server, "chair")
    kenya.evaluate(
        "['clause-4', 'clause-PP3'].forEach((id) =>"
        " document.querySelector(`[data-testid=${id}]`).plenaryUntouched = true)"
    )
    comment = kenya.get_by_label("Comment on clause PP3")
    comment.fill("Too weak")  # typed, not sent, and focused
    status = chair.get_by_test_id("clause-PP3").get_by_test_id("status").text_content()
    wanted = "under_discussion" if status == "bracketed" else "bracketed"
    chair.get_by_test_id("clause-PP3").get_by_label("Status").select_option(wanted)
    chair.get_by_role("button", name="Set status of clause PP3").click()

    said = wanted.replace("_", " ")
    expect(kenya.get_by_test_id("clause-PP3").get_by_test_id("status")).to_have_text(said)
    expect(kenya.get_by_test_id("announce")).to_have_text(f"Clause PP3: status: {said}")
    expect(comment).to_be_focused()
    expect(comment).to_have_value("Too weak")
    untouched = kenya.evaluate(
        "['clause-4', 'clause-PP3'].map((id) =>"
        " document.querySelector(`[data-testid=${id}]`).plenaryUntouched === true)"
    )
    assert untouched == [True, False]  # the other clause is the same node; PP3 a new one
    assert "\n" not in (kenya.get_by_test_id("announce").text_content() or "")
    assert policy_violations(kenya.context) == policy_violations(chair.context) == []
