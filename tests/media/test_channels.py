"""Interpretation's channels in a real Janus: a booth's AudioBridge room, its Streaming
mountpoint and the forward of the booth's mix between them; only the interpreter the server
unmutes is heard on the channel.

The interpreters here are plain RTP participants of the booth (Janus admits them in a room
made for it; browsers never can: the proxy refuses such a join). Each sends its own tone;
what the booth's mix carries is read from a second forward of it, as the records take it."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from asr import SAMPLE_RATE
from asr.rtp import RtpOpusDecoder
from server.media.admin import JanusError, room_pin
from server.media.channels import AUDIOBRIDGE, LOOPBACK, ChannelAdmin
from server.media.rooms import media_room
from tests.media.conftest import JanusDirect, core
from tests.support.rtp import opus_packets, rtp_stream

pytestmark = pytest.mark.usefixtures("janus")

MEETING = 9_876_543  # no meeting of the database: these rooms are the tests' own
ROOM = media_room(MEETING, 1)
TONES = {11: 440.0, 12: 1000.0}  # interpreter id → the tone they send
PACKET_SECONDS = 0.02


def tone(frequency: float, seconds: float = 2.0) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (0.3 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def energy_at(samples: np.ndarray, frequency: float) -> float:
    """The share of the audio's energy within 20 Hz of ``frequency``."""
    spectrum = np.abs(np.fft.rfft(samples)) ** 2
    frequencies = np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE)
    total = float(spectrum.sum()) or 1.0
    return float(spectrum[np.abs(frequencies - frequency) < 20].sum()) / total


@dataclass
class Receiver(asyncio.DatagramProtocol):
    """A UDP port that decodes the Opus RTP it is sent."""

    decoder: RtpOpusDecoder = field(default_factory=RtpOpusDecoder)
    audio: list[np.ndarray] = field(default_factory=list)
    port: int = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.port = transport.get_extra_info("sockname")[1]

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.audio += [a.samples for a in self.decoder.push(data)]

    async def listen(self, seconds: float) -> np.ndarray:
        """What arrives over the next ``seconds``."""
        self.audio.clear()
        await asyncio.sleep(seconds)
        return np.concatenate(self.audio) if self.audio else np.zeros(0, np.float32)


@contextlib.asynccontextmanager
async def udp(protocol: asyncio.DatagramProtocol) -> AsyncIterator[asyncio.DatagramTransport]:
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(lambda: protocol, local_addr=(LOOPBACK, 0))
    try:
        yield transport
    finally:
        transport.close()


async def rtp_interpreter(
    direct: JanusDirect, room: int, participant: int, port: int
) -> tuple[str, int]:
    """``participant`` joins the booth (muted, as the proxy has everyone join) as a plain
    RTP participant that hears the booth on ``port``; where Janus expects their RTP."""
    session = await direct.session(token=core())
    handle = await direct.attach(session, plugin=AUDIOBRIDGE, token=core())
    body = {
        "request": "join",
        "room": room,
        "id": participant,
        "display": f"interpreter {participant}",
        "pin": room_pin(room),
        "muted": True,
        "rtp": {"ip": LOOPBACK, "port": port, "payload_type": 111},
    }
    reply = await direct.videoroom(session, handle, body, token=core())
    answer = reply["plugindata"]["data"]
    assert answer["audiobridge"] == "joined", reply
    return answer["rtp"]["ip"], answer["rtp"]["port"]


async def speak(
    transport: asyncio.DatagramTransport, to: tuple[str, int], frequency: float
) -> None:
    """Send the tone as 20 ms Opus packets, in real time, until cancelled."""
    datagrams = rtp_stream(opus_packets(tone(frequency)), ssrc=int(frequency))
    loop = asyncio.get_running_loop()
    start = loop.time()
    for n, datagram in enumerate(iter_forever(datagrams)):
        transport.sendto(datagram, to)
        await asyncio.sleep(max(0.0, start + (n + 1) * PACKET_SECONDS - loop.time()))


def iter_forever(datagrams: list[bytes]) -> Iterator[bytes]:
    """The stream again and again, its sequence numbers and timestamps going on."""
    lap = 0
    while True:
        for datagram in datagrams:
            sequence = (int.from_bytes(datagram[2:4]) + lap * len(datagrams)) % 0x10000
            timestamp = (int.from_bytes(datagram[4:8]) + lap * len(datagrams) * 960) % 2**32
            yield datagram[:2] + sequence.to_bytes(2) + timestamp.to_bytes(4) + datagram[8:]
        lap += 1


