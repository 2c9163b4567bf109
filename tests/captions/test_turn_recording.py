"""A turn's recording on its own: frames written, the stream time they start at, gaps, and
the recording's row brought up to date."""

from pathlib import Path

import pytest

from server.captions import services
from server.captions.intake import Frame
from server.captions.models import Recording
from server.captions.recorder import wav_header
from server.captions.turn_recording import TurnRecording
from server.common.asyncdb import db_async
from server.conferences.models import Meeting, Participant

pytestmark = [pytest.mark.django_db(transaction=True)]
SECOND = b"\x01\x00" * 16000


async def test_frames_are_stored_and_the_row_follows(
    floor: Participant, plenary: Meeting, recordings_dir: Path
) -> None:
    recording, _ = await db_async(services.recording_open)(
        meeting=plenary, participant=floor, format="pcm16"
    )
    kept = TurnRecording(recording, "pcm16")

    assert kept.write(Frame(SECOND, SECOND, oversized=False)) == 0.0
    assert kept.write(Frame(b"", b"", oversized=False)) == 1.0  # a header: no audio
    assert kept.write(Frame(SECOND[:16000], SECOND[:16000], oversized=False)) == 1.0
    assert kept.received == 1.5
    kept.gap(0.12345, 0.98765)
    await kept.save(done=False)
    row = await Recording.objects.aget(pk=recording.pk)
    assert (row.seconds, row.gaps, row.ended_at) == (1.5, [[0.123, 0.988]], None)

    await kept.close()
    row = await Recording.objects.aget(pk=recording.pk)
    assert row.ended_at is not None and row.bytes == len(wav_header(0)) + 48000
    data = (recordings_dir / recording.path).read_bytes()
    assert data == wav_header(48000) + SECOND + SECOND[:16000]
