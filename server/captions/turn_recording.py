"""One floor turn's recording as its audio socket keeps it: the audio written to the file,
the stream time reached, the stretches recognition could not cover (gaps), and the
recording's row brought up to date every few seconds and when the turn ends."""

import time

from django.conf import settings

from server.common.asyncdb import db_async

from . import services
from .intake import Frame
from .models import Recording
from .recorder import RecordingFile

PROGRESS_EVERY = 5.0  # seconds between updates of the recording's row


class TurnRecording:
    def __init__(self, recording: Recording, format: str) -> None:
        self.recording = recording
        self.file = RecordingFile(
            settings.RECORDINGS_DIR / recording.path, format, settings.RECORDINGS_DIR
        )
        self.received = 0.0  # seconds of audio so far: the stream time of the next frame
        self.gaps: list[list[float]] = []
        self.saved_at = time.monotonic()

    def write(self, frame: Frame) -> float:
        """Store the frame; the stream time at which its audio starts."""
        if frame.stored:
            self.file.write(frame.stored)
        at = self.received
        self.received += frame.seconds
        return at

    def gap(self, start: float, end: float) -> None:
        self.gaps.append([round(start, 3), round(end, 3)])

    async def save_if_due(self) -> None:
        if time.monotonic() - self.saved_at >= PROGRESS_EVERY:
            await self.save(done=False)

    async def save(self, *, done: bool) -> None:
        self.saved_at = time.monotonic()
        await db_async(services.recording_progress)(
            recording=self.recording,
            seconds=self.received,
            size=self.file.size,
            gaps=self.gaps,
            done=done,
        )

    async def close(self) -> None:
        self.file.close()
        await self.save(done=True)
