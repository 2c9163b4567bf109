"""RTP as a WebRTC gateway forwards a publisher's audio: real Opus (libopus through PyAV),
20 ms a packet, with the header variants RFC 3550 allows."""

import struct
from dataclasses import dataclass

import av
import numpy as np

from asr import SAMPLE_RATE, Samples

OPUS_PACKET = 960  # 20 ms at 48 kHz


def opus_packets(audio: Samples) -> list[bytes]:
    """16 kHz samples as Opus packets of 20 ms, as a browser's encoder makes them."""
    encoder = av.CodecContext.create("libopus", "w")
    encoder.sample_rate, encoder.layout, encoder.format = 48000, "mono", "s16"
    encoder.bit_rate = 32000
    encoder.open()
    frame = av.AudioFrame.from_ndarray(
        (np.clip(audio, -1, 1) * 32767).astype(np.int16)[None, :], format="s16", layout="mono"
    )
    frame.sample_rate = SAMPLE_RATE
    resampler = av.AudioResampler(format="s16", layout="mono", rate=48000, frame_size=OPUS_PACKET)
    packets = []
    for resampled in [*resampler.resample(frame), *resampler.resample(None)]:
        packets += [bytes(p) for p in encoder.encode(resampled)]
    return packets + [bytes(p) for p in encoder.encode(None)]


@dataclass(frozen=True)
class Header:
    """What an RTP header may carry beside the payload."""

    csrcs: tuple[int, ...] = ()
    extension: bytes | None = None  # the extension's body (a multiple of 4 bytes)
    padding: int = 0
    marker: bool = False
    payload_type: int = 111
    version: int = 2


def rtp_packet(
    payload: bytes, sequence: int, timestamp: int, ssrc: int, header: Header = Header()
) -> bytes:
    first = (
        header.version << 6
        | (0x20 if header.padding else 0)
        | (0x10 if header.extension is not None else 0)
        | len(header.csrcs)
    )
    second = (0x80 if header.marker else 0) | header.payload_type
    data = struct.pack("!BBHII", first, second, sequence % 0x10000, timestamp % 2**32, ssrc)
    data += b"".join(struct.pack("!I", csrc) for csrc in header.csrcs)
    if header.extension is not None:
        data += struct.pack("!HH", 0xBEDE, len(header.extension) // 4) + header.extension
    data += payload
    if header.padding:
        data += bytes(header.padding - 1) + bytes([header.padding])
    return data


def rtp_stream(
    packets: list[bytes], ssrc: int, *, sequence: int = 4321, timestamp: int = 123_456
) -> list[bytes]:
    """``packets`` (20 ms each) as one forward's datagrams, in order."""
    return [
        rtp_packet(payload, sequence + n, timestamp + n * OPUS_PACKET, ssrc)
        for n, payload in enumerate(packets)
    ]
