"""Opus audio out of an RTP forward (RFC 3550, RFC 7587), as a WebRTC gateway sends one
publisher's audio to a UDP port: each datagram parsed, packets put back in order within a
small window, losses and silences between packets (sequence and timestamp gaps) reported
as silence of their length, and the Opus decoded to 16 kHz mono.

A datagram that is not a packet of the stream (too short, another version or payload type,
a header that overruns it, a duplicate, one that came after its place was given up) raises
a ``BadRtpPacket`` and changes nothing: the stream goes on with the next one.

The time of the stream is the RTP timestamp (48 kHz for Opus): what a lost packet or a
pause of the sender leaves out is given back as silence, so the audio keeps time with the
speaker. A jump longer than ``MAX_GAP_SECONDS`` (a sender whose clock restarted) counts as
that long.
"""

import struct
from dataclasses import dataclass

import numpy as np

from .audio import SAMPLE_RATE, OpusPacketDecoder, Samples
from .errors import UndecodableAudio
from .ogg_opus import OPUS_RATE, opus_head

RTP_HEADER = struct.Struct("!BBHII")
RTP_VERSION = 2
OPUS_PAYLOAD_TYPE = 111  # what Janus forwards browsers' Opus as
MAX_GAP_SECONDS = 10.0
WINDOW_PACKETS = 5  # a packet may come this many places late (100 ms of 20 ms packets)
MAX_OPUS_BYTES = 6 * 1275 + 2  # 120 ms (the longest packet) of 20 ms frames at most
MAX_PACKET_SAMPLES = 5760  # 120 ms at 48 kHz
MAX_DROPOUT = 3000  # a sequence number this far ahead restarts the order (RFC 3550, A.1)


class BadRtpPacket(UndecodableAudio):
    """A datagram that is not a packet of the stream; the stream goes on without it."""


class LatePacket(BadRtpPacket):
    """A packet that came after the window had given its place up, or came twice."""


@dataclass(frozen=True)
class RtpPacket:
    version: int
    padding: bool
    extension: bool
    marker: bool
    payload_type: int
    sequence: int
    timestamp: int
    ssrc: int
    csrcs: tuple[int, ...]
    payload: bytes


def rtp_parse(datagram: bytes) -> RtpPacket:
    """One RTP packet, its header and padding taken off its payload."""
    if len(datagram) < RTP_HEADER.size:
        raise BadRtpPacket(f"An RTP packet has a 12-byte header; this one has {len(datagram)}.")
    first, second, sequence, timestamp, ssrc = RTP_HEADER.unpack_from(datagram)
    version, padding, extension, csrc_count = (
        first >> 6,
        bool(first & 0x20),
        first & 0x10,
        first & 0x0F,
    )
    if version != RTP_VERSION:
        raise BadRtpPacket(f"Not RTP version 2 (version {version}).")
    at = RTP_HEADER.size + 4 * csrc_count
    csrcs = (
        struct.unpack_from(f"!{csrc_count}I", datagram, RTP_HEADER.size)
        if len(datagram) >= at
        else ()
    )
    if extension and len(datagram) >= at + 4:
        (words,) = struct.unpack_from("!H", datagram, at + 2)
        at += 4 + 4 * words
    elif extension:
        at += 4
    end = len(datagram) - (datagram[-1] if padding else 0)
    if at > len(datagram) or (padding and (datagram[-1] == 0 or end < at)):
        raise BadRtpPacket("The RTP header or padding runs past the end of the packet.")
    return RtpPacket(
        version=version,
        padding=padding,
        extension=bool(extension),
        marker=bool(second & 0x80),
        payload_type=second & 0x7F,
        sequence=sequence,
        timestamp=timestamp,
        ssrc=ssrc,
        csrcs=tuple(csrcs),
        payload=datagram[at:end],
    )


# Frame sizes of the Opus configurations (RFC 6716, 3.1), in 48 kHz samples.
SILK_FRAMES, HYBRID_FRAMES, CELT_FRAMES = (480, 960, 1920, 2880), (480, 960), (120, 240, 480, 960)


def opus_packet_samples(packet: bytes) -> int:
    """How much audio an Opus packet holds, in 48 kHz samples (from its table of contents)."""
    if not packet or len(packet) > MAX_OPUS_BYTES:
        raise BadRtpPacket(f"An Opus packet has 1 to {MAX_OPUS_BYTES} bytes, not {len(packet)}.")
    config, code = packet[0] >> 3, packet[0] & 0x03
    if config < 12:
        frame = SILK_FRAMES[config % 4]
    elif config < 16:
        frame = HYBRID_FRAMES[config % 2]
    else:
        frame = CELT_FRAMES[config % 4]
    if code == 0:
        return frame
    if code in (1, 2):
        return 2 * frame
    if len(packet) < 2 or not 0 < frame * (packet[1] & 0x3F) <= MAX_PACKET_SAMPLES:
        raise BadRtpPacket("An Opus packet of several frames that does not say how many.")
    return frame * (packet[1] & 0x3F)


def opus_silence(samples: int, stereo: bool) -> list[bytes]:
    """Opus packets that say "nothing was sent" for ``samples`` (rounded down to 2.5 ms):
    table-of-contents bytes without frames, which a decoder plays as a lost packet's
    concealment fading out."""
    packets = []
    for config, frame in ((31, 960), (30, 480), (29, 240), (28, 120)):  # CELT 20 … 2.5 ms
        count, samples = divmod(samples, frame)
        packets += [bytes([config << 3 | (0x04 if stereo else 0)])] * count
    return packets


