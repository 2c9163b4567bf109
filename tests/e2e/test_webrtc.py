"""The floor's sound and picture over WebRTC in Debian Chromium, through Plenary's Janus.

Janus never gathers ICE candidates on a loopback interface, so the server (and the Janus it
starts), Playwright's driver and the Chromium it launches all run in a network namespace of
this module's own (tests/support/netns.py): ``lo`` and a private 10.213.x.y address that
exists nowhere else. The speaker's microphone is espeak-ng's speech from a WAV file, their
camera a generated clip with a moving bar (Chromium's fake capture devices)."""

import importlib.util
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.support.fake_capture import moving_clip, speech_wav
from tests.support.netns import (
    NetworkNamespace,
    namespace_create,
    namespace_delete,
    network_namespace,
)
from tests.support.server import ServerProcess

from .conftest import CHROMIUM, CHROMIUM_ARGS, LogIn, enter_plenary, until_true

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STATEMENT = "We support the draft decision on climate finance and we thank the chair."
OTIENO = "Mr. David Otieno (Kenya)"
SOUZA = "Ms. Ana Souza (Brazil)"
needs_janus = pytest.mark.skipif(
    importlib.util.find_spec("server.media") is None or shutil.which("janus") is None,
    reason="the media plane (server/media, Debian's janus) is not here",
)
needs_rtp_turn = pytest.mark.skipif(
    importlib.util.find_spec("server.media") is None
    or importlib.util.find_spec("server.captions.rtp_turn") is None,
    reason="the floor's audio to recognition over RTP (server/captions/rtp_turn.py) is not here",
)
WORD = re.compile(r"\w+")


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


@pytest.fixture(scope="module")
def namespace(namespace: NetworkNamespace | None) -> NetworkNamespace:
    """This module's namespace (conftest.py); without one Janus gathers no candidate."""
    if namespace is None:
        pytest.skip("WebRTC tests need a network namespace: root and iproute2's ip")
    return namespace


