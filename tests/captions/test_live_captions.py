"""Live captions through the real path: the floor holder's audio socket, the embedded
recognition worker with the real Whisper base, Apertium, the room socket."""

import asyncio
from pathlib import Path

import pytest

from asr.wer import word_error_rate
from server.captions.models import SegmentTranslation, TranscriptSegment
from server.conferences.models import Meeting, Participant
from tests.support.captions import read_finals
from tests.support.room_sockets import Connect

from .conftest import OpenSpeech, events_until_heard, frames, speech, spoken

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

STATEMENT = "The delegation of Kenya supports the proposal on climate finance."


async def test_the_speaker_is_captioned_and_translated_for_listeners(
    floor: Participant,
    plenary: Meeting,
    connect: Connect,
    open_speech: OpenSpeech,
    tmp_path: Path,
) -> None:
    spain = await connect("spain", plenary)  # reads Spanish
    microphone = await open_speech("kenya", plenary, "audio")
    assert (await microphone.receive())["type"] == "audio.ready"
    for frame in frames(speech(STATEMENT, "en", tmp_path, pause=1.5)):
        await microphone.send_bytes(frame)
        await asyncio.sleep(0.01)
    events = await events_until_heard(spain, STATEMENT)
    finals = read_finals(events)  # the settled text in place of the pieces it replaces
    assert {f["data"]["language"] for f in finals} == {"en"}
    assert word_error_rate(STATEMENT, spoken(events)) <= 0.2
    translations = {e["data"]["segment"]: e for e in events if e["type"] == "caption.translation"}
    assert set(translations) >= {f["data"]["segment"] for f in finals}
    assert {t["data"]["language"] for t in translations.values()} == {"es"}
    async for segment in TranscriptSegment.objects.filter(meeting=plenary, superseded=False):
        assert segment.seq in {f["seq"] for f in finals}
        assert await SegmentTranslation.objects.filter(segment=segment, language="es").aexists()