def _sequence_after(sequence: int, origin: int) -> int:
    """How far ``sequence`` comes after ``origin`` (negative: before), across wrap-around."""
    return (sequence - origin + 0x8000) % 0x10000 - 0x8000


class JitterWindow:
    """Packets of one stream put back in sequence order: a packet missing while
    ``window`` later ones wait is given up as lost."""

    def __init__(self, window: int = WINDOW_PACKETS) -> None:
        self.window = window
        self.next: int | None = None  # the sequence number to release next
        self.held: dict[int, RtpPacket] = {}
        self.started = False  # whether a packet was released
        self.restart: int | None = None  # the sequence number that confirms a restart

    def push(self, packet: RtpPacket) -> list[RtpPacket]:
        if self.next is None:
            self.next = packet.sequence
        ahead = _sequence_after(packet.sequence, self.next)
        if abs(ahead) > MAX_DROPOUT:
            return self._restart(packet)
        if ahead < 0 and not self.started:  # the first packets came out of order
            self.next, ahead = packet.sequence, 0
        if ahead < 0 or packet.sequence in self.held:
            raise LatePacket(f"RTP packet {packet.sequence} came late or twice; it was dropped.")
        self.held[packet.sequence] = packet
        return self._release()

    def _restart(self, packet: RtpPacket) -> list[RtpPacket]:
        """A packet far out of sequence: dropped, unless it follows the last one that was
        (the sender started over); then what waits goes out first (RFC 3550, A.1)."""
        if packet.sequence != self.restart:
            self.restart = (packet.sequence + 1) % 0x10000
            raise BadRtpPacket(f"RTP packet {packet.sequence} is far out of sequence; dropped.")
        released = self.flush()
        self.next, self.restart = packet.sequence, None
        return released + self.push(packet)

    def _release(self) -> list[RtpPacket]:
        released: list[RtpPacket] = []
        if not self.started and len(self.held) <= self.window:
            return released  # the first packet waits for the window: one before it may come
        while self.held:
            assert self.next is not None
            if self.next not in self.held:
                if len(self.held) <= self.window:
                    break
                self.next = min(self.held, key=lambda s: _sequence_after(s, self.next or 0))
            released.append(self.held.pop(self.next))
            self.next = (self.next + 1) % 0x10000
            self.started = True
        return released

    def flush(self) -> list[RtpPacket]:
        """Everything held, in order (the stream ends)."""
        self.window = 0
        released = self._release()
        self.window = WINDOW_PACKETS
        return released


@dataclass(frozen=True)
class OpusAudio:
    """What one packet of the stream (or a gap before it) gave: its Opus packets with their
    length in 48 kHz samples, as a recording stores them (a gap: packets that say nothing
    was sent), and the audio as 16 kHz mono samples (a gap: zeros)."""

    packets: list[tuple[bytes, int]]
    samples: Samples
    gap: bool


class RtpOpusDecoder:
    """One RTP forward of Opus audio in, datagram by datagram; its audio out, in order and
    keeping time (``OpusAudio``)."""

    def __init__(self, payload_type: int = OPUS_PAYLOAD_TYPE) -> None:
        self.payload_type = payload_type
        self.window = JitterWindow()
        self.end: int | None = None  # the RTP timestamp where the last packet's audio ended
        self.stereo = False
        self.decoder = OpusPacketDecoder(opus_head(channels=1))  # stereo is mixed down

    def push(self, datagram: bytes) -> list[OpusAudio]:
        """The audio ``datagram`` completes (none while it waits for an earlier one)."""
        packet = rtp_parse(datagram)
        if packet.payload_type != self.payload_type:
            raise BadRtpPacket(
                f"RTP payload type {packet.payload_type} is not the stream's ({self.payload_type})."
            )
        opus_packet_samples(packet.payload)  # an unreadable table of contents is refused here
        return self._audio(self.window.push(packet))

    def flush(self) -> list[OpusAudio]:
        """What was still waiting for a late packet (the stream ends)."""
        return self._audio(self.window.flush())

    def _audio(self, packets: list[RtpPacket]) -> list[OpusAudio]:
        audio = []
        for packet in packets:
            length = opus_packet_samples(packet.payload)
            if self.end is not None:
                missing = (packet.timestamp - self.end) % 0x1_0000_0000
                if 0 < missing < 0x8000_0000:
                    audio.append(self._silence(min(missing, int(MAX_GAP_SECONDS * OPUS_RATE))))
            self.end = (packet.timestamp + length) % 0x1_0000_0000
            self.stereo = bool(packet.payload[0] & 0x04)
            try:
                samples = self.decoder.decode(packet.payload)
            except UndecodableAudio:  # a packet the codec refuses plays as a lost one
                audio.append(self._silence(length))
                continue
            audio.append(OpusAudio([(packet.payload, length)], samples, False))
        return audio

    def _silence(self, samples: int) -> OpusAudio:
        packets = opus_silence(samples, self.stereo)
        stored = [(packet, opus_packet_samples(packet)) for packet in packets]
        kept = sum(length for _, length in stored)
        return OpusAudio(stored, np.zeros(kept * SAMPLE_RATE // OPUS_RATE, np.float32), True)
