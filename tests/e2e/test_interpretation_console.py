"""The interpretation pages in Chromium, their controls over the room's socket: the
interpreter's console (take, hand over, release, the cough key, relay) and the room page's
channel picker (live, silent, kept across a reload). The sound itself is in
test_interpretation.py, which needs a network namespace for WebRTC; these run anywhere."""

import pytest
from playwright.sync_api import Page, expect

from .conftest import LogIn, enter_plenary

pytestmark = [pytest.mark.browser]

# The demo's Spanish and French interpreters (server/conferences/demo.py).
INTERPRETERS = {"es": ["interpreter-es-1", "interpreter-es-2"], "fr": ["interpreter-fr-1"]}
RUIZ, ORTEGA = "Sra. Marta Ruiz (ES booth)", "Sr. Pablo Ortega (ES booth)"


def console(page: Page) -> Page:
    """From "My meetings" to the plenary's interpreter's console (through the room's link)."""
    enter_plenary(page)
    page.get_by_role("link", name="Open the interpreter's console").click()
    expect(page.get_by_test_id("connection")).to_have_text("Live")
    return page


def test_interpretation_console_take_hand_over_release_and_the_listener_follows(
    log_in: LogIn,
) -> None:
    first, partner = console(log_in("interpreter-es-1")), console(log_in("interpreter-es-2"))
    listener = log_in("spain")
    enter_plenary(listener)
    expect(listener.get_by_test_id("channel-status-es")).to_have_text("silent")
    expect(listener.get_by_test_id("channel-status-fr")).to_have_text("unstaffed")
    listener.get_by_role("radio", name="Spanish").check()
    badge = listener.get_by_test_id("channel-badge")
    expect(badge).to_have_text("The Spanish booth is silent: you hear the floor.")

    first.get_by_role("button", name="Take the microphone").click()
    expect(first.get_by_test_id("booth-state")).to_have_attribute("data-live", "true")
    expect(partner.get_by_test_id("booth-state")).to_contain_text(f"Live: {RUIZ}")
    expect(partner.get_by_role("button", name="Take the microphone")).to_be_hidden()
    expect(listener.get_by_test_id("channel-status-es")).to_have_text("live")
    expect(badge).to_be_hidden()

    first.get_by_role("button", name="Hand over to my partner").click()
    offer = partner.get_by_test_id("booth-offer")
    expect(offer).to_have_text(f"{RUIZ} hands the microphone over to you: take it.")
    expect(first.get_by_test_id("booth-handover")).to_have_attribute("aria-disabled", "true")
    partner.get_by_role("button", name="Take the microphone").click()
    expect(partner.get_by_test_id("booth-state")).to_have_attribute("data-live", "true")
    expect(first.get_by_test_id("booth-state")).to_have_attribute("data-live", "false")
    expect(offer).to_be_hidden()
    expect(badge).to_be_hidden()  # the channel stayed live

    # The cough key: muted while C is held, back when let go; the button does the same.
    partner.keyboard.down("c")
    expect(partner.get_by_test_id("booth-state")).to_have_attribute("data-muted", "true")
    expect(first.get_by_test_id("booth-state")).to_contain_text(f"Live: {ORTEGA}")
    partner.keyboard.up("c")
    expect(partner.get_by_test_id("booth-state")).to_have_attribute("data-muted", "false")
    cough = partner.get_by_role("button", name="Cough (hold to mute)")
    cough.hover()
    partner.mouse.down()
    expect(cough).to_have_attribute("aria-pressed", "true")
    partner.mouse.up()
    expect(cough).to_have_attribute("aria-pressed", "false")

    partner.get_by_role("button", name="Release the microphone").click()
    expect(badge).to_have_text("The Spanish booth is silent: you hear the floor.")
    expect(partner.get_by_role("button", name="Take the microphone")).to_be_visible()


def test_interpretation_the_listeners_choice_is_kept(log_in: LogIn) -> None:
    listener = log_in("mexico")
    enter_plenary(listener)
    expect(listener.get_by_role("radio", name="Floor (original)")).to_be_checked()
    expect(listener.get_by_test_id("floor-under")).to_be_disabled()
    listener.get_by_role("radio", name="French").check()
    listener.get_by_test_id("floor-under").check()
    expect(listener.get_by_test_id("channel-badge")).to_contain_text("French booth has no")
    listener.wait_for_timeout(300)  # the choice on its way to the server
    listener.reload()
    expect(listener.get_by_test_id("connection")).to_have_text("Live")
    expect(listener.get_by_role("radio", name="French")).to_be_checked()
    expect(listener.get_by_test_id("floor-under")).to_be_checked()
    listener.get_by_role("radio", name="Floor (original)").check()
    expect(listener.get_by_test_id("channel-badge")).to_be_hidden()


def test_interpretation_relay_sources_without_chains(log_in: LogIn) -> None:
    french, spanish = console(log_in("interpreter-fr-1")), console(log_in("interpreter-es-1"))
    french.get_by_test_id("booth-source").select_option("es")
    expect(french.get_by_test_id("booth-hears")).to_contain_text("Spanish booth is not live")
    # While the French booth relays, the Spanish one may not take relay from it.
    expect(spanish.locator("#booth-source option[value=fr]")).to_be_disabled()
    spanish.get_by_role("button", name="Take the microphone").click()
    expect(spanish.get_by_test_id("booth-state")).to_have_attribute("data-live", "true")
    expect(french.get_by_test_id("booth-hears")).to_have_text("You hear the Spanish booth (relay).")
    french.get_by_test_id("booth-source").select_option("")
    expect(french.get_by_test_id("booth-hears")).to_have_text("You hear the floor.")
    expect(spanish.locator("#booth-source option[value=fr]")).to_be_enabled()
    spanish.get_by_role("button", name="Release the microphone").click()
