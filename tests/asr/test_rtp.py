"""An RTP forward of Opus speech, as Janus sends one: real speech (the JFK recording)
encoded by libopus, packetised, then reordered, lost, padded and mixed with garbage on the
way; the decoder puts it back in order, keeps time through losses and refuses what is not
the stream without stopping it. The Ogg Opus a recording keeps is read back by PyAV and by
Plenary's own Ogg reader."""

import io
import random
from pathlib import Path

import av
import numpy as np
import pytest

from asr import SAMPLE_RATE, Samples, decode_file
from asr.demux import OggDemuxer
from asr.ogg_opus import OggOpusWriter
from asr.rtp import (
    BadRtpPacket,
    LatePacket,
    OpusAudio,
    RtpOpusDecoder,
    opus_packet_samples,
    rtp_parse,
)
from tests.support.audio import similarity
from tests.support.rtp import Header, opus_packets, rtp_packet, rtp_stream

SSRC = 0x1234ABCD
PACKET_SAMPLES = SAMPLE_RATE // 50  # 20 ms at 16 kHz
RESAMPLER_HOLDS = 32  # samples the 48 → 16 kHz resampler keeps back at any time


@pytest.fixture(scope="module")
def speech(recordings: Path) -> Samples:
    (samples,) = decode_file(recordings / "jfk.flac", mono=True)
    return samples


@pytest.fixture(scope="module")
def packets(speech: Samples) -> list[bytes]:
    return opus_packets(speech)


def decoded(datagrams: list[bytes]) -> tuple[list[OpusAudio], list[BadRtpPacket]]:
    """Everything the decoder gave for ``datagrams``, and what it refused."""
    decoder = RtpOpusDecoder()
    audio: list[OpusAudio] = []
    refused: list[BadRtpPacket] = []
    for datagram in datagrams:
        try:
            audio += decoder.push(datagram)
        except BadRtpPacket as exc:
            refused.append(exc)
    return audio + decoder.flush(), refused


def samples_of(audio: list[OpusAudio]) -> Samples:
    return np.concatenate([piece.samples for piece in audio])


def test_a_forward_of_speech_decodes_to_the_speech(speech: Samples, packets: list[bytes]) -> None:
    audio, refused = decoded(rtp_stream(packets, SSRC))
    heard = samples_of(audio)
    assert not refused and not any(piece.gap for piece in audio)
    assert len(packets) * PACKET_SAMPLES - len(heard) in range(RESAMPLER_HOLDS)
    assert similarity(speech, heard) > 0.8
    assert [p for piece in audio for p, _ in piece.packets] == packets


@pytest.mark.parametrize(
    "header",
    [
        Header(csrcs=(1, 2, 3)),
        Header(extension=b"\x10\xff\x00\x00"),
        Header(padding=7),
        Header(csrcs=(9,), extension=bytes(8), padding=1, marker=True),
    ],
    ids=["csrc", "extension", "padding", "all"],
)
def test_every_header_variant_gives_the_same_audio(packets: list[bytes], header: Header) -> None:
    plain, _ = decoded(rtp_stream(packets[:100], SSRC))
    varied = [rtp_packet(p, 10 + n, 960 * n, SSRC, header) for n, p in enumerate(packets[:100])]
    parsed = rtp_parse(varied[0])
    assert (parsed.csrcs, parsed.extension, parsed.padding) == (
        header.csrcs,
        header.extension is not None,
        header.padding > 0,
    )
    assert (parsed.sequence, parsed.timestamp, parsed.ssrc, parsed.payload_type) == (
        10,
        0,
        SSRC,
        111,
    )
    audio, refused = decoded(varied)
    assert not refused
    assert np.array_equal(samples_of(audio), samples_of(plain))


def test_packets_out_of_order_within_the_window_are_put_back(packets: list[bytes]) -> None:
    in_order = rtp_stream(packets, SSRC, sequence=65_500)  # and the sequence wraps around
    shuffled = []
    shuffler = random.Random(13)
    for start in range(0, len(in_order), 4):
        group = in_order[start : start + 4]
        shuffler.shuffle(group)
        shuffled += group
    plain, _ = decoded(in_order)
    audio, refused = decoded(shuffled)
    assert not refused
    assert np.array_equal(samples_of(audio), samples_of(plain))


def test_lost_packets_are_silence_of_their_length(speech: Samples, packets: list[bytes]) -> None:
    datagrams = rtp_stream(packets, SSRC)
    lost = set(range(100, 110)) | {200, 300}
    audio, refused = decoded([d for n, d in enumerate(datagrams) if n not in lost])
    heard = samples_of(audio)
    assert not refused
    assert len(packets) * PACKET_SAMPLES - len(heard) in range(RESAMPLER_HOLDS)  # kept time
    gaps = [piece for piece in audio if piece.gap]
    assert [len(g.samples) for g in gaps] == [10 * PACKET_SAMPLES, PACKET_SAMPLES, PACKET_SAMPLES]
    assert not heard[100 * PACKET_SAMPLES : 110 * PACKET_SAMPLES - RESAMPLER_HOLDS].any()
    assert sum(length for piece in audio for _, length in piece.packets) == len(packets) * 960
    assert similarity(speech, heard) > 0.7


