"""The room page in Debian Chromium: several people, one browser context each, live.

The tests share one server and meeting 1; each uses delegations of its own."""

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import LogIn, enter_plenary

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OTIENO = "Mr. David Otieno (Kenya)"
SOUZA = "Ms. Ana Souza (Brazil)"
HERNANDEZ = "Sra. Lucía Hernández (Mexico)"


def starts(text: str) -> re.Pattern[str]:
    return re.compile(f"^{re.escape(text)}")


def timer_seconds(page: Page) -> int:
    return int(page.get_by_test_id("floor-timer").get_attribute("data-seconds") or "")


def send_chat(page: Page, text: str, *, to: str = "meeting") -> None:
    page.get_by_label("Message").fill(text)
    if to != "meeting":
        page.get_by_label("To").select_option(to)
    page.get_by_role("button", name="Send").click()


def test_the_delegate_asks_the_chair_gives_the_floor_and_the_timer_runs(log_in: LogIn) -> None:
    chair, kenya = log_in("chair"), log_in("kenya")
    enter_plenary(chair)
    enter_plenary(kenya)
    expect(kenya.get_by_test_id("chair-controls")).to_have_count(0)

    kenya.get_by_role("button", name="Request the floor").click()
    expect(chair.get_by_test_id("speakers")).to_contain_text(OTIENO)
    chair.get_by_role("button", name=f"Give floor to {OTIENO}").click()

    expect(kenya.get_by_test_id("floor-holder")).to_have_text(OTIENO)
    expect(kenya.get_by_test_id("floor-timer")).to_have_text(re.compile(r"^[23]:\d\d$"))
    expect(kenya.get_by_test_id("speakers")).not_to_contain_text("Otieno")
    first = timer_seconds(kenya)
    kenya.wait_for_timeout(2100)
    assert timer_seconds(kenya) < first

    chair.get_by_role("button", name="Stop timer").click()
    expect(kenya.get_by_test_id("floor-timer")).to_have_attribute("data-running", "false")
    stopped = timer_seconds(kenya)
    kenya.wait_for_timeout(1200)
    assert timer_seconds(kenya) == stopped

    chair.get_by_role("button", name="Take the floor back").click()
    expect(kenya.get_by_test_id("floor-holder")).to_have_text("Nobody has the floor.")
    expect(kenya.get_by_test_id("floor-timer")).to_be_hidden()


def test_chat_reaches_the_meeting_and_delegation_chat_only_the_delegation(log_in: LogIn) -> None:
    chair, kenya, kenya2 = log_in("chair"), log_in("kenya"), log_in("kenya2")
    for page in (chair, kenya, kenya2):
        enter_plenary(page)
    send_chat(kenya, "We support the proposal.")
    expect(chair.get_by_test_id("chat")).to_contain_text("We support the proposal.")

    send_chat(kenya, "Between us: hold firm on para 3.", to="delegation")
    expect(kenya2.get_by_test_id("chat")).to_contain_text("hold firm on para 3")
    send_chat(chair, "Thank you.")
    expect(kenya2.get_by_test_id("chat")).to_contain_text("Thank you.")
    expect(chair.get_by_test_id("chat")).not_to_contain_text("hold firm")
    expect(chair.get_by_label("To")).to_have_count(0)  # the chair has no delegation


def test_the_chair_orders_the_list_with_the_keyboard(log_in: LogIn) -> None:
    chair, brazil, mexico = log_in("chair"), log_in("brazil"), log_in("mexico")
    for page in (chair, brazil, mexico):
        enter_plenary(page)
    brazil.get_by_role("button", name="Request the floor").click()
    expect(chair.get_by_test_id("speakers")).to_contain_text(SOUZA)
    mexico.get_by_label("Request").select_option("right_of_reply")
    mexico.get_by_role("button", name="Request the floor").click()
    speakers = brazil.get_by_test_id("speakers").get_by_role("listitem")
    expect(speakers).to_have_text([starts(SOUZA), starts(f"Right of reply {HERNANDEZ}")])

    move_up = chair.get_by_role("button", name=f"Move {HERNANDEZ} up")
    move_up.focus()
    chair.keyboard.press("Enter")
    expect(speakers).to_have_text([starts(f"Right of reply {HERNANDEZ}"), starts(SOUZA)])
    expect(move_up).to_be_focused()  # the list was redrawn; the focus stayed put
    expect(move_up).to_have_attribute("aria-disabled", "true")

    chair.keyboard.press("Tab")  # Down
    chair.keyboard.press("Tab")  # Remove
    expect(chair.get_by_role("button", name=f"Remove {HERNANDEZ} from the list")).to_be_focused()
    chair.keyboard.press("Enter")
    expect(speakers).to_have_text([starts(SOUZA)])
    expect(chair.get_by_test_id("speakers")).to_be_focused()

    brazil.get_by_role("button", name="Withdraw my request").click()
    expect(speakers).to_have_count(0)


