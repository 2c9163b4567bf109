"""The floor holder's audio as an RTP forward (what Janus sends when it forwards a
publisher's Opus): real speech encoded by libopus, packetised and sent from a UDP socket on
127.0.0.1 to the port the turn asked ``forward`` to send to. It is captioned, relayed to
listeners, recorded as Ogg Opus and re-transcribed as the audio socket's is; datagrams
from anywhere else or of another stream never reach recognition. Real Whisper base, real
recognition workers (the embedded one, or two on a real Redis for the take-over)."""

import asyncio
import io
import itertools
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import av
import pytest
from django.core.management import call_command
from prometheus_client import REGISTRY
from pytest_django.fixtures import Settings as SettingsWrapper

from asr import pcm16_to_float
from asr.wer import normalised_words
from server.captions.models import Recording, TranscriptSegment
from server.captions.rtp_turn import RtpTurn, rtp_turn_start
from server.captions.services import AudioTaken
from server.common.asyncdb import db_async
from server.common.errors import Conflict, NotFound
from server.conferences.models import Meeting, Participant
from server.rooms import services as room_services
from server.rooms.models import FloorTurn
from tests.support.room_sockets import Connect, Socket
from tests.support.rtp import opus_packets as opus_of
from tests.support.rtp import rtp_packet, rtp_stream

from .conftest import (
    FIRST,
    SECOND,
    TAKEOVER_MUST,
    OpenSpeech,
    StartWorker,
    heard_once,
    near_offline,
    offline_text,
    speech,
    spoken,
)

STATEMENT = "The delegation of Kenya supports the proposal on climate finance."
INTRUDER = "Bananas and purple elephants dance on the moon tonight."