def test_a_pause_of_the_sender_is_silence_of_its_length(packets: list[bytes]) -> None:
    """Sequence numbers go on but the clock jumped (discontinuous transmission)."""
    datagrams = [
        rtp_packet(p, n, 960 * n + (48_000 if n >= 50 else 0), SSRC)
        for n, p in enumerate(packets[:100])
    ]
    audio, _ = decoded(datagrams)
    assert [len(piece.samples) for piece in audio if piece.gap] == [SAMPLE_RATE]
    assert 100 * PACKET_SAMPLES + SAMPLE_RATE - len(samples_of(audio)) in range(RESAMPLER_HOLDS)


def test_garbage_is_refused_and_the_stream_goes_on(packets: list[bytes]) -> None:
    datagrams = rtp_stream(packets[:200], SSRC)
    garbage = {
        "short": b"\x80\x6f\x00",
        "version 1": rtp_packet(packets[0], 5000, 0, SSRC, Header(version=1)),
        "payload type": rtp_packet(packets[0], 5000, 0, SSRC, Header(payload_type=96)),
        "csrcs past the end": b"\x8f\x6f" + datagrams[10][2:20],
        "extension past the end": rtp_packet(b"", 5000, 0, SSRC, Header(extension=b""))[:-2]
        + b"\xff\xff",
        "padding past the end": rtp_packet(packets[0], 5000, 0, SSRC, Header(padding=2))[:-2]
        + b"\x00\xff",
        "empty payload": rtp_packet(b"", 5000, 0, SSRC),
        "duplicate": datagrams[20],
        "too late": datagrams[3],
        "far out of sequence": rtp_packet(packets[0], 20_000, 0, SSRC),
        "random": random.Random(1).randbytes(200),
    }
    mixed = datagrams[:30] + list(garbage.values()) + datagrams[30:]
    audio, refused = decoded(mixed)
    plain, _ = decoded(datagrams)
    assert len(refused) == len(garbage)
    assert sum(isinstance(r, LatePacket) for r in refused) == 2
    assert np.array_equal(samples_of(audio), samples_of(plain))


def test_a_sender_that_starts_over_goes_on_after_two_packets(packets: list[bytes]) -> None:
    first = rtp_stream(packets[:50], SSRC, sequence=100)
    then = rtp_stream(packets[50:100], SSRC, sequence=30_000, timestamp=123_456 + 50 * 960)
    audio, refused = decoded(first + then)
    assert len(refused) == 1  # the first of the new sequence, not yet believed
    assert sum(len(piece.packets) for piece in audio) == 99 + 1  # and its place is a gap
    assert [len(piece.samples) for piece in audio if piece.gap] == [PACKET_SAMPLES]


def test_opus_table_of_contents_gives_the_length() -> None:
    assert opus_packet_samples(bytes([31 << 3])) == 960  # CELT 20 ms
    assert opus_packet_samples(bytes([1 << 3 | 1])) == 1920  # SILK 20 ms, two frames
    assert opus_packet_samples(bytes([15 << 3 | 3, 3])) == 2880  # hybrid 20 ms, three frames
    with pytest.raises(BadRtpPacket):
        opus_packet_samples(bytes([3, 0]))  # several frames: none


def test_the_recording_of_a_forward_with_losses_plays_for_its_whole_length(
    speech: Samples, packets: list[bytes]
) -> None:
    lost = set(range(100, 150))
    audio, _ = decoded([d for n, d in enumerate(rtp_stream(packets, SSRC)) if n not in lost])
    writer = OggOpusWriter(serial=77)
    recording = writer.header(channels=1)
    for piece in audio:
        for packet, length in piece.packets:
            recording += writer.add(packet, length)
    recording += writer.close()

    with av.open(io.BytesIO(recording), mode="r") as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus"
        assert container.duration is not None
        assert container.duration / 1e6 == pytest.approx(len(packets) * 0.02, abs=0.03)
    (played,) = decode_file(recording, mono=True)
    assert len(played) == pytest.approx(len(packets) * PACKET_SAMPLES, abs=PACKET_SAMPLES)
    assert similarity(speech[: 2 * SAMPLE_RATE], played[: 2 * SAMPLE_RATE]) > 0.8
    read = OggDemuxer().push(recording)
    assert read.opus_head is not None and len(read.audio) == len(packets)