@pytest.fixture(scope="module")
def capture(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Chromium's fake microphone (the statement, looped) and camera (a moving bar); media
    granted without asking; sound plays without a click (the tests read its energy)."""
    folder = tmp_path_factory.mktemp("capture")
    try:
        voice = speech_wav(STATEMENT, folder / "statement.wav")
    except FileNotFoundError as missing:
        pytest.skip(str(missing))
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={voice}",
        f"--use-file-for-fake-video-capture={moving_clip(folder / 'camera.y4m')}",
        "--autoplay-policy=no-user-gesture-required",
    ]


@pytest.fixture(scope="module")
def browser(playwright: Playwright, capture: list[str]) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *capture])
    yield browser
    browser.close()


def received(page: Page) -> dict[str, float]:
    stats: dict[str, float] = page.evaluate("window.plenaryMedia.receivedStats()")
    return stats


def wait_received(page: Page, condition: str, timeout: float = 20_000) -> None:
    """Until the floor subscription's stats ``s`` satisfy ``condition`` (JavaScript)."""
    try:
        until_true(
            page, f"window.plenaryMedia.receivedStats().then(s => {condition})", timeout=timeout
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}; the stats: {received(page)}") from None


def give_floor(chair: Page, delegate: Page, name: str) -> None:
    delegate.get_by_role("button", name="Request the floor").click()
    chair.get_by_role("button", name=f"Give floor to {name}").click()
    expect(delegate.get_by_test_id("microphone")).to_be_visible()


def speak(delegate: Page, *, camera: bool) -> None:
    delegate.get_by_role("button", name="Turn my microphone on").click()
    expect(delegate.get_by_test_id("mic-status")).to_contain_text("microphone is on")
    if camera:
        delegate.get_by_role("button", name="Turn my camera on").click()
        expect(delegate.get_by_role("button", name="Turn my camera off")).to_be_visible()


def kenya_speaks(chair: Page, kenya: Page) -> int:
    """Kenya holds the floor (given now, unless an earlier test of the module gave it) and
    speaks over WebRTC; their participant id, which names their feed."""
    if kenya.get_by_test_id("microphone").is_hidden():
        give_floor(chair, kenya, OTIENO)
    speak(kenya, camera=False)
    return int(kenya.get_by_test_id("floor-holder").get_attribute("data-participant") or "")


def namespaces() -> str:
    listing = subprocess.run(["ip", "netns", "list"], check=True, capture_output=True, text=True)
    return listing.stdout


def test_webrtc_namespace_holds_only_its_private_address(namespace: NetworkNamespace) -> None:
    assert namespace.addresses() == ["127.0.0.1/8", f"{namespace.address}/24"]
    outside = subprocess.run(
        ["ip", "-brief", "address"], check=True, capture_output=True, text=True
    ).stdout
    assert namespace.address not in outside
    # A namespace goes even when the block that made it fails.
    with pytest.raises(RuntimeError), network_namespace() as doomed:
        assert doomed.name in namespaces()
        raise RuntimeError
    assert doomed.name not in namespaces()
    spare = namespace_create()
    namespace_delete(spare)
    assert not Path(spare.path).exists()


def test_webrtc_chromium_gathers_candidates_on_the_namespace_address_only(
    log_in: LogIn, namespace: NetworkNamespace
) -> None:
    page = log_in("japan")
    candidates: list[str] = page.evaluate(
        """async () => {
          const pc = new RTCPeerConnection({ iceServers: [] });
          const found = [];
          pc.onicecandidate = (e) => e.candidate && found.push(e.candidate.address);
          pc.createDataChannel("probe");
          await pc.setLocalDescription(await pc.createOffer());
          await new Promise((done) => {
            pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && done();
          });
          pc.close();
          return found;
        }"""
    )
    assert candidates and set(candidates) == {namespace.address}


def test_webrtc_a_browser_without_it_falls_back_to_the_audio_stream_and_says_so(
    log_in: LogIn,
) -> None:
    page = log_in("mexico")
    page.context.add_init_script(
        "delete window.RTCPeerConnection; delete window.webkitRTCPeerConnection;"
    )
    enter_plenary(page)
    status = page.get_by_test_id("media-status")
    expect(status).to_have_attribute("data-state", "fallback")
    expect(status).to_contain_text("fallback audio stream")
    expect(page.get_by_role("button", name="Listen to the floor")).to_be_visible()


@needs_janus
def test_webrtc_a_listener_hears_and_sees_the_floor_and_follows_a_floor_change(
    log_in: LogIn,
) -> None:
    chair, kenya, brazil = (log_in(u) for u in ("chair", "kenya", "brazil"))
    for page in (chair, kenya, brazil):
        enter_plenary(page)
    give_floor(chair, kenya, OTIENO)
    speak(kenya, camera=True)
    # The listener comes in once Kenya's camera is on. (One who subscribed to the feed
    # while the speaker was adding the camera got sound without picture, about one run in
    # three under load: Janus's update of the subscription with the new stream was lost.)
    japan = log_in("japan")
    enter_plenary(japan)
    for page in (kenya, brazil, japan):
        expect(page.get_by_test_id("media-status")).to_have_attribute("data-state", "live")
    expect(japan.get_by_role("button", name="Listen to the floor")).to_be_hidden()
    expect(japan.get_by_test_id("floor-media-name")).to_have_text("Mr. David Otieno — Kenya")
    kenya_id = int(kenya.get_by_test_id("floor-holder").get_attribute("data-participant") or "")
    # Sound (with energy: the element plays it unmuted) and decoded frames of the camera.
    wait_received(
        japan,
        f"s.feed === {kenya_id} && s.audioBytes > 0 && s.audioEnergy > 0 && s.framesDecoded > 0",
    )
    assert japan.get_by_test_id("floor-video").evaluate("v => !v.muted && v.volume") == 1
    japan.get_by_test_id("floor-volume").fill("0.5")
    assert japan.get_by_test_id("floor-video").evaluate("v => v.volume") == 0.5

    # The floor passes to Brazil, who speaks: the listener receives Brazil's sound (a
    # subscription of its own: its counters start at 0), without reloading.
    give_floor(chair, brazil, SOUZA)
    expect(kenya.get_by_test_id("microphone")).to_be_hidden()
    speak(brazil, camera=False)
    brazil_id = int(brazil.get_by_test_id("floor-holder").get_attribute("data-participant") or "")
    wait_received(japan, f"s.feed === {brazil_id} && s.audioEnergy > 0")
    expect(japan.get_by_test_id("floor-media-name")).to_have_text("Ms. Ana Souza — Brazil")
    # Kenya, no longer the floor holder, now listens to Brazil too.
    wait_received(kenya, f"s.feed === {brazil_id} && s.audioBytes > 0")


@needs_janus
def test_webrtc_a_participant_without_the_floor_cannot_publish(log_in: LogIn) -> None:
    chair, spain = log_in("chair"), log_in("spain")
    enter_plenary(chair)
    enter_plenary(spain)
    expect(spain.get_by_test_id("media-status")).to_have_attribute("data-state", "live")
    expect(spain.get_by_test_id("microphone")).to_be_hidden()
    # The page offers no microphone; asking Janus anyway (as a tampered page would) is refused.
    spain.evaluate("window.plenaryMedia.publish()")
    expect(spain.get_by_test_id("mic-status")).to_contain_text("refused")
    assert spain.evaluate("window.plenaryMedia.publishing") is False


@needs_janus
@needs_rtp_turn
def test_webrtc_the_statement_is_captioned_from_the_forwarded_stream(
    log_in: LogIn, server: ServerProcess
) -> None:
    """The speaker publishes over WebRTC only (no audio socket opens); Janus forwards the
    floor's audio to recognition and the listener reads the statement."""
    chair, mexico, japan = (log_in(u) for u in ("chair", "mexico", "japan"))
    for page in (chair, mexico, japan):
        enter_plenary(page)
    expect(mexico.get_by_test_id("media-status")).to_have_attribute("data-state", "live")
    give_floor(chair, mexico, "Sra. Lucía Hernández (Mexico)")
    speak(mexico, camera=False)

    def captioned() -> bool:
        shown = japan.get_by_test_id("captions-list").text_content() or ""
        return len(words(STATEMENT) & words(shown)) >= len(words(STATEMENT)) / 2

    waited = 0
    while not captioned() and waited < 120_000:
        japan.wait_for_timeout(1000)
        waited += 1000
    assert captioned(), japan.get_by_test_id("captions-list").text_content()
    assert mexico.evaluate("window.plenaryMicrophone.on") is False
    assert "/audio/" not in "".join(
        line for line in server.log().splitlines() if "WSCONNECT " in line
    )


T = TypeVar("T")


def until(read: Callable[[], T], done: Callable[[T], bool], timeout: float = 180) -> T:
    """``read()`` again until ``done`` with it (the server recognises on a shared machine)."""
    deadline = time.monotonic() + timeout
    while not done(found := read()):
        assert time.monotonic() < deadline, found
        time.sleep(1)
    return found


def recognised(server: ServerProcess) -> list[int]:
    """The live finals stored per recording that has any, oldest recording first."""
    shown = server.shell(
        "from django.db.models import Count;"
        "from server.captions.models import TranscriptSegment as S;"
        "print(*S.objects.filter(source='live').values('recording')"
        ".annotate(n=Count('id')).order_by('recording').values_list('n', flat=True))"
    )
    return [int(n) for n in shown.split()]


# A browser that may use relays only, and knows none: as behind a firewall that lets no UDP
# through, with no TURN server configured.
RELAY_ONLY = """
const NativeConnection = window.RTCPeerConnection;
window.RTCPeerConnection = function (config, ...rest) {
  return new NativeConnection({ ...config, iceTransportPolicy: "relay" }, ...rest);
};
window.RTCPeerConnection.prototype = NativeConnection.prototype;
"""


@needs_janus
def test_webrtc_a_listener_whose_connection_fails_falls_back_to_the_audio_stream(
    log_in: LogIn,
) -> None:
    """The listener's subscription never connects; the page offers the PCM relay instead
    and says so."""
    chair, kenya = log_in("chair"), log_in("kenya")
    for page in (chair, kenya):
        enter_plenary(page)
    kenya_id = kenya_speaks(chair, kenya)
    # The floor is live in Janus (the chair hears it): a listener who does not connect
    # is then the listener's own failure, not a feed not published yet.
    wait_received(chair, f"s.feed === {kenya_id} && s.audioBytes > 0", timeout=30_000)
    listener = log_in("japan")
    listener.context.add_init_script(RELAY_ONLY)
    enter_plenary(listener)
    status = listener.get_by_test_id("media-status")
    expect(status).to_have_attribute("data-state", "fallback", timeout=20_000)
    expect(status).to_contain_text("could not connect")
    expect(listener.get_by_role("button", name="Listen to the floor")).to_be_visible()


# The first socket to Janus (janus.js's subprotocol) closes as it opens, before its session
# exists (as Plenary closes it when Janus does not answer); the page's other sockets work.
FIRST_MEDIA_SOCKET_CLOSED = """
const NativeSocket = window.WebSocket;
window.mediaSockets = 0;
window.WebSocket = function (url, protocols) {
  const socket = new NativeSocket(url, protocols);
  if (String(protocols).includes("janus-protocol") && ++window.mediaSockets === 1) {
    socket.send = () => {};
    socket.addEventListener("open", () => socket.close());
  }
  return socket;
};
Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
window.WebSocket.prototype = NativeSocket.prototype;
"""


@needs_janus
def test_webrtc_a_page_whose_media_socket_closes_before_its_session_connects_again(
    log_in: LogIn,
) -> None:
    """janus.js reports nothing of it: the page gives the connection a time, then connects
    again (it once stayed "connecting" and never heard the floor)."""
    page = log_in("mexico")
    page.context.add_init_script(FIRST_MEDIA_SOCKET_CLOSED)
    enter_plenary(page)
    expect(page.get_by_test_id("media-status")).to_have_attribute(
        "data-state", "live", timeout=30_000
    )
    assert page.evaluate("[window.mediaSockets, window.plenaryMedia.connections]") == [2, 1]


# The media descriptor answers 503 once (a server busy for a moment), then as it does.
DESCRIPTOR_BUSY_ONCE = """
const nativeFetch = window.fetch;
window.descriptorAsked = 0;
window.fetch = (url, ...rest) => {
  if (String(url).endsWith("/media/") && ++window.descriptorAsked === 1) {
    return Promise.resolve(new Response("busy", { status: 503 }));
  }
  return nativeFetch(url, ...rest);
};
"""


@needs_janus
def test_webrtc_a_page_whose_media_descriptor_is_busy_a_moment_asks_again(log_in: LogIn) -> None:
    """A 503 is not a reason to give up WebRTC for good: the page asks again and connects."""
    page = log_in("mexico")
    page.context.add_init_script(DESCRIPTOR_BUSY_ONCE)
    enter_plenary(page)
    expect(page.get_by_test_id("media-status")).to_have_attribute("data-state", "live")
    assert page.evaluate("window.descriptorAsked") >= 2


@pytest.fixture
def camera_gallery(server: ServerProcess) -> Iterator[None]:
    """The demo conference with the camera gallery on, for one test (the server reads the
    setting on each request)."""

    def gallery_set(on: bool) -> None:
        server.shell(
            "from server.conferences.models import Conference;"
            f"Conference.objects.update(camera_gallery={on})"
        )

    gallery_set(True)
    yield
    gallery_set(False)


def gallery_seen(page: Page) -> list[dict[str, object]]:
    seen: list[dict[str, object]] = page.evaluate("window.plenaryGallery.receivedStats()")
    return seen


@needs_janus
def test_webrtc_gallery_shows_delegates_cameras_without_their_sound(
    log_in: LogIn, camera_gallery: None
) -> None:
    """Two delegates show their cameras; a third participant's gallery shows both, named,
    with frames decoded and no sound received from them."""
    france, brazil, japan = (log_in(u) for u in ("france", "brazil", "japan"))
    for page in (france, brazil, japan):
        enter_plenary(page)
        expect(page.get_by_test_id("camera-gallery")).to_be_visible()
    for page in (france, brazil):
        page.get_by_role("button", name="Show my camera in the gallery").click()
        expect(page.get_by_test_id("gallery-status")).to_have_attribute("data-state", "showing")
    until_true(
        japan,
        """window.plenaryGallery.receivedStats().then(tiles =>
             tiles.length === 2 && tiles.every(t => t.framesDecoded > 0))""",
    )
    tiles = japan.get_by_test_id("gallery-tile")
    expect(tiles).to_have_count(2)
    names = {str(t["display"]) for t in gallery_seen(japan)}
    assert names == {"Mme Claire Dubois — France", "Ms. Ana Souza — Brazil"}
    japan.wait_for_timeout(1000)  # a second more of their media: still no sound
    for tile in gallery_seen(japan):
        assert (tile["audioTracks"], tile["audioBytes"], tile["muted"]) == (0, 0, True), tile
    # A camera that goes leaves the gallery.
    brazil.get_by_role("button", name="Hide my camera from the gallery").click()
    expect(tiles).to_have_count(1)
    expect(tiles).to_contain_text("— France")


@needs_janus
def test_webrtc_a_speaker_whose_connection_drops_publishes_again_by_itself(log_in: LogIn) -> None:
    """The speaker's peer connection goes down under the page (closed, as a network change
    would): while they hold the floor their page publishes again by itself, and a listener
    hears them again on a new subscription, nobody having clicked anything."""
    chair, kenya, japan = (log_in(u) for u in ("chair", "kenya", "japan"))
    for page in (chair, kenya, japan):
        enter_plenary(page)
    kenya_id = kenya_speaks(chair, kenya)
    wait_received(japan, f"s.feed === {kenya_id} && s.audioEnergy > 0", timeout=30_000)
    subscription = received(japan)["subscription"]
    kenya.evaluate("window.plenaryMedia.publisher.webrtcStuff.pc.close()")
    wait_received(
        japan,
        f"s.subscription !== {subscription} && s.feed === {kenya_id} && s.audioEnergy > 0",
        timeout=30_000,
    )
    expect(kenya.get_by_test_id("mic-status")).to_contain_text("microphone is on")
    expect(kenya.get_by_role("button", name="Turn my microphone off")).to_be_visible()


# Last in the module: it kills the module's Janus, and the tests after it would start on a
# Janus and pages still settling (the fallback test once waited 20 s for a floor feed the
# listener's subscription was told did not exist, CI after a restart).
@needs_janus
def test_webrtc_pages_rejoin_by_themselves_when_janus_restarts(
    log_in: LogIn, server: ServerProcess
) -> None:
    chair, france, japan = (log_in(u) for u in ("chair", "france", "japan"))
    for page in (chair, france, japan):
        enter_plenary(page)
    earlier = len(recognised(server))  # the recordings of this module's other tests
    france.get_by_role("button", name="Request the floor").click()
    chair.get_by_role("button", name=re.compile(r"^Give floor to .*\(France\)$")).click()
    speak(france, camera=False)
    france_id = int(france.get_by_test_id("floor-holder").get_attribute("data-participant") or "")
    wait_received(japan, f"s.feed === {france_id} && s.audioBytes > 0")
    connections = received(japan)["connections"]
    captioned = until(lambda: recognised(server)[earlier:], lambda found: len(found) == 1)

    os.kill(server.janus_child(), signal.SIGKILL)
    # The speaker publishes again and the listener hears them on a new connection, nobody
    # having reloaded or clicked anything.
    wait_received(
        japan,
        f"s.connections > {connections} && s.feed === {france_id} && s.audioEnergy > 0",
        timeout=30_000,
    )
    # Under load a page may go round once more (CI: heard the new Janus, then "Reconnecting…"
    # again for over 5 s): it still comes back by itself.
    expect(japan.get_by_test_id("media-status")).to_have_attribute(
        "data-state", "live", timeout=30_000
    )
    expect(france.get_by_test_id("mic-status")).to_contain_text("microphone is on", timeout=30_000)
    # Captions resume from the new forward (a recording of its own), and the finals stored
    # before the restart are all still there.
    after = until(lambda: recognised(server)[earlier:], lambda found: len(found) == 2)
    assert after[0] >= captioned[0]
