"""What happens when recognition cannot keep up: the lag is visible, drafts are skipped and
no final is dropped; and speech recorded without live recognition is transcribed
afterwards from the stored audio (``plenary transcript redo``)."""

import asyncio
import time
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from prometheus_client import REGISTRY
from pytest_django.fixtures import Settings as SettingsWrapper

from asr import (
    Samples,
    Segment,
    TranscribeOptions,
    Transcriber,
    TranscribeRequest,
    Transcription,
    TranscriptionInfo,
    transcribe_each,
)
from asr.wer import word_error_rate
from server.captions import speech as speech_module
from server.captions.models import Recording, SegmentTranslation, TranscriptSegment
from server.common.asyncdb import db_async
from server.conferences.models import Meeting, Participant
from server.rooms.models import RoomEvent
from tests.support.room_sockets import Connect

from .conftest import OpenSpeech, events_until_quiet, frames, offline_text, speech, spoken

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

STATEMENT = "We ask that the new fund be ready next year, and we thank the chair."
FOLLOW_UP = "We also support the proposal of the secretariat on the agenda."


def drafts_skipped() -> float:
    return REGISTRY.get_sample_value("plenary_caption_drafts_skipped_total") or 0.0


class Overloaded:
    """The real engine on a machine too busy to keep up: every call takes 2.5 s longer, one
    at a time."""

    batching = False

    def __init__(self, engine: Transcriber) -> None:
        self.engine = engine

    def transcribe(
        self, audio: Samples, options: TranscribeOptions, *, offset: float = 0.0
    ) -> tuple[list[Segment], TranscriptionInfo]:
        time.sleep(2.5)
        return self.engine.transcribe(audio, options, offset=offset)

    def transcribe_many(self, requests: Sequence[TranscribeRequest]) -> list[Transcription]:
        return transcribe_each(self, requests)

    def detect_language(
        self, audio: Samples, among: Collection[str] = (), *, window: float | None = None
    ) -> tuple[str, float]:
        return self.engine.detect_language(audio, among, window=window)


@pytest.fixture
def overloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    engines = speech_module.speech_engines()
    slow = speech_module.SpeechEngines(Overloaded(engines.transcriber), engines.router)
    monkeypatch.setattr(speech_module, "_engines", slow)


async def test_a_lagging_stream_skips_drafts_says_so_and_keeps_every_final(
    floor: Participant,
    plenary: Meeting,
    connect: Connect,
    open_speech: OpenSpeech,
    overloaded: None,
    tmp_path: Path,
) -> None:
    skipped = drafts_skipped()
    kenya2 = await connect("kenya2", plenary)
    microphone = await open_speech("kenya", plenary, "audio")
    assert (await microphone.receive())["type"] == "audio.ready"
    pcm = speech(f"{STATEMENT} {FOLLOW_UP}", "en", tmp_path, pause=2.0)
    for frame in frames(pcm):
        await microphone.send_bytes(frame)
        await asyncio.sleep(0.1)
    statuses: list[str] = []
    finals: list[dict[str, Any]] = []
    while not (finals and await kenya2.communicator.receive_nothing(timeout=8)):
        message = await kenya2.receive(timeout=30)
        if message["type"] == "caption.status":
            statuses.append(message["state"])
        elif message["type"] == "caption.final":
            finals.append(message)
    assert "lagging" in statuses
    assert drafts_skipped() > skipped
    # Late rather than wrong: as good as the same audio decoded whole offline, within a word.
    offline = await asyncio.to_thread(offline_text, pcm, "en")
    reference = f"{STATEMENT} {FOLLOW_UP}"
    assert word_error_rate(reference, spoken(finals)) <= word_error_rate(reference, offline) + 0.1


async def test_speech_recorded_without_a_worker_is_transcribed_afterwards(
    floor: Participant,
    plenary: Meeting,
    connect: Connect,
    open_speech: OpenSpeech,
    settings: SettingsWrapper,
    recordings_dir: Path,
    tmp_path: Path,
) -> None:
    settings.ASR_WORKERS = "external"  # and none runs: the audio is only recorded
    spain = await connect("spain", plenary)
    microphone = await open_speech("kenya", plenary, "audio")
    assert (await microphone.receive())["type"] == "audio.ready"
    pcm = speech(STATEMENT, "en", tmp_path, pause=1.0)
    for frame in frames(pcm):
        await microphone.send_bytes(frame)
    await microphone.close()
    assert not [e for e in await events_until_quiet(spain, 1.0) if e["type"] == "caption.final"]

    await db_async(call_command)("transcript", "redo", str(plenary.pk))

    recording = await Recording.objects.aget(meeting=plenary)
    segments = [s async for s in TranscriptSegment.objects.filter(recording=recording)]
    assert segments and all(s.source == "redo" and s.language == "en" for s in segments)
    # As the same model hears the audio decoded whole (the model at beam 5 hears "We ask for
    # the new fund we read in the next year": WER 0.33), within a word.
    offline = await asyncio.to_thread(offline_text, pcm, "en")
    heard = " ".join(s.text for s in segments)
    assert word_error_rate(STATEMENT, heard) <= word_error_rate(STATEMENT, offline) + 0.1
    assert await SegmentTranslation.objects.filter(
        segment__in=segments, language="es"
    ).acount() == len(segments)
    redone = await RoomEvent.objects.filter(meeting=plenary, type="transcript.redone").alast()
    assert redone is not None and redone.data["segments"] == len(segments)
