"""A recorded vote in Debian Chromium: the chair puts the question, three delegations vote,
everyone sees who has voted (not how) and then the result, and the minutes' export lists the
names. Its own module: its own server, so the vote does not meet another test's."""

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import LogIn, enter_plenary

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "Draft resolution CF/2026/L.1"


def vote(page: Page, choice: str) -> None:
    ballot = page.get_by_test_id("vote-ballot")
    ballot.get_by_role("button", name=choice, exact=True).click()
    expect(ballot).to_be_hidden()  # one ballot: the buttons go once it is counted


def test_the_chair_opens_a_recorded_vote_three_delegations_vote_all_see_the_result(
    log_in: LogIn,
) -> None:
    chair, kenya, spain, france, wmo = (
        log_in(who) for who in ("chair", "kenya", "spain", "france", "wmo")
    )
    for page in (chair, kenya, spain, france, wmo):
        enter_plenary(page)

    chair.get_by_label("Question").fill(QUESTION)
    chair.get_by_label("Decide").select_option("recorded")
    chair.get_by_role("button", name="Put the question").click()
    for page in (kenya, spain, france, wmo):
        expect(page.get_by_test_id("vote-question")).to_have_text(QUESTION)
    expect(wmo.get_by_test_id("vote-ballot")).to_be_hidden()  # observers do not vote

    vote(kenya, "Yes")
    vote(spain, "Yes")
    vote(france, "No")
    for page in (chair, kenya, wmo):
        expect(page.get_by_test_id("vote-voted")).to_have_text("ESP, FRA, KEN")
        expect(page.get_by_test_id("vote-result")).to_be_empty()  # nobody sees how, yet

    chair.get_by_role("button", name="Close and announce the result").click()
    for page in (chair, kenya, spain, france, wmo):
        result = page.get_by_test_id("vote-result")
        expect(result).to_contain_text("Adopted.")
        expect(result).to_contain_text("2 in favour, 1 against, 0 abstaining.")
        expect(result).to_contain_text("In favour: Kenya, Spain.")
        expect(result).to_contain_text("Against: France.")

    secretariat = log_in("secretariat")
    secretariat.locator("tr", has_text="1st plenary meeting").get_by_role(
        "link", name="Minutes"
    ).click()
    secretariat.get_by_label("Form").select_option(label="Verbatim record")
    secretariat.get_by_label("Language").select_option("en")
    secretariat.get_by_role("button", name="Start the draft").click()
    expect(secretariat.get_by_test_id("state")).to_have_text("Draft")
    page_address = secretariat.url.split("?")[0].rstrip("/")
    export = secretariat.request.get(f"{page_address}/export.md")
    assert export.ok
    text = export.text()
    assert f"{QUESTION} was adopted by a recorded vote of 2 to 1, with no abstentions." in text
    assert "In favour: Kenya, Spain." in text and "Against: France." in text


def test_a_roll_call_shows_everyone_whose_turn_it_is(log_in: LogIn) -> None:
    chair, kenya = log_in("chair"), log_in("kenya")
    for page in (chair, kenya):
        enter_plenary(page)
    chair.get_by_label("Question").fill("Draft decision CF/2026/L.2")
    chair.get_by_label("Decide").select_option("roll_call")
    chair.get_by_role("button", name="Put the question").click()
    turn = kenya.get_by_test_id("vote-turn")
    expect(turn).to_have_text(re.compile(r"^Called: [A-Z]+$"))
    first = turn.text_content()
    expect(chair.get_by_test_id("vote-turn")).to_have_text(first or "")
    expect(kenya.get_by_test_id("vote-ballot")).to_be_visible(visible=first == "Called: KEN")
    chair.get_by_role("button", name="Pass over (no answer)").click()
    expect(turn).not_to_have_text(first or "")
    expect(chair.get_by_test_id("vote-turn")).to_have_text(turn.text_content() or "")
