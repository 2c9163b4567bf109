"""What the audio socket takes of each frame a speaker sends (docs/captions.md, "Sockets"):
the audio to hear and recognise, the bytes worth recording, and what it costs of the
speaker's real-time budget.

Every frame costs at least its size at PCM16's rate (32,000 bytes a second), audio or not:
frames that decode to nothing (Ogg pages that never end a packet, WebM padding or unknown
elements) use the same budget as speech, so no sender can make the server read, hold or
store faster than a microphone would. Opus is demuxed and decoded off the event loop.
"""

import asyncio
import time
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from asr import (
    SAMPLE_RATE,
    AudioError,
    EmptyAudio,
    OddByteCount,
    OpusChunkDecoder,
    UndecodableAudio,
    WrongSampleRate,
    pcm16_to_float,
)
from asr.demux import MAX_PACKET_BYTES
from server.common.errors import PlenaryError

from .models import Recording

BYTES_PER_SECOND = 2 * SAMPLE_RATE  # PCM16


class FrameTooLarge(PlenaryError):
    code = "too_large"


class TooFast(PlenaryError):
    code = "rate_limited"


AUDIO_ERROR_CODES: dict[type[AudioError], str] = {
    OddByteCount: "odd_byte_count",
    WrongSampleRate: "wrong_sample_rate",
    EmptyAudio: "empty_audio",
    UndecodableAudio: "undecodable_audio",
}


class BadAudio(PlenaryError):
    """A frame whose audio cannot be read; its code says why."""

    def __init__(self, error: AudioError) -> None:
        super().__init__(str(error))
        self.code = AUDIO_ERROR_CODES.get(type(error), "bad_audio")


@dataclass(frozen=True)
class Frame:
    pcm: bytes  # 16 kHz mono PCM16LE to hear and recognise; empty for a header
    stored: bytes  # what of the frame goes into the recording
    oversized: bool  # part of it was an element or packet too large to take, skipped

    @property
    def seconds(self) -> float:
        return len(self.pcm) / BYTES_PER_SECOND


def as_pcm16(samples: np.ndarray) -> bytes:
    return bytes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


class AudioIntake:
    """One audio socket's frames in, as ``format`` (``Recording.Format``)."""

    def __init__(self, format: str) -> None:
        self.decoder = OpusChunkDecoder() if format != Recording.Format.PCM16 else None
        self.opened_at = time.monotonic()
        self.spent = 0.0  # seconds of the real-time budget used so far

    async def take(self, data: bytes) -> Frame:
        """The frame, or an error that names what is wrong with it (``BadAudio`` for audio
        that cannot be read); a refused frame costs nothing and changes nothing."""
        if len(data) > settings.AUDIO_MAX_FRAME_BYTES:
            raise FrameTooLarge(
                _(
                    "An audio frame is at most {audio_max_frame_bytes} bytes; this one was "
                    "{size}. It was not taken."
                ),
                audio_max_frame_bytes=settings.AUDIO_MAX_FRAME_BYTES,
                size=len(data),
            )
        if self.spent > time.monotonic() - self.opened_at + settings.AUDIO_AHEAD_SECONDS:
            raise TooFast(_("Audio is arriving faster than real time; this frame was dropped."))
        try:
            frame = await self._decode(data)
        except AudioError as exc:
            raise BadAudio(exc) from exc
        self.spent += max(len(frame.pcm), len(data)) / BYTES_PER_SECOND
        return frame

    async def _decode(self, data: bytes) -> Frame:
        if self.decoder is None:
            pcm16_to_float(data)  # raises for an empty or odd-sized frame
            return Frame(data, data, oversized=False)
        chunk = await asyncio.to_thread(self.decoder.read, data)
        return Frame(as_pcm16(chunk.samples), chunk.stored, chunk.oversized)


OVERSIZED = (
    f"This frame carried part of an element or packet over {MAX_PACKET_BYTES // 1024} KiB; "
    "that part was skipped."
)
