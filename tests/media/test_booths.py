"""Interpretation through the signalling proxy, with a real Janus: the booths' AudioBridge
rooms and channel mountpoints made with the floor's room; only a booth's assigned
interpreters join its room, muted, as Plenary names them; nobody unmutes but the server,
which follows the booth's state (the live holder alone, a handover in one step); listeners
watch the meeting's channels and no other; nothing administrative passes."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from server.captions.models import Recording
from server.common.asyncdb import db_async
from server.conferences.models import Meeting, Participant
from server.interpretation import services as booth_services
from server.interpretation.models import Booth
from server.interpretation.selectors import meeting_booth_refs
from server.media.channels import AUDIOBRIDGE, STREAMING, ChannelAdmin
from server.media.rooms import media_room
from server.media.selectors import publisher_display
from server.rooms import services as room_services
from server.rooms.models import RoomState
from tests.media.conftest import JanusDirect, MediaSocket, OpenMedia
from tests.media.test_channels import rtp_interpreter, speak, udp
from tests.support.builders import Role, participant_build

pytestmark = pytest.mark.django_db(transaction=True)

CHANNELS = {"es": 2, "fr": 3}


@dataclass
class Booths:
    meeting: Meeting
    interpreters: dict[str, Participant]  # es1, es2, fr1 → participant
    channels: dict[str, int]  # language → the booth's channel

    def room(self, language: str) -> int:
        return media_room(self.meeting.pk, self.channels[language])

    def __getitem__(self, name: str) -> Participant:
        return self.interpreters[name]


@pytest.fixture
def booths(plenary: Meeting) -> Booths:
    """The open plenary's Spanish booth (two interpreters) and French booth (one)."""
    interpreters, channels = {}, {}
    for language, count in (("es", 2), ("fr", 1)):
        booth, _ = Booth.objects.get_or_create(  # the demo's, where it has them
            conference=plenary.conference,
            language=language,
            defaults={"channel": CHANNELS[language]},
        )
        channels[language] = booth.channel
        for number in range(1, count + 1):
            name = f"{language}{number}"
            interpreters[name] = participant_build(
                plenary.conference, role=Role.INTERPRETER, username=f"interpreter-{name}"
            )
            booth.interpreters.add(interpreters[name])
    return Booths(plenary, interpreters, channels)


@pytest.fixture
async def fresh(booths: Booths) -> ChannelAdmin:
    """No booth room or mountpoint left by an earlier test (the proxy makes them)."""
    channels = ChannelAdmin()
    for language in booths.channels:
        await channels.channel_destroy(booths.room(language))
    return channels


def booth_channels(meeting: Meeting) -> list[tuple[str, int]]:
    """The conference's booths (the demo's too, where it has them), by channel."""
    booths = Booth.objects.filter(conference=meeting.conference_id).order_by("channel")
    return list(booths.values_list("language", "channel"))


def refused(reply: dict[str, Any], code: int = 403) -> bool:
    error = reply.get("error")
    return reply.get("janus") == "error" and isinstance(error, dict) and error["code"] == code


async def handle_of(socket: MediaSocket, plugin: str) -> tuple[int, int]:
    session = await socket.session()
    return session, await socket.attach(session, plugin=plugin)


async def booth_join(
    socket: MediaSocket, room: int, session: int | None = None, **extra: Any
) -> tuple[int, int, Any]:
    """A new AudioBridge handle (in a new session, or ``session``) asks to join ``room``."""
    if session is None:
        session = await socket.session()
    handle = await socket.attach(session, plugin=AUDIOBRIDGE)
    reply = await socket.videoroom(session, handle, {"request": "join", "room": room, **extra})
    return session, handle, reply


async def until(check: Callable[[], Awaitable[bool]], seconds: float = 5) -> float:
    """Wait for ``check`` to hold; how long it took."""
    start = time.monotonic()
    while not await check():
        assert time.monotonic() - start < seconds, "not in time"
        await asyncio.sleep(0.01)
    return time.monotonic() - start


async def muted_in(channels: ChannelAdmin, room: int) -> dict[object, object]:
    return {p["id"]: p["muted"] for p in await channels.booth_participants(room)}


def media_json(username: str, meeting: Meeting) -> tuple[int, str, dict[str, Any]]:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(f"/meetings/{meeting.pk}/media/")
    return response.status_code, response.content.decode(), response.json()


