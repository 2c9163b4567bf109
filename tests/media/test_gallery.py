"""The camera gallery through the signalling proxy: with the conference's setting on, a
member delegate publishes their camera, video only, under the id Plenary gives it; an offer
that carries audio never reaches Janus; observers watch but do not publish; without the
setting, nobody but the floor holder publishes."""

import contextlib
from collections.abc import Callable

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from server.common.asyncdb import db_async
from server.common.json_types import JSON
from server.conferences.models import Meeting, Participant
from server.media.admin import JanusAdmin, JanusError
from server.media.rooms import media_room
from server.media.selectors import camera_publisher_id, publisher_display
from server.media.signalling import sdp_sends_audio
from server.media.tokens import room_token
from tests.media.conftest import MediaSocket, OpenMedia, Reply
from tests.media.test_proxy import joined_handle, refused

pytestmark = pytest.mark.django_db(transaction=True)

People = Callable[[str], Participant]

SDP_HEAD = (
    "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
    "a=group:BUNDLE {mids}\r\na=msid-semantic: WMS s\r\n"
)
SDP_AUDIO = (
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0"
    "\r\na=setup:actpass\r\na=mid:{mid}\r\na=sendonly\r\na=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "a=ssrc:1111 cname:c\r\n"
)
SDP_VIDEO = (
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0"
    "\r\na=setup:actpass\r\na=mid:{mid}\r\na=sendonly\r\na=rtcp-mux\r\n"
    "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=ssrc:2222 cname:c\r\n"
)


def offer(*, audio: bool) -> dict[str, str]:
    """A browser's publishing offer: video, and audio first where asked."""
    sections = [SDP_AUDIO, SDP_VIDEO] if audio else [SDP_VIDEO]
    mids = [str(n) for n in range(len(sections))]
    sdp = SDP_HEAD.format(mids=" ".join(mids)) + "".join(
        section.replace("{mid}", mid) for section, mid in zip(sections, mids, strict=True)
    )
    return {"type": "offer", "sdp": sdp}


def camera_join(room: int, participant: Participant) -> dict[str, object]:
    return {
        "request": "join",
        "room": room,
        "ptype": "publisher",
        "id": camera_publisher_id(participant),
        "display": "Anyone",
        "token": room_token(room).text,
    }


@pytest.fixture
def gallery(plenary: Meeting) -> Meeting:
    plenary.conference.camera_gallery = True
    plenary.conference.save()
    return plenary


async def camera_joined(
    socket: MediaSocket, room: int, participant: Participant
) -> tuple[int, int, Reply]:
    session, handle = await joined_handle(socket)
    reply = await socket.videoroom(session, handle, camera_join(room, participant))
    return session, handle, reply


async def camera_in_janus(room: int, participant: Participant) -> dict[str, JSON]:
    present = {p["id"]: p for p in await JanusAdmin().participants(room)}
    found = present.get(camera_publisher_id(participant))
    assert found is not None, present
    return found


def test_an_sdp_s_audio_is_an_audio_line_with_a_port() -> None:
    assert sdp_sends_audio(offer(audio=True)["sdp"])
    assert not sdp_sends_audio(offer(audio=False)["sdp"])
    assert not sdp_sends_audio("v=0\r\nm=audio 0 UDP/TLS/RTP/SAVPF 111\r\nm=video 9 RTP 96\r\n")
    assert not sdp_sends_audio("m=audio\r\nm=audiox 9\r\n")


async def test_a_delegate_s_camera_is_published_video_only_as_plenary_names_it(
    gallery: Meeting, person: People, open_media: OpenMedia
) -> None:
    room = media_room(gallery.pk)
    france = await db_async(person)("france")
    socket = await open_media("france", gallery)
    session, handle, reply = await camera_joined(socket, room, france)
    data = reply["plugindata"]["data"]
    assert (data["videoroom"], data["id"]) == ("joined", camera_publisher_id(france))
    reply = await socket.videoroom(
        session, handle, {"request": "configure", "video": True}, jsep=offer(audio=False)
    )
    assert reply["plugindata"]["data"].get("configured") == "ok", reply
    assert reply["jsep"]["type"] == "answer"  # Janus took the video-only offer
    camera = await camera_in_janus(room, france)  # live once ICE is up (tests/e2e)
    assert camera["display"] == await db_async(publisher_display)(france)


@pytest.mark.parametrize("request_name", ["configure", "publish", "joinandconfigure"])
async def test_a_camera_s_audio_is_refused(
    gallery: Meeting, person: People, open_media: OpenMedia, request_name: str
) -> None:
    room = media_room(gallery.pk)
    france = await db_async(person)("france")
    socket = await open_media("france", gallery)
    if request_name == "joinandconfigure":
        session, handle = await joined_handle(socket)
        body = {**camera_join(room, france), "request": "joinandconfigure"}
    else:
        session, handle, _ = await camera_joined(socket, room, france)
        body = {"request": request_name}
    reply = await socket.videoroom(session, handle, body, jsep=offer(audio=True))
    assert refused(reply), reply
    assert "audio" in reply["error"]["reason"]
    present = {p["id"]: p for p in await JanusAdmin().participants(room)}
    camera = present.get(camera_publisher_id(france), {"publisher": False})
    assert camera["publisher"] is False  # Janus never had the offer


