"""Demuxing a browser's stream that a sender fills with what is not audio: memory stays
bounded, nothing of it is kept, a packet or element over the cap is skipped (and said so),
and the audio that follows is decoded whole."""

import time
import tracemalloc

import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, OpusChunkDecoder, decode_file
from asr.demux import MAX_PACKET_BYTES

from .conftest import (
    encode_opus,
    ogg_audio_start,
    ogg_pages_without_end,
    webm_audio_start,
    webm_element,
    webm_voids,
)

TONE = (0.4 * np.sin(np.arange(2 * SAMPLE_RATE) / 4)).astype(np.float32)


def flood(decoder: OpusChunkDecoder, frames: list[bytes]) -> tuple[int, int, float]:
    """Push ``frames``: (frames flagged oversized, bytes kept, peak memory in MiB)."""
    oversized = stored = 0
    tracemalloc.start()
    try:
        for frame in frames:
            chunk = decoder.read(frame)
            assert not len(chunk.samples)
            oversized += chunk.oversized
            stored += len(chunk.stored)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return oversized, stored, peak


def test_audio_ogg_pages_that_never_end_a_packet_are_skipped_and_the_audio_goes_on() -> None:
    recording = encode_opus(TONE, "ogg")
    start = ogg_audio_start(recording)
    decoder = OpusChunkDecoder()
    assert decoder.read(recording[:start]).stored == recording[:start]
    began = time.process_time()
    oversized, stored, peak = flood(decoder, ogg_pages_without_end(recording, 200))
    assert time.process_time() - began < 2.0
    assert stored == 0  # nothing of it would be recorded
    assert peak < 8 * MAX_PACKET_BYTES / 2**20  # a few packets, not the 13 MB sent
    assert oversized == 200 - MAX_PACKET_BYTES // (255 * 255)  # every page past the cap
    rest = decoder.read(recording[start:])
    assert rest.stored == recording[start:]
    assert abs(len(rest.samples) - len(TONE)) < 0.05 * SAMPLE_RATE


def test_audio_webm_void_and_unknown_elements_are_read_past_and_not_kept() -> None:
    recording = encode_opus(TONE, "webm")
    start = webm_audio_start(recording)
    decoder = OpusChunkDecoder()
    header = decoder.read(recording[:start]).stored
    oversized, stored, peak = flood(decoder, webm_voids(200))
    assert (oversized, stored) == (0, 0)
    assert peak < 8 * MAX_PACKET_BYTES / 2**20
    rest = decoder.read(recording[start:])
    (kept,) = decode_file(header + rest.stored, mono=True)
    assert abs(len(kept) - len(TONE)) < 0.05 * SAMPLE_RATE
    assert abs(len(rest.samples) - len(TONE)) < 0.05 * SAMPLE_RATE


def test_audio_a_webm_element_over_the_cap_is_refused_and_skipped_as_it_comes() -> None:
    recording = encode_opus(TONE, "webm")
    start = webm_audio_start(recording)
    decoder = OpusChunkDecoder()
    decoder.read(recording[:start])
    huge = webm_element(b"\xec", 10 * 2**20, b"\x00" * 1000)  # declares 10 MiB
    assert decoder.read(huge).oversized
    filler = b"\x00" * 64 * 1024
    oversized, stored, peak = flood(decoder, [filler] * (10 * 16 - 1))
    assert (oversized, stored) == (10 * 16 - 1, 0)
    assert peak < 1.0  # skipped as it comes, never held
    last = decoder.read(b"\x00" * (64 * 1024 - 1000) + recording[start:])
    assert last.oversized  # its first bytes ended the element ...
    assert abs(len(last.samples) - len(TONE)) < 0.05 * SAMPLE_RATE  # ... the rest is audio


@pytest.mark.parametrize("container", ["webm", "ogg"])
def test_audio_the_bytes_kept_of_a_clean_stream_play_as_the_stream(container: str) -> None:
    recording = encode_opus(TONE, container)
    decoder = OpusChunkDecoder()
    kept = b"".join(
        decoder.read(recording[at : at + 700]).stored for at in range(0, len(recording), 700)
    )
    (original,), (stored,) = decode_file(recording, mono=True), decode_file(kept, mono=True)
    assert np.array_equal(original, stored)
