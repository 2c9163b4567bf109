"""Simultaneous interpretation in Debian Chromium, through Plenary's Janus (issue 14).

As in test_webrtc.py, the server, its Janus and the browsers run in this module's network
namespace. Each voice is a browser of its own, because Chromium's fake microphone plays one
file per browser: the floor speaker's English statement, the Spanish booth's interpreters'
Spanish one and the French booth's French one (espeak-ng). A listener's page tells what it
received on the floor's subscription and on its channel (inbound RTP bytes and the energy of
the sound it played), so each test checks which source it heard: the booth's voice stops
when the live interpreter coughs while the floor goes on speaking."""

import itertools
import shutil
import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.support.fake_capture import speech_wav
from tests.support.server import ServerProcess

from .conftest import CHROMIUM, CHROMIUM_ARGS, enter_plenary, log_in_with_the_form, until_true
from .test_interpretation_console import INTERPRETERS
from .test_webrtc import namespace  # noqa: F401 (the fixture: WebRTC needs a namespace)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("janus") is None, reason="Debian's janus is not here"),
]

VOICES = {
    "en": ("en", "We support the draft decision on climate finance and we thank the chair."),
    "es": ("es", "Apoyamos el proyecto de decisión sobre la financiación climática."),
    "fr": ("fr", "Nous soutenons le projet de décision sur le financement climatique."),
}
OTIENO = "Mr. David Otieno (Kenya)"


@pytest.fixture(scope="module")
def voices(
    playwright: Playwright, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Browser]]:
    """A Chromium per voice, its fake microphone speaking that voice's statement in a loop,
    media granted without asking, sound played without a click."""
    folder = tmp_path_factory.mktemp("voices")
    launched: dict[str, Browser] = {}
    for name, (voice, text) in VOICES.items():
        try:
            wav = speech_wav(text, folder / f"{name}.wav", voice=voice, lead=0.3)
        except FileNotFoundError as missing:
            pytest.skip(str(missing))
        args = [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}",
            "--autoplay-policy=no-user-gesture-required",
        ]
        launched[name] = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *args]
        )
    yield launched
    for browser in launched.values():
        browser.close()


OpenAs = Callable[[str, str], Page]


@pytest.fixture(scope="module")
def open_as(voices: dict[str, Browser], server: ServerProcess) -> Iterator[OpenAs]:
    """``open_as(voice, username)``: a page of that voice's browser, logged in, on "My
    meetings"; one page per user for the module (the tests follow one meeting along)."""
    pages: dict[str, Page] = {}

    def open_page(voice: str, username: str) -> Page:
        if username not in pages:
            page = voices[voice].new_context().new_page()
            log_in_with_the_form(page, server.url, username)
            pages[username] = page
        return pages[username]

    yield open_page
    for page in pages.values():
        page.context.close()


def plenary_id(page: Page) -> int:
    link = page.get_by_role("link", name="1st plenary meeting").get_attribute("href") or ""
    return int(link.strip("/").split("/")[-1])


def console(open_as: OpenAs, voice: str, username: str) -> Page:
    page = open_as(voice, username)
    if "/interpret/" not in page.url:
        page.goto(f"{page.url.rstrip('/')}/meetings/{plenary_id(page)}/interpret/")
        expect(page.get_by_test_id("connection")).to_have_text("Live")
        expect(page.get_by_test_id("booth-media-status")).to_have_attribute(
            "data-state", "ready", timeout=20_000
        )
    return page


def room(open_as: OpenAs, voice: str, username: str) -> Page:
    page = open_as(voice, username)
    if "/meetings/" not in page.url:
        enter_plenary(page)
        expect(page.get_by_test_id("media-status")).to_have_attribute("data-state", "live")
    return page


def take(page: Page) -> None:
    """The interpreter takes the booth's microphone and is live."""
    page.get_by_role("button", name="Take the microphone").click()
    expect(page.get_by_test_id("booth-state")).to_have_attribute("data-live", "true")


def stats(page: Page, source: str) -> dict[str, float]:
    """What ``source`` (``plenaryMedia``: the floor; ``plenaryChannel``: the channel) received."""
    found: dict[str, float] = page.evaluate(f"window.{source}.receivedStats()")
    return found


def energy_gained(page: Page, source: str, seconds: float) -> float:
    """The energy of the sound ``source`` played during the next ``seconds``."""
    before = stats(page, source)["audioEnergy"]
    page.wait_for_timeout(seconds * 1000)
    return stats(page, source)["audioEnergy"] - before


def seconds_until(page: Page, condition: Callable[[float], bool], most: int = 15) -> list[float]:
    """The channel's energy second by second until a second's meets ``condition`` (a
    failure after ``most`` seconds)."""
    energies = [energy_gained(page, "plenaryChannel", 1)]
    while not condition(energies[-1]):
        assert len(energies) < most, energies
        energies.append(energy_gained(page, "plenaryChannel", 1))
    return energies