@pytest.fixture
async def channels() -> AsyncIterator[ChannelAdmin]:
    admin = ChannelAdmin()
    await admin.channel_destroy(ROOM)  # an earlier test's
    yield admin
    await admin.channel_destroy(ROOM)


async def test_a_channel_is_a_booth_a_mountpoint_and_the_forward_between(
    channels: ChannelAdmin,
) -> None:
    assert await channels.channel_ensure(ROOM)
    assert not await channels.channel_ensure(ROOM)  # all there: nothing added
    port = await channels.mountpoint_port(ROOM)
    forwards = await channels.booth_forwarders(ROOM)
    assert [(f["ip"], f["port"], f["ptype"], f["codec"]) for f in forwards] == [
        (LOOPBACK, port, 111, "opus")
    ]
    assert await channels.booth_participants(ROOM) == []
    info = await channels.mountpoint_info(ROOM)
    assert info["is_private"] is True and info["pin"] == room_pin(ROOM)
    # a Janus that lost the forward (or the mountpoint) gets it again
    stream = forwards[0]["stream_id"]
    assert isinstance(stream, int)
    await channels.booth_stop_forward(ROOM, stream)
    await channels.mountpoint_destroy(ROOM)
    assert await channels.channel_ensure(ROOM)
    assert len(await channels.booth_forwarders(ROOM)) == 1


async def test_the_booth_refuses_a_join_without_its_pin(
    channels: ChannelAdmin, direct: JanusDirect
) -> None:
    await channels.channel_ensure(ROOM)
    session = await direct.session(token=core())
    handle = await direct.attach(session, plugin=AUDIOBRIDGE, token=core())
    for pin in ({}, {"pin": "guess"}, {"pin": room_pin(ROOM + 1)}):
        body = {"request": "join", "room": ROOM, "id": 5, "muted": True, **pin}
        reply = await direct.videoroom(session, handle, body, token=core())
        expected = 489 if pin else 483  # unauthorized; missing element
        assert reply["plugindata"]["data"]["error_code"] == expected, reply
    assert await channels.booth_participants(ROOM) == []


async def test_only_the_unmuted_interpreter_is_heard_on_the_channel(
    channels: ChannelAdmin, direct: JanusDirect
) -> None:
    await channels.booth_create(ROOM, rtp_participants=True)
    assert await channels.channel_ensure(ROOM)
    receiver = Receiver()
    speakers: list[asyncio.Task[None]] = []
    async with udp(receiver), udp(asyncio.DatagramProtocol()) as source:
        await channels.booth_forward(ROOM, LOOPBACK, receiver.port)  # as the records do
        for participant, frequency in TONES.items():
            hears = source.get_extra_info("sockname")[1]
            to = await rtp_interpreter(direct, ROOM, participant, hears)
            speakers.append(asyncio.create_task(speak(source, to, frequency)))
        try:
            heard = await receiver.listen(1.0)
            assert len(heard) > SAMPLE_RATE // 2  # the mix goes on while all are muted
            assert float(np.sqrt(np.mean(heard**2))) < 0.005  # but it is silence

            assert await channels.booth_mute(ROOM, 11, mute=False)
            await asyncio.sleep(0.3)  # what was on its way
            heard = await receiver.listen(1.0)
            assert energy_at(heard, TONES[11]) > 0.8 and energy_at(heard, TONES[12]) < 0.01

            # a handover: the partner unmuted and the holder muted in one step
            await asyncio.gather(
                channels.booth_mute(ROOM, 12, mute=False), channels.booth_mute(ROOM, 11, mute=True)
            )
            await asyncio.sleep(0.3)
            heard = await receiver.listen(1.0)
            assert energy_at(heard, TONES[12]) > 0.8 and energy_at(heard, TONES[11]) < 0.01

            media: Any = (await channels.mountpoint_info(ROOM))["media"]
            assert media[0]["age_ms"] < 500  # the channel's mountpoint receives the mix
        finally:
            for speaker in speakers:
                speaker.cancel()
    assert not await channels.booth_mute(ROOM, 99, mute=False)  # nobody of that id


async def test_a_janus_error_names_the_plugin_s_code(channels: ChannelAdmin) -> None:
    assert not await channels.booth_mute(ROOM + 50, 11, mute=False)  # no such room
    with pytest.raises(JanusError) as error:
        await channels.booth_destroy(ROOM + 50)
    assert error.value.code == 485