class Gateway:
    """Plays the media gateway: ``forward`` is what the turn calls to have the audio sent
    to it; ``send`` sends RTP from one UDP socket on 127.0.0.1."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, int, int]] = []
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))

    async def forward(self, host: str, port: int, ssrc: int) -> None:
        self.asked.append((host, port, ssrc))

    @property
    def target(self) -> tuple[str, int]:
        host, port, _ = self.asked[-1]
        return host, port

    @property
    def ssrc(self) -> int:
        return self.asked[-1][2]

    def send(self, datagram: bytes) -> None:
        self.socket.sendto(datagram, self.target)


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    gateway = Gateway()
    yield gateway
    gateway.socket.close()


def opus_packets(pcm: bytes) -> list[bytes]:
    return opus_of(pcm16_to_float(pcm))


def dropped(reason: str) -> float:
    return REGISTRY.get_sample_value("plenary_rtp_packets_dropped_total", {"reason": reason}) or 0


async def send_in_real_time(gateway: Gateway, datagrams: list[bytes]) -> None:
    """100 ms of packets at a time, as a gateway forwards a speaker."""
    for at in range(0, len(datagrams), 5):
        for datagram in datagrams[at : at + 5]:
            gateway.send(datagram)
        await asyncio.sleep(0.1)


async def room_messages_until_heard(
    reader: Socket, reference: str, quiet: float = 6.0
) -> list[dict[str, Any]]:
    """Every message on the room socket (drafts and statuses too) until ``reference`` has
    about all been heard and then nothing has come for ``quiet`` seconds (at most a few
    quiet spells on a busy machine)."""
    messages: list[dict[str, Any]] = []
    for _ in range(6):
        # Not a receive with a timeout: that would cancel the consumer.
        while not await reader.communicator.receive_nothing(timeout=quiet):
            messages.append(await reader.receive())
        if len(normalised_words(spoken(messages))) >= len(normalised_words(reference)) - 3:
            break
    return messages


async def floor_turn(meeting: Meeting) -> int:
    turn = await FloorTurn.objects.filter(meeting=meeting).alast()
    assert turn is not None
    return turn.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
@pytest.mark.parametrize("layer", ["memory"], indirect=True)
async def test_rtp_speech_is_captioned_heard_recorded_and_redone_and_intruders_are_not(
    floor: Participant,
    plenary: Meeting,
    connect: Connect,
    open_speech: OpenSpeech,
    gateway: Gateway,
    recordings_dir: Path,
    tmp_path: Path,
) -> None:
    spain = await connect("spain", plenary)
    listener = await open_speech("spain", plenary, "listen")
    turn = await rtp_turn_start(plenary.pk, await floor_turn(plenary), gateway.forward)
    assert gateway.asked and gateway.target[0] == "127.0.0.1"
    pcm = speech(STATEMENT, "en", tmp_path, pause=1.5)
    packets = opus_packets(pcm)
    datagrams = rtp_stream(packets, gateway.ssrc)
    intruder = Gateway()  # the same stream's SSRC, from another port
    intruder.asked = gateway.asked
    other_ssrc = rtp_stream(opus_packets(speech(INTRUDER, "en", tmp_path)), gateway.ssrc ^ 1)
    from_elsewhere = rtp_stream(opus_packets(speech(INTRUDER, "en", tmp_path)), gateway.ssrc)
    before = {reason: dropped(reason) for reason in ("source", "ssrc", "bad_packet")}

    gateway.send(datagrams[0])  # the stream's first packet fixes its source
    await asyncio.sleep(0.05)
    for real, stranger, foreign in itertools.zip_longest(datagrams[1:], other_ssrc, from_elsewhere):
        if stranger is not None:
            gateway.send(stranger)
        if foreign is not None:
            intruder.send(foreign)
        if real is not None:
            gateway.send(real)
        if real is not None and real is datagrams[40]:
            gateway.send(b"\x40" + real[1:])  # RTP version 1
            gateway.send(rtp_packet(b"", 9, 9, gateway.ssrc))  # an empty payload
        await asyncio.sleep(0.02)
    messages = await room_messages_until_heard(spain, STATEMENT)
    await turn.stop()
    intruder.socket.close()

    # As accurate as the same model offline, within two words of the ten: offline hears the
    # PCM, live and redone the Opus that the gateway's RTP carried (on an AVX2-only CPU,
    # "The navigation on Kenya … climate islands" live against one error offline).
    offline = await asyncio.to_thread(offline_text, pcm, "en")
    near_offline(STATEMENT, spoken(messages), offline)
    assert any(m["type"] == "caption.draft" for m in messages)
    assert {m["data"]["language"] for m in messages if m["type"] == "caption.final"} == {"en"}
    assert not {"bananas", "elephants", "purple", "moon"} & set(normalised_words(spoken(messages)))
    assert dropped("source") - before["source"] == len(from_elsewhere)
    assert dropped("ssrc") - before["ssrc"] == len(other_ssrc)
    assert dropped("bad_packet") - before["bad_packet"] >= 1
    heard = await listener.receive()
    assert heard == {"v": 1, "type": "audio.turn", "turn": turn.recording.turn_id}
    assert len((await listener.communicator.receive_output(5))["bytes"]) > 0

    recording = await Recording.objects.aget(pk=turn.recording.pk)
    assert recording.format == "ogg" and recording.ended_at is not None
    assert recording.seconds == pytest.approx(len(packets) * 0.02, abs=0.05)
    with av.open(str(recordings_dir / recording.path), mode="r") as container:
        assert container.streams.audio[0].codec_context.name == "opus"
        assert container.duration is not None
        assert container.duration / 1e6 == pytest.approx(len(packets) * 0.02, abs=0.05)

    await db_async(call_command)("transcript", "redo", str(plenary.pk))
    redone = [s async for s in TranscriptSegment.objects.filter(recording=recording, source="redo")]
    assert redone
    near_offline(STATEMENT, " ".join(s.text for s in redone), offline)


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
@pytest.mark.parametrize("layer", ["redis"], indirect=True)
async def test_rtp_a_dead_worker_is_replaced_mid_utterance_and_nothing_is_lost(
    floor: Participant,
    plenary: Meeting,
    connect: Connect,
    gateway: Gateway,
    start_worker: StartWorker,
    settings: SettingsWrapper,
    tmp_path: Path,
) -> None:
    settings.ASR_WORKER_TIMEOUT_SECONDS = 1.5
    _, first = await start_worker()
    spain = await connect("spain", plenary)
    turn = await rtp_turn_start(plenary.pk, await floor_turn(plenary), gateway.forward)
    assert (await spain.receive_until("caption.status", timeout=30))["state"] == "live"
    await start_worker()  # waits for streams
    audio = speech(FIRST, "en", tmp_path, pause=1.0) + speech(SECOND, "en", tmp_path, pause=2.0)
    datagrams = rtp_stream(opus_packets(audio), gateway.ssrc)
    middle = len(datagrams) // 2 + 100  # two seconds into the second sentence
    await send_in_real_time(gateway, datagrams[:middle])
    first.cancel()  # the first worker dies, mid-utterance
    await send_in_real_time(gateway, datagrams[middle:])
    messages = await room_messages_until_heard(spain, f"{FIRST} {SECOND}")
    await turn.stop()
    states = [m["state"] for m in messages if m["type"] == "caption.status"]
    assert "live" in states[states.index("recovering") :]  # (lagging, maybe, on a busy machine)
    heard_once(f"{FIRST} {SECOND}", spoken(messages), must=TAKEOVER_MUST)
    segments = [s async for s in TranscriptSegment.objects.filter(meeting=plenary)]
    assert " ".join(s.text for s in segments) == spoken(messages)
    assert all(a.offset_end <= b.offset_start + 0.3 for a, b in itertools.pairwise(segments))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("layer", ["memory"], indirect=True)
async def test_rtp_turn_is_refused_for_a_turn_that_is_not_the_floors(
    floor: Participant,
    plenary: Meeting,
    person: Callable[[str], Participant],
    open_speech: OpenSpeech,
    gateway: Gateway,
    settings: SettingsWrapper,
) -> None:
    settings.ASR_WORKERS = "external"  # none runs: recognition is not what is tested here
    kenya_turn = await floor_turn(plenary)
    with pytest.raises(NotFound):
        await rtp_turn_start(plenary.pk, kenya_turn + 1000, gateway.forward)
    with pytest.raises(NotFound):  # another meeting's turn
        await rtp_turn_start(plenary.pk + 1000, kenya_turn, gateway.forward)
    microphone = await open_speech("kenya", plenary, "audio")
    assert (await microphone.receive())["type"] == "audio.ready"
    with pytest.raises(AudioTaken):  # the speaker's audio socket has the turn
        await rtp_turn_start(plenary.pk, kenya_turn, gateway.forward)
    await microphone.close()
    chair, spain = await db_async(person)("chair"), await db_async(person)("spain")
    await db_async(room_services.floor_give)(actor=chair, meeting=plenary, participant_id=spain.pk)
    with pytest.raises(Conflict):  # Kenya's turn is over
        await rtp_turn_start(plenary.pk, kenya_turn, gateway.forward)
    assert not gateway.asked


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("layer", ["memory"], indirect=True)
async def test_rtp_turn_ends_when_the_floor_changes_and_keeps_what_came(
    layer: str,
    floor: Participant,
    plenary: Meeting,
    person: Callable[[str], Participant],
    gateway: Gateway,
    settings: SettingsWrapper,
    recordings_dir: Path,
    tmp_path: Path,
) -> None:
    settings.ASR_WORKERS = "external"
    turn: RtpTurn = await rtp_turn_start(plenary.pk, await floor_turn(plenary), gateway.forward)
    packets = opus_packets(speech(STATEMENT, "en", tmp_path, pause=0.5))
    datagrams = rtp_stream(packets, gateway.ssrc)
    for datagram in datagrams:
        gateway.send(datagram)
        await asyncio.sleep(0.002)  # the port's queue holds 5 s: a burst is fine
    chair, spain = await db_async(person)("chair"), await db_async(person)("spain")
    await db_async(room_services.floor_give)(actor=chair, meeting=plenary, participant_id=spain.pk)
    recording = await Recording.objects.aget(pk=turn.recording.pk)
    for _ in range(100):
        if recording.ended_at is not None:
            break
        await asyncio.sleep(0.05)
        await recording.arefresh_from_db()
    assert recording.ended_at is not None
    assert recording.seconds == pytest.approx(len(packets) * 0.02, abs=0.05)
    await turn.stop()  # the gateway's stop afterwards changes nothing
    data = (recordings_dir / recording.path).read_bytes()
    with av.open(io.BytesIO(data), mode="r") as container:
        frames = list(container.decode(audio=0))
    assert sum(f.samples for f in frames) / 48000 == pytest.approx(len(packets) * 0.02, abs=0.05)


class ForwardRefused(Exception):
    pass


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("layer", ["memory"], indirect=True)
async def test_rtp_turn_whose_forward_fails_is_closed_and_frees_the_turn(
    layer: str, floor: Participant, plenary: Meeting, gateway: Gateway, settings: SettingsWrapper
) -> None:
    settings.ASR_WORKERS = "external"

    async def refuse(host: str, port: int, ssrc: int) -> None:
        await gateway.forward(host, port, ssrc)
        raise ForwardRefused("the gateway has no such publisher")

    turn_id = await floor_turn(plenary)
    with pytest.raises(ForwardRefused):
        await rtp_turn_start(plenary.pk, turn_id, refuse)
    recording = await Recording.objects.aget(turn_id=turn_id)
    assert recording.ended_at is not None
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(gateway.target)  # the port was given back
    turn = await rtp_turn_start(plenary.pk, turn_id, gateway.forward)  # the turn is free
    await turn.stop()