def heard_apart(page: Page, seconds: float) -> tuple[float, float]:
    """The energy the channel and the floor each played during ``seconds`` that follow a
    first second let go: the floor's counter may still report what it played just before a
    switch muted it (seen under load: a tenth of the channel's energy in the first window)."""
    page.wait_for_timeout(1000)
    before = (
        stats(page, "plenaryChannel")["audioEnergy"],
        stats(page, "plenaryMedia")["audioEnergy"],
    )
    page.wait_for_timeout(seconds * 1000)
    after = stats(page, "plenaryChannel")["audioEnergy"], stats(page, "plenaryMedia")["audioEnergy"]
    return after[0] - before[0], after[1] - before[1]


def until_heard(
    page: Page, source: str, after: Callable[[], object] = lambda: None, timeout: float = 20_000
) -> float:
    """Seconds from doing ``after`` until ``source`` plays sound with energy."""
    before = stats(page, source)["audioEnergy"]
    start = time.monotonic()
    after()
    try:
        until_true(
            page,
            f"window.{source}.receivedStats().then(s => s.audioEnergy > {before})",
            timeout=timeout,
            polling=50,
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}; {source}: {stats(page, source)}") from None
    return time.monotonic() - start


@pytest.fixture(scope="module")
def floor_speaks(open_as: OpenAs) -> Page:
    """Kenya has the floor and speaks English, for the module."""
    chair, kenya = room(open_as, "en", "chair"), room(open_as, "en", "kenya")
    kenya.get_by_role("button", name="Request the floor").click()
    chair.get_by_role("button", name=f"Give floor to {OTIENO}").click()
    kenya.get_by_role("button", name="Turn my microphone on").click()
    expect(kenya.get_by_test_id("mic-status")).to_contain_text("microphone is on")
    return kenya


def test_interpretation_a_listener_hears_the_booth_and_not_the_floor_then_the_floor(
    open_as: OpenAs, floor_speaks: Page
) -> None:
    listener = room(open_as, "en", "spain")
    until_heard(listener, "plenaryMedia")  # the floor, before any channel is chosen
    interpreter = console(open_as, "es", "interpreter-es-1")
    take(interpreter)
    expect(listener.get_by_test_id("channel-status-es")).to_have_text("live")

    spanish = listener.get_by_role("radio", name="Spanish")
    switch = until_heard(listener, "plenaryChannel", spanish.check)
    expect(listener.get_by_test_id("channel-badge")).to_be_hidden()
    # The booth's voice, and nothing of the floor: its sound is not played (muted).
    expect(listener.get_by_test_id("floor-video")).to_have_js_property("muted", True)
    channel, floor = heard_apart(listener, 3)
    assert channel > 0.01 and floor < channel / 100, (channel, floor)
    # The channel carries the interpreter alone: while they cough, the floor still
    # speaking, the channel is silent; when they let go, their voice is back.
    cough = interpreter.get_by_role("button", name="Cough (hold to mute)")
    voiced = energy_gained(listener, "plenaryChannel", 1)
    cough.hover()
    interpreter.mouse.down()
    expect(interpreter.get_by_test_id("booth-state")).to_have_attribute("data-muted", "true")
    # The first seconds may still carry the voice's last packets (the mute's way to Janus
    # through the room's event and the media socket: longer on a loaded machine).
    muted = seconds_until(listener, lambda energy: energy < voiced / 50)
    assert energy_gained(listener, "plenaryChannel", 1) < voiced / 50, (voiced, muted)
    interpreter.mouse.up()
    expect(interpreter.get_by_test_id("booth-state")).to_have_attribute("data-muted", "false")
    back_again = seconds_until(listener, lambda energy: energy > voiced / 5)
    print(f"channel energy per second: voiced {voiced:.4f}, coughing {muted}, after {back_again}")

    # Back to the floor: heard at once, the channel's stream paused.
    floor_radio = listener.get_by_role("radio", name="Floor (original)")
    back = until_heard(listener, "plenaryMedia", floor_radio.check)
    listener.wait_for_timeout(500)
    paused = stats(listener, "plenaryChannel")["audioBytes"]
    assert energy_gained(listener, "plenaryMedia", 2) > 0.01
    assert stats(listener, "plenaryChannel")["audioBytes"] == paused
    print(f"channel switch: floor → Spanish {switch:.2f} s, Spanish → floor {back:.2f} s")
    assert switch < 2 and back < 2