async def test_a_camera_may_not_renegotiate_audio_in(
    gallery: Meeting, person: People, open_media: OpenMedia
) -> None:
    room = media_room(gallery.pk)
    france = await db_async(person)("france")
    socket = await open_media("france", gallery)
    session, handle, _ = await camera_joined(socket, room, france)
    video = await socket.videoroom(
        session, handle, {"request": "configure"}, jsep=offer(audio=False)
    )
    assert video["plugindata"]["data"].get("configured") == "ok", video
    for body in ({"request": "configure", "audio": True}, {"request": "leave"}):
        assert refused(await socket.videoroom(session, handle, body, jsep=offer(audio=True)))
    bad = {"type": "offer", "sdp": 5}
    assert refused(await socket.videoroom(session, handle, {"request": "configure"}, jsep=bad), 457)


async def test_an_observer_watches_the_gallery_but_shows_no_camera(
    gallery: Meeting, person: People, open_media: OpenMedia
) -> None:
    room = media_room(gallery.pk)
    wmo = await db_async(person)("wmo")
    socket = await open_media("wmo", gallery)
    session, handle, reply = await camera_joined(socket, room, wmo)
    assert reply["plugindata"]["data"]["videoroom"] == "joined"  # sees who publishes
    configure = {"request": "configure", "video": True}
    assert refused(await socket.videoroom(session, handle, configure, jsep=offer(audio=False)))
    assert (await camera_in_janus(room, wmo))["publisher"] is False


async def test_without_the_gallery_a_camera_is_refused(
    plenary: Meeting, person: People, open_media: OpenMedia
) -> None:
    room = media_room(plenary.pk)
    france = await db_async(person)("france")
    socket = await open_media("france", plenary)
    _, _, reply = await camera_joined(socket, room, france)
    assert refused(reply)
    assert camera_publisher_id(france) not in {
        p["id"] for p in await JanusAdmin().participants(room)
    }


async def test_a_full_gallery_refuses_another_camera(
    gallery: Meeting, person: People, open_media: OpenMedia, settings: SettingsWrapper
) -> None:
    """Live cameras are counted (Janus lists a publisher once its media is up, which needs
    ICE: tests/e2e); with no place left, a camera's offer is refused."""
    settings.MEDIA_GALLERY_TILES = 0
    room = media_room(gallery.pk)
    france = await db_async(person)("france")
    socket = await open_media("france", gallery)
    session, handle, _ = await camera_joined(socket, room, france)
    reply = await socket.videoroom(
        session, handle, {"request": "configure"}, jsep=offer(audio=False)
    )
    assert refused(reply, 432)


async def test_the_floor_holder_still_publishes_sound_beside_the_gallery(
    floor: Participant, gallery: Meeting, open_media: OpenMedia
) -> None:
    room = media_room(gallery.pk)
    socket = await open_media("kenya", gallery)
    session, handle = await joined_handle(socket)
    join = {"request": "join", "room": room, "ptype": "publisher", "token": room_token(room).text}
    joined = await socket.videoroom(session, handle, join)
    assert joined["plugindata"]["data"]["id"] == floor.pk
    reply = await socket.videoroom(
        session, handle, {"request": "configure"}, jsep=offer(audio=True)
    )
    assert reply["plugindata"]["data"].get("configured") == "ok", reply


async def test_pages_watching_the_gallery_do_not_take_the_floor_s_place(
    floor: Participant,
    gallery: Meeting,
    person: People,
    open_media: OpenMedia,
    settings: SettingsWrapper,
) -> None:
    """Janus's room takes gallery_tiles + 2 publishers; pages that joined to watch count
    for none of them: with room for 2, four watchers and the floor holder's sound fit."""
    settings.MEDIA_GALLERY_TILES = 0
    room = media_room(gallery.pk)
    with contextlib.suppress(JanusError):  # an earlier test made it larger: start afresh
        await JanusAdmin().room_destroy(room)
    for username in ("france", "brazil", "japan", "spain"):
        watcher = await open_media(username, gallery)
        _, _, reply = await camera_joined(watcher, room, await db_async(person)(username))
        assert reply["plugindata"]["data"]["videoroom"] == "joined"
    socket = await open_media("kenya", gallery)
    session, handle = await joined_handle(socket)
    join = {"request": "join", "room": room, "ptype": "publisher", "token": room_token(room).text}
    assert (await socket.videoroom(session, handle, join))["plugindata"]["data"]["id"] == floor.pk
    reply = await socket.videoroom(
        session, handle, {"request": "configure"}, jsep=offer(audio=True)
    )
    assert reply["plugindata"]["data"].get("configured") == "ok", reply