async def test_the_media_description_lists_the_channels_without_pins(booths: Booths) -> None:
    for username, mine in (("france", []), ("interpreter-es1", ["es"])):
        status, text, body = await db_async(media_json)(username, booths.meeting)
        assert status == 200
        assert body["channels"] == [
            {
                "language": language,
                "mountpoint": media_room(booths.meeting.pk, channel),
                "booth_room": media_room(booths.meeting.pk, channel),
                "interpreter": language in mine,
            }
            for language, channel in await db_async(booth_channels)(booths.meeting)
        ]
        assert "pin" not in text


async def test_the_socket_makes_each_booth_s_room_and_channel(
    booths: Booths, fresh: ChannelAdmin, open_media: OpenMedia
) -> None:
    socket = await open_media("france", booths.meeting)
    assert (await socket.request({"janus": "info"}))["janus"] == "server_info"
    for language in booths.channels:
        room = booths.room(language)
        assert await fresh.booth_participants(room) == []
        port = await fresh.mountpoint_port(room)
        assert [f["port"] for f in await fresh.booth_forwarders(room)] == [port]


async def test_a_listener_may_not_join_a_booth(
    booths: Booths, fresh: ChannelAdmin, open_media: OpenMedia
) -> None:
    socket = await open_media("france", booths.meeting)
    session = await socket.session()
    for room in (booths.room("es"), media_room(booths.meeting.pk)):
        _, _, reply = await booth_join(socket, room, session, muted=True)
        assert refused(reply), reply
    assert await fresh.booth_participants(booths.room("es")) == []


async def test_an_interpreter_joins_their_booth_alone_muted_as_plenary_names_them(
    booths: Booths, fresh: ChannelAdmin, open_media: OpenMedia
) -> None:
    socket = await open_media("interpreter-es1", booths.meeting)
    session = await socket.session()
    # another booth's room, another meeting's, the floor's: refused
    for room in (booths.room("fr"), media_room(booths.meeting.pk + 1, 2), booths.meeting.pk):
        _, _, reply = await booth_join(socket, room, session)
        assert refused(reply), (room, reply)
    _, _, reply = await booth_join(
        socket, booths.room("es"), session, id=1, display="Someone else", muted=False
    )
    assert reply["plugindata"]["data"]["audiobridge"] == "joined", reply
    es1 = booths["es1"]
    [joined] = await fresh.booth_participants(booths.room("es"))
    assert (joined["id"], joined["display"], joined["muted"]) == (
        es1.pk,
        await db_async(publisher_display)(es1),
        True,
    )


BOOTH_REFUSED: list[dict[str, Any]] = [
    {"request": "configure", "muted": False},
    {"request": "configure", "display": "Someone else"},
    {"request": "configure", "record": True, "filename": "/tmp/booth"},
    {"request": "configure", "group": "x"},
    {"request": "unmute", "id": 1},
    {"request": "mute", "id": 1},
    {"request": "unmute_room"},
    {"request": "changeroom", "room": 1},
    {"request": "kick", "id": 1},
    {"request": "rtp_forward", "host": "127.0.0.1", "port": 5000},
    {"request": "stop_rtp_forward", "stream_id": 1},
    {"request": "listforwarders"},
    {"request": "listparticipants"},
    {"request": "play_file", "filename": "/etc/hostname"},
    {"request": "create", "room": 5},
    {"request": "destroy"},
    {"request": "edit", "new_pin": "x"},
    {"request": "list"},
    {"request": "exists"},
    {"request": "allowed", "action": "disable"},
    {"request": "enable_recording", "record": True},
    {"request": None},
]


async def test_an_interpreter_may_not_unmute_or_administer_the_booth(
    booths: Booths, fresh: ChannelAdmin, open_media: OpenMedia
) -> None:
    socket = await open_media("interpreter-es1", booths.meeting)
    room = booths.room("es")
    session, handle, reply = await booth_join(socket, room)
    assert reply["plugindata"]["data"]["audiobridge"] == "joined", reply
    for body in BOOTH_REFUSED:
        answer = await socket.videoroom(session, handle, {"room": room, **body})
        assert refused(answer), (body, answer)
    assert (await muted_in(fresh, room)) == {booths["es1"].pk: True}
    # nor join as a plain RTP participant, nor record on Janus's disk
    for extra in ({"rtp": {"ip": "127.0.0.1", "port": 5000}}, {"record": True}, {"group": "g"}):
        _, _, reply = await booth_join(socket, room, session, **extra)
        assert refused(reply), (extra, reply)
    # bad input: answered as Janus would, never a traceback
    for body, code in (
        ({"request": "join"}, 456),
        ({"request": "join", "room": "x"}, 457),
        ({"request": "join", "room": float(room)}, 457),
        ({"request": "join", "room": True}, 457),
    ):
        answer = await socket.videoroom(session, handle, body)
        assert refused(answer, code), (body, answer)
    # what it may: mute itself, tune its encoding
    answer = await socket.videoroom(session, handle, {"request": "configure", "muted": True})
    assert answer["plugindata"]["data"]["audiobridge"] == "event", answer


