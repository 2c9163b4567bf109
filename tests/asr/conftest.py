"""Real Whisper base (the bundled model, int8 on 2 CPU threads) on real recordings, real
Apertium, and Argos on a tiny package built at test time. No Django here."""

import io
import json
import os
import shutil
import socket
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, Samples, decode_file
from asr.engines.faster import FasterWhisperTranscriber
from asr.results import Caption, final_captions
from asr.streaming import StreamingOptions, StreamingTranscriber
from asr.transcriber import EngineOptions

REPO = Path(__file__).resolve().parents[2]
FRAME = 1600 * 2  # 100 ms of PCM16


def shared_dir() -> Path:
    return Path(os.environ.get("PLENARY_SHARED_DIR", REPO.parent / "shared"))


@pytest.fixture(scope="package", autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Models and Argos packages go to a fresh data directory, never the real one."""
    folder = tmp_path_factory.mktemp("plenary-data")
    saved = os.environ.get("PLENARY_DATA_DIR")
    os.environ["PLENARY_DATA_DIR"] = str(folder)
    yield folder
    if saved is None:
        del os.environ["PLENARY_DATA_DIR"]
    else:
        os.environ["PLENARY_DATA_DIR"] = saved


@pytest.fixture(scope="package", autouse=True)
def no_network() -> Iterator[None]:
    """Everything here runs offline: any attempt to open a network connection fails."""

    def refuse(*args: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket, "create_connection", refuse)
        yield


@pytest.fixture(scope="session")
def recordings() -> Path:
    """The real speech recordings; tests that need them are skipped where they are absent."""
    folder = shared_dir() / "fixtures" / "audio"
    if not (folder / "references.json").exists():
        pytest.skip(
            f"real speech recordings not found in {folder} (set PLENARY_SHARED_DIR to the "
            "folder that holds fixtures/audio)"
        )
    return folder


@pytest.fixture(scope="session")
def references(recordings: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((recordings / "references.json").read_text())
    return loaded


@pytest.fixture(scope="package")
def engine(data_dir: Path) -> FasterWhisperTranscriber:
    return FasterWhisperTranscriber(EngineOptions(cpu_threads=2))


def to_pcm(audio: Samples) -> bytes:
    return (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()


def speak(text: str, voice: str, folder: Path) -> Samples:
    """Speech made at test time with espeak-ng, as 16 kHz samples."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng; make test does)")
    path = folder / f"{voice}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(path), text], check=True)
    return decode_file(path)[0]


def silence(seconds: float) -> Samples:
    return np.zeros(int(seconds * SAMPLE_RATE), np.float32)


def encode_opus(audio: Samples, container: str) -> bytes:
    """``audio`` as a live WebM/Opus or Ogg/Opus recording, as a browser would send it."""
    options = {"live": "1"} if container == "webm" else {}
    out = io.BytesIO()
    with av.open(out, "w", format=container, options=options) as muxer:
        stream = muxer.add_stream("libopus", rate=48000, layout="mono")
        frame = av.AudioFrame.from_ndarray(
            (np.clip(audio, -1, 1) * 32767).astype(np.int16)[None, :], format="s16", layout="mono"
        )
        frame.sample_rate = SAMPLE_RATE
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        for resampled in [*resampler.resample(frame), *resampler.resample(None)]:
            muxer.mux(stream.encode(resampled))
        muxer.mux(stream.encode(None))
    return out.getvalue()


def ogg_audio_start(recording: bytes) -> int:
    """Where an Ogg/Opus recording's audio pages begin (after OpusHead and OpusTags)."""
    return recording.index(b"OggS", recording.index(b"OggS", 1) + 1)


def webm_audio_start(recording: bytes) -> int:
    """Where a WebM recording's first cluster begins (the header before it)."""
    return recording.index(b"\x1f\x43\xb6\x75")


def ogg_pages_without_end(recording: bytes, count: int) -> list[bytes]:
    """``count`` full Ogg pages (65 KB each) of ``recording``'s stream, each continuing one
    packet that never ends: no audio comes out of them, ever."""
    serial = struct.unpack_from("<I", recording, 14)[0]
    body = b"\xa5" * 255 * 255
    return [
        struct.pack("<4sBBqIIIB", b"OggS", 0, 1 if n else 0, -1, serial, 1000 + n, 0, 255)
        + b"\xff" * 255
        + body
        for n in range(count)
    ]


def webm_element(ident: bytes, size: int, body: bytes = b"") -> bytes:
    """A WebM element: its ID, its size (8-byte EBML integer), and ``body``."""
    return ident + (size | 1 << 56).to_bytes(8, "big") + body


def webm_voids(count: int) -> list[bytes]:
    """``count`` frames of 64 KB, each one Void element (padding) or an element of an ID no
    WebM file uses: no audio comes out of them."""
    body = b"\x00" * (64 * 1024 - 20)
    return [webm_element(b"\xec" if n % 2 else b"\x4f\xff", len(body), body) for n in range(count)]


def stream(
    engine: FasterWhisperTranscriber, audio: Samples, options: StreamingOptions | None = None
) -> list[Caption]:
    """Everything a streaming transcriber says about ``audio``, fed 100 ms at a time (drafts
    once a second of audio, however long they take: the same captions on any machine)."""
    transcriber = StreamingTranscriber(engine, options or StreamingOptions(), clock=lambda: 0.0)
    pcm = to_pcm(audio)
    captions = []
    for offset in range(0, len(pcm), FRAME):
        captions += transcriber.feed(pcm[offset : offset + FRAME])
    return captions + transcriber.flush()


def finals(captions: list[Caption]) -> list[Caption]:
    """The finals a reader ends with (each settled caption in place of its pieces)."""
    return final_captions(captions)


def final_text(captions: list[Caption]) -> str:
    return " ".join(c.text for c in finals(captions))