def test_interpretation_the_choice_is_kept_and_a_silent_booth_leaves_the_floor_heard(
    open_as: OpenAs, floor_speaks: Page
) -> None:
    listener = room(open_as, "en", "spain")
    listener.get_by_role("radio", name="Spanish").check()
    listener.get_by_test_id("floor-under").check()
    until_heard(listener, "plenaryChannel")
    # The floor plays quietly underneath.
    expect(listener.get_by_test_id("floor-video")).to_have_js_property("muted", False)
    assert listener.get_by_test_id("floor-video").evaluate("v => v.volume") == pytest.approx(0.15)
    listener.reload()
    expect(listener.get_by_test_id("connection")).to_have_text("Live")
    expect(listener.get_by_role("radio", name="Spanish")).to_be_checked()
    expect(listener.get_by_test_id("floor-under")).to_be_checked()

    interpreter = console(open_as, "es", "interpreter-es-1")
    interpreter.get_by_role("button", name="Release the microphone").click()
    badge = listener.get_by_test_id("channel-badge")
    expect(badge).to_contain_text("Spanish booth is silent: you hear the floor")
    expect(listener.get_by_test_id("floor-video")).to_have_js_property("volume", 1)
    # Measured after a first second: on a slow machine the counter still showed the floor
    # at the quiet volume (0.15², 0.0038 in 2 s) just after the page raised it.
    _, floor = heard_apart(listener, 2)
    assert floor > 0.01, floor
    take(interpreter)
    expect(badge).to_be_hidden()


def test_interpretation_a_handover_keeps_the_channel_live(
    open_as: OpenAs, floor_speaks: Page
) -> None:
    listener = room(open_as, "en", "spain")
    listener.get_by_role("radio", name="Spanish").check()
    listener.get_by_test_id("floor-under").uncheck()
    first, partner = (
        console(open_as, "es", "interpreter-es-1"),
        console(open_as, "es", "interpreter-es-2"),
    )
    if first.get_by_test_id("booth-state").get_attribute("data-live") != "true":
        take(first)
    until_heard(listener, "plenaryChannel")
    # The listener's page samples its channel's energy every 50 ms from here on.
    listener.evaluate(
        """() => {
          window.plenarySamples = [];
          window.plenarySampler = setInterval(async () => {
            const s = await window.plenaryChannel.receivedStats();
            window.plenarySamples.push([performance.now(), s.audioEnergy]);
          }, 50);
        }"""
    )
    listener.wait_for_timeout(1500)
    first.get_by_role("button", name="Hand over to my partner").click()
    expect(partner.get_by_test_id("booth-offer")).to_contain_text("hands the microphone over")
    taken = listener.evaluate("performance.now()")
    partner.get_by_role("button", name="Take the microphone").click()
    expect(partner.get_by_test_id("booth-state")).to_have_attribute("data-live", "true")
    expect(first.get_by_test_id("booth-state")).to_have_attribute("data-live", "false")
    listener.wait_for_timeout(2500)
    samples: list[list[float]] = listener.evaluate(
        "() => { clearInterval(window.plenarySampler); return window.plenarySamples; }"
    )
    # The longest stretch without new sound on the channel, across the handover.
    voiced = [t for (_, before), (t, e) in itertools.pairwise(samples) if e > before]
    gaps = [(b - a, a) for a, b in itertools.pairwise(voiced)]
    # Around the handover (from half a second before the take to two after it) and overall.
    near = max(gap for gap, since in gaps if taken - 500 <= since <= taken + 2000) / 1000
    overall = max(gaps)[0] / 1000
    print(f"handover: longest silence {near:.2f} s around the take, {overall:.2f} s overall")
    # The channel stays live: the partner's voice follows within a few seconds (the 1 s
    # target is a figure of bench/media/interpretation.py and of this print, not a timed
    # assertion: 0.11-0.16 s on a quiet machine, 1.18 s once under CI's load).
    assert near < 3.0 and voiced[-1] > taken + 1000
    expect(listener.get_by_test_id("channel-badge")).to_be_hidden()


def test_interpretation_a_relay_booth_is_heard_by_its_listeners(
    open_as: OpenAs, floor_speaks: Page
) -> None:
    spanish = [console(open_as, "es", name) for name in INTERPRETERS["es"]]
    if not any(
        p.get_by_test_id("booth-state").get_attribute("data-live") == "true" for p in spanish
    ):
        take(spanish[0])
    french = console(open_as, "fr", "interpreter-fr-1")
    french.get_by_test_id("booth-source").select_option("es")
    expect(french.get_by_test_id("booth-hears")).to_have_attribute("data-channel", "es")
    # The French booth hears the Spanish channel, not the floor.
    until_heard(french, "plenaryChannel")
    expect(french.get_by_test_id("floor-video")).to_have_js_property("muted", True)
    channel, floor = heard_apart(french, 3)
    assert channel > 0.01 and floor < channel / 100, (channel, floor)
    take(french)
    listener = room(open_as, "en", "france")
    listener.get_by_role("radio", name="French").check()
    until_heard(listener, "plenaryChannel")
    assert (
        stats(listener, "plenaryChannel")["mountpoint"]
        != stats(room(open_as, "en", "spain"), "plenaryChannel")["mountpoint"]
    )
    # The Spanish booth is offered no relay from the French one while it relays (no chains).
    option = spanish[0].locator("#booth-source option[value=fr]")
    expect(option).to_be_disabled()
    french.get_by_test_id("booth-source").select_option("")
    expect(french.get_by_test_id("booth-hears")).to_have_attribute("data-channel", "")