async def test_the_server_unmutes_the_live_interpreter_alone(
    booths: Booths, fresh: ChannelAdmin, open_media: OpenMedia
) -> None:
    room = booths.room("es")
    es1, es2 = booths["es1"], booths["es2"]
    for name in ("es1", "es2"):
        socket = await open_media(f"interpreter-{name}", booths.meeting)
        _, _, reply = await booth_join(socket, room)
        assert reply["plugindata"]["data"]["audiobridge"] == "joined", reply
    meeting = booths.meeting

    async def heard(expected: dict[int, bool]) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            return await muted_in(fresh, room) == {p: not on for p, on in expected.items()}

        return check

    await until(await heard({es1.pk: False, es2.pk: False}))
    await db_async(booth_services.booth_take)(actor=es1, meeting=meeting, language="es")
    await until(await heard({es1.pk: True, es2.pk: False}))
    # the cough key, and back
    await db_async(booth_services.booth_mute)(actor=es1, meeting=meeting, language="es", muted=True)
    await until(await heard({es1.pk: False, es2.pk: False}))
    await db_async(booth_services.booth_mute)(
        actor=es1, meeting=meeting, language="es", muted=False
    )
    await until(await heard({es1.pk: True, es2.pk: False}))
    # a handover: the partner takes the microphone; the holder is muted in the same step
    await db_async(booth_services.booth_handover)(
        actor=es1, meeting=meeting, language="es", to=None
    )
    await db_async(booth_services.booth_take)(actor=es2, meeting=meeting, language="es")
    gap = await until(await heard({es1.pk: False, es2.pk: True}))
    assert gap < 1.0
    await db_async(booth_services.booth_release)(actor=es2, meeting=meeting, language="es")
    await until(await heard({es1.pk: False, es2.pk: False}))


async def test_the_booth_is_staffed_while_an_interpreter_s_media_is_in_it(
    booths: Booths, fresh: ChannelAdmin, open_media: OpenMedia
) -> None:
    meeting = booths.meeting

    async def status() -> str:
        refs = await db_async(meeting_booth_refs)(meeting)
        return next(ref["status"] for ref in refs if ref["booth"] == "fr")

    socket = await open_media("interpreter-fr1", meeting)
    assert await status() == "unstaffed"
    await booth_join(socket, booths.room("fr"))

    async def staffed() -> bool:
        return await status() == "silent"

    await until(staffed)
    fr1 = booths["fr1"]
    await db_async(booth_services.booth_take)(actor=fr1, meeting=meeting, language="fr")
    assert await status() == "live"
    await socket.communicator.disconnect()

    async def unstaffed() -> bool:
        return await status() == "unstaffed"

    await until(unstaffed)


async def test_listeners_watch_this_meeting_s_channels_and_no_other(
    booths: Booths, fresh: ChannelAdmin, open_media: OpenMedia
) -> None:
    socket = await open_media("france", booths.meeting)
    session, handle = await handle_of(socket, STREAMING)
    mountpoint = booths.room("es")
    for body, code in (
        ({"request": "watch", "id": media_room(booths.meeting.pk + 1, 2)}, 403),
        ({"request": "watch", "id": media_room(booths.meeting.pk)}, 403),  # the floor's room
        ({"request": "watch", "id": mountpoint, "pin": "guess", "extra": 1}, 403),
        ({"request": "switch", "id": media_room(booths.meeting.pk + 1, 3)}, 403),
        ({"request": "watch"}, 456),
        ({"request": "watch", "id": str(mountpoint)}, 457),
        ({"request": "create", "type": "rtp", "id": 5}, 403),
        ({"request": "list"}, 403),
        ({"request": "info", "id": mountpoint}, 403),
        ({"request": "destroy", "id": mountpoint}, 403),
        ({"request": "edit", "id": mountpoint, "new_pin": "x"}, 403),
        ({"request": "recording", "action": "start", "id": mountpoint}, 403),
        ({"request": "kick", "id": mountpoint}, 403),
        ({"request": "disable", "id": mountpoint}, 403),
    ):
        assert refused(await socket.videoroom(session, handle, body), code), body
    # the page's own watch: the proxy adds the pin, Janus offers the channel
    reply = await socket.videoroom(session, handle, {"request": "watch", "id": mountpoint})
    assert reply["janus"] == "event" and "jsep" in reply, reply
    assert reply["jsep"]["type"] == "offer" and "opus" in reply["jsep"]["sdp"]
    # and switches to the French channel without a new negotiation
    reply = await socket.videoroom(session, handle, {"request": "switch", "id": booths.room("fr")})
    assert not refused(reply) and reply["janus"] == "event", reply