def test_hands_are_raised_and_lowered_by_the_chair(log_in: LogIn) -> None:
    chair, senegal = log_in("chair"), log_in("senegal")
    enter_plenary(chair)
    enter_plenary(senegal)
    senegal.get_by_role("button", name="Raise my hand").click()
    expect(chair.get_by_test_id("hands")).to_contain_text("M. Ousmane Diop (Senegal)")
    chair.get_by_role("button", name="Lower the hand of M. Ousmane Diop (Senegal)").click()
    expect(senegal.get_by_test_id("hands")).not_to_contain_text("Diop")
    expect(senegal.get_by_role("button", name="Raise my hand")).to_have_attribute(
        "aria-pressed", "false"
    )


def test_a_suspended_meeting_refuses_requests_and_says_why(log_in: LogIn) -> None:
    chair, spain = log_in("chair"), log_in("spain")
    enter_plenary(chair)
    enter_plenary(spain)
    chair.get_by_role("button", name="Suspend").click()
    expect(spain.get_by_test_id("meeting-status")).to_have_text("suspended")
    expect(chair.get_by_role("button", name="Suspend")).to_have_attribute("aria-disabled", "true")

    spain.get_by_role("button", name="Request the floor").click()
    expect(spain.get_by_role("alert")).to_contain_text("open")
    expect(chair.get_by_test_id("speakers")).not_to_contain_text("Martín")

    chair.get_by_role("button", name="Resume").click()
    expect(spain.get_by_test_id("meeting-status")).to_have_text("open")


def test_a_page_that_lost_its_socket_catches_up(log_in: LogIn) -> None:
    chair, japan = log_in("chair"), log_in("japan")
    enter_plenary(chair)
    enter_plenary(japan)
    japan.context.set_offline(True)
    japan.evaluate("window.plenaryRoom.socket.close()")
    expect(japan.get_by_test_id("connection")).to_have_text("Reconnecting…")

    chair.get_by_label("Agenda item").select_option(
        label="3. New collective quantified goal on climate finance"
    )
    chair.get_by_role("button", name="Switch").click()
    send_chat(chair, "Moving to item 3.")
    expect(chair.get_by_test_id("agenda-current")).to_contain_text("3. New collective")

    japan.context.set_offline(False)
    expect(japan.get_by_test_id("connection")).to_have_text("Live", timeout=15000)
    expect(japan.get_by_test_id("agenda-current")).to_contain_text("3. New collective")
    expect(japan.get_by_test_id("chat")).to_contain_text("Moving to item 3.")
    seq = japan.evaluate("window.plenaryRoom.state.seq")
    assert seq == chair.evaluate("window.plenaryRoom.state.seq")


def test_the_client_fetches_a_gap_before_applying_newer_events(log_in: LogIn) -> None:
    chair, france = log_in("chair"), log_in("france")
    enter_plenary(chair)
    enter_plenary(france)
    send_chat(chair, "Before the gap.")
    expect(france.get_by_test_id("chat")).to_contain_text("Before the gap.")
    # France "missed" the last event: its state goes back one step and forgets that line;
    # the next live event reveals the gap, and the client fetches it first.
    france.evaluate(
        """() => { const c = window.plenaryRoom;
          c.state = {...c.state, seq: c.state.seq - 1, chat: c.state.chat.slice(0, -1)}; }"""
    )
    send_chat(chair, "After the gap.")
    expect(france.get_by_test_id("chat")).to_contain_text("After the gap.")
    texts = france.evaluate("window.plenaryRoom.state.chat.map((line) => line.text)")
    assert texts[-2:] == ["Before the gap.", "After the gap."]
    assert france.evaluate("window.plenaryRoom.state.seq") == chair.evaluate(
        "window.plenaryRoom.state.seq"
    )
