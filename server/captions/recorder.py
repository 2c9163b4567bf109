"""The audio of a floor turn, written to disk as it arrives (``RECORDINGS_DIR``).

PCM16 goes into a WAV file whose header is brought up to date at most once a second and
when the file is closed, so a crash leaves a readable file short by at most that second's
header (the audio itself is all there). Opus chunks are the browser's own WebM or Ogg
stream, appended as they come: concatenated, they are a valid file.
"""

import struct
import time
from pathlib import Path
from typing import BinaryIO

from asr import SAMPLE_RATE

from .models import Recording

WAV_HEADER = struct.Struct("<4sI4s4sIHHIIHH4sI")
HEADER_EVERY_SECONDS = 1.0


def wav_header(data_bytes: int) -> bytes:
    return WAV_HEADER.pack(
        b"RIFF",
        36 + data_bytes,
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        SAMPLE_RATE,
        SAMPLE_RATE * 2,
        2,
        16,
        b"data",
        data_bytes,
    )


class RecordingFile:
    def __init__(self, path: Path, format: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.wav = format == Recording.Format.PCM16
        self.file: BinaryIO = path.open("wb")
        self.data_bytes = 0
        self.header_at = 0.0
        if self.wav:
            self.file.write(wav_header(0))

    @property
    def size(self) -> int:
        return self.data_bytes + (WAV_HEADER.size if self.wav else 0)

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.data_bytes += len(data)
        if self.wav and time.monotonic() - self.header_at >= HEADER_EVERY_SECONDS:
            self._update_header()

    def _update_header(self) -> None:
        self.file.seek(0)
        self.file.write(wav_header(self.data_bytes))
        self.file.seek(0, 2)
        self.file.flush()
        self.header_at = time.monotonic()

    def close(self) -> None:
        if self.file.closed:
            return
        if self.wav:
            self._update_header()
        self.file.close()