async def test_a_live_booth_s_channel_is_recorded_for_each_floor_turn(
    floor: Participant,
    booths: Booths,
    fresh: ChannelAdmin,
    open_media: OpenMedia,
    direct: JanusDirect,
    person: Callable[[str], Participant],
    settings: SettingsWrapper,
    tmp_path: Path,
) -> None:
    """Kenya holds the floor; the Spanish booth is live: its channel's audio of Kenya's turn
    is recorded (Ogg Opus, the booth's language), and of France's turn after it."""
    settings.RECORDINGS_DIR = tmp_path
    meeting, room = booths.meeting, booths.room("es")
    await fresh.booth_create(room, rtp_participants=True)  # for the voice below
    socket = await open_media("interpreter-es1", meeting)
    _, _, reply = await booth_join(socket, room)
    assert reply["plugindata"]["data"]["audiobridge"] == "joined", reply
    async with udp(asyncio.DatagramProtocol()) as source:
        # the booth's voice: a plain RTP participant the test unmutes itself
        to = await rtp_interpreter(direct, room, VOICE, source.get_extra_info("sockname")[1])
        speaker = asyncio.create_task(speak(source, to, 440.0))
        try:
            assert await fresh.booth_mute(room, VOICE, mute=False)
            es1 = booths["es1"]
            await db_async(booth_services.booth_take)(actor=es1, meeting=meeting, language="es")

            async def recorded(turn: int) -> Callable[[], Awaitable[bool]]:
                async def check() -> bool:
                    found = Recording.objects.filter(turn_id=turn, channel="es")
                    return await found.aexists()

                return check

            kenya_turn = await db_async(lambda: floor_turn_of(meeting))()
            await until(await recorded(kenya_turn))
            await asyncio.sleep(1.5)  # the channel speaks
            chair, france = await db_async(person)("chair"), await db_async(person)("france")
            # a suspension ends the recording; the turn resumed, a second one goes on
            for action in ("suspend", "resume"):
                await db_async(room_services.meeting_transition)(
                    actor=chair, meeting=meeting, action=action
                )

            async def resumed() -> bool:
                found = Recording.objects.filter(turn_id=kenya_turn, channel="es")
                return await found.acount() == 2

            await until(resumed)
            await db_async(room_services.floor_give)(
                actor=chair, meeting=meeting, participant_id=france.pk
            )
            france_turn = await db_async(lambda: floor_turn_of(meeting))()
            await until(await recorded(france_turn))
        finally:
            speaker.cancel()
    recording = await Recording.objects.filter(turn_id=kenya_turn, channel="es").afirst()
    assert recording is not None

    async def ended() -> bool:
        await recording.arefresh_from_db()
        return recording.ended_at is not None

    await until(ended)
    assert recording.format == "ogg" and recording.seconds > 1.0
    assert recording.path.endswith("-es.ogg")
    with av.open(str(tmp_path / recording.path), mode="r") as container:
        assert container.streams.audio[0].codec_context.name == "opus"
        frames = [f.to_ndarray() for f in container.decode(audio=0)]
    samples = np.concatenate([f.reshape(-1) for f in frames]).astype(np.float32)
    rate = 48_000
    spectrum = np.abs(np.fft.rfft(samples)) ** 2
    frequencies = np.fft.rfftfreq(len(samples), 1 / rate)
    assert spectrum[np.abs(frequencies - 440.0) < 20].sum() / spectrum.sum() > 0.5
    # a booth nobody holds live is not recorded
    assert not await Recording.objects.filter(channel="fr").aexists()


def floor_turn_of(meeting: Meeting) -> int:
    turn = RoomState.objects.get(meeting=meeting).floor_turn_id
    assert turn is not None
    return turn


VOICE = 777  # the booth's voice in the recording test
