"""Audio in: PCM16 frames, browser recordings chunk by chunk, whole files; bad input is named."""

from pathlib import Path

import numpy as np
import pytest

from asr.audio import (
    SAMPLE_RATE,
    OpusChunkDecoder,
    Samples,
    decode_file,
    distinct_channels,
    pcm16_to_float,
)
from asr.errors import AudioError, EmptyAudio, OddByteCount, UndecodableAudio, WrongSampleRate

from .conftest import encode_opus

CLUSTER = b"\x1f\x43\xb6\x75"  # a WebM cluster's ID


def test_pcm16_frames_become_floats() -> None:
    samples = pcm16_to_float(np.array([0, 16384, -32768], "<i2").tobytes())
    assert samples.tolist() == [0.0, 0.5, -1.0]


@pytest.mark.parametrize(
    ("frame", "rate", "error"),
    [
        (b"\x00\x01\x02", 16000, OddByteCount),
        (b"", 16000, EmptyAudio),
        (b"\x00\x00", 48000, WrongSampleRate),
    ],
)
def test_bad_pcm_frames_are_named(frame: bytes, rate: int, error: type[AudioError]) -> None:
    with pytest.raises(error):
        pcm16_to_float(frame, rate)


def test_garbage_is_not_audio() -> None:
    with pytest.raises(UndecodableAudio):
        decode_file(b"this is not audio at all" * 100)


def test_stereo_file_gives_one_stream_per_channel(recordings: Path) -> None:
    left, right = decode_file(recordings / "stereo_diarization.wav")
    assert len(left) == len(right) == 5 * SAMPLE_RATE
    assert not np.allclose(left, right)
    (mixed,) = decode_file(recordings / "stereo_diarization.wav", mono=True)
    assert len(mixed) == len(left)
    assert len(distinct_channels([left, right])) == 2


def test_channels_that_are_the_same_audio_count_once() -> None:
    tone: Samples = (np.sin(np.arange(SAMPLE_RATE) / 10) / 2).astype(np.float32)
    almost: Samples = (tone + 1 / 32768).astype(np.float32)  # one PCM16 step off: the same
    half: Samples = (tone / 2).astype(np.float32)
    assert len(distinct_channels([tone, almost])) == 1
    assert len(distinct_channels([tone, tone, half])) == 3
    assert len(distinct_channels([tone, tone[:-1]])) == 2


@pytest.mark.parametrize(("name", "seconds"), [("multilingual.mp3", 59.9), ("jfk.flac", 11.0)])
def test_compressed_files_are_resampled_to_16_khz(
    recordings: Path, name: str, seconds: float
) -> None:
    for audio in decode_file(recordings / name):
        assert abs(len(audio) / SAMPLE_RATE - seconds) < 0.1


def chirp(seconds: float) -> Samples:
    """A tone sweeping from 200 to 2000 Hz, loud enough to survive Opus."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (0.5 * np.sin(2 * np.pi * (200 + 900 * t / seconds) * t)).astype(np.float32)


@pytest.mark.parametrize("container", ["webm", "ogg"])
def test_browser_recordings_decode_chunk_by_chunk(container: str) -> None:
    audio = chirp(3.0)
    recording = encode_opus(audio, container)
    decoder = OpusChunkDecoder()
    rng = np.random.default_rng(3)
    cuts = np.sort(rng.choice(np.arange(1, len(recording)), size=40, replace=False))
    chunks = np.split(np.frombuffer(recording, np.uint8), cuts)
    decoded = np.concatenate([decoder.decode(chunk.tobytes()) for chunk in chunks])
    assert abs(len(decoded) - len(audio)) < 0.05 * SAMPLE_RATE
    length = min(len(decoded), len(audio))
    assert np.corrcoef(decoded[:length], audio[:length])[0, 1] > 0.95


@pytest.mark.parametrize(("container", "boundary"), [("webm", CLUSTER), ("ogg", b"OggS")])
def test_a_bad_chunk_is_refused_and_the_recording_goes_on(container: str, boundary: bytes) -> None:
    audio = chirp(2.0)
    recording = encode_opus(audio, container)
    cut = recording.index(boundary, recording.index(boundary) + 1)  # as MediaRecorder cuts
    decoder = OpusChunkDecoder()
    first = decoder.decode(recording[:cut])
    for garbage in (b"\xff" * 64, b"\x00garbage"):
        with pytest.raises(UndecodableAudio):
            decoder.decode(garbage)
    with pytest.raises(EmptyAudio):
        decoder.decode(b"")
    rest = decoder.decode(recording[cut:])
    assert abs(len(first) + len(rest) - len(audio)) < 0.05 * SAMPLE_RATE


def test_a_stream_that_is_neither_webm_nor_ogg_is_refused_until_one_starts() -> None:
    decoder = OpusChunkDecoder()
    with pytest.raises(UndecodableAudio):
        decoder.decode(b"RIFF....WAVEfmt ")
    assert len(decoder.decode(encode_opus(chirp(1.0), "ogg"))) > 0.9 * SAMPLE_RATE
