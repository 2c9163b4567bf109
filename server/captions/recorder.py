"""The audio of a floor turn, written to disk as it arrives (``RECORDINGS_DIR``).

PCM16 goes into a WAV file whose header is brought up to date at most once a second and
when the file is closed, so a crash leaves a readable file short by at most that second's
header (the audio itself is all there). Opus chunks are the browser's own WebM or Ogg
stream, as far as it is audio and headers (``asr.demux``): concatenated, a valid file.

Recordings are what delegates said, some of it in closed session: files are created 0600
in folders made 0700 (any wider folder on the way is narrowed), whatever the umask.
"""

import os
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


FOLDER_MODE, FILE_MODE = 0o700, 0o600


def private_folder(folder: Path, root: Path) -> None:
    """``folder`` and every folder from ``root`` down to it, made and kept ``FOLDER_MODE``."""
    relative = folder.relative_to(root)
    for step in [*reversed(relative.parents), relative]:
        path = root / step
        path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        if path.stat().st_mode & 0o777 != FOLDER_MODE:
            path.chmod(FOLDER_MODE)


def private_file(path: Path) -> BinaryIO:
    """``path`` created (or emptied) for writing, ``FILE_MODE``; a link there is refused."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, "wb")


class RecordingFile:
    def __init__(self, path: Path, format: str, root: Path) -> None:
        private_folder(path.parent, root)
        self.path = path
        self.wav = format == Recording.Format.PCM16
        self.file: BinaryIO = private_file(path)
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
