"""Recognition workers come and go: a stream whose worker dies or leaves is taken over by
another from where its final text had got to, and no word is lost or said twice. Real
Whisper base, two workers sharing a real Redis (a separate worker process is in
test_worker_process.py)."""

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from channels.layers import get_channel_layer
from pytest_django.fixtures import Settings as SettingsWrapper

from asr.wer import word_error_rate
from server.captions.models import TranscriptSegment
from server.captions.speech import speech_engines
from server.captions.worker import RecognitionWorker
from server.conferences.models import Meeting, Participant
from tests.support.room_sockets import Connect

from .conftest import OpenSpeech, SpeechSocket, events_until_quiet, frames, heard_once, speech

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    # The in-process layer serves one reader per channel (one worker per process); workers
    # share the stream queue on Redis.
    pytest.mark.parametrize("layer", ["redis"], indirect=True),
]

FIRST = "The delegation of Kenya thanks the chair for convening this meeting."
SECOND = "We believe that adaptation finance must double by the end of this decade."
StartWorker = Callable[[], Awaitable[tuple[RecognitionWorker, "asyncio.Task[None]"]]]


@pytest.fixture
def external(settings: SettingsWrapper, layer: str) -> None:
    settings.ASR_WORKERS = "external"  # the test runs the workers itself


@pytest.fixture
async def start_worker(external: None) -> AsyncIterator[StartWorker]:
    tasks: list[asyncio.Task[None]] = []

    async def start() -> tuple[RecognitionWorker, asyncio.Task[None]]:
        layer = get_channel_layer()
        assert layer is not None
        worker = RecognitionWorker(layer, speech_engines, max_streams=2, threads=1)
        task = asyncio.create_task(worker.run())
        tasks.append(task)
        await asyncio.wait_for(worker.ready.wait(), 60)
        return worker, task

    yield start
    for task in tasks:
        task.cancel()


async def speak(microphone: SpeechSocket, pcm: bytes) -> None:
    """Audio at about real time, as a microphone sends it."""
    for frame in frames(pcm):
        await microphone.send_bytes(frame)
        await asyncio.sleep(0.1)


async def statuses_until(microphone: SpeechSocket, state: str) -> list[str]:
    seen: list[str] = []
    while not seen or seen[-1] != state:
        seen.append((await microphone.receive_until("audio.status", timeout=30))["state"])
    return seen


def spoken(events: list[dict[str, Any]]) -> str:
    return " ".join(e["data"]["text"] for e in events if e["type"] == "caption.final")


async def test_a_dead_worker_is_replaced_mid_utterance_and_nothing_is_lost(
    floor: Participant,
    plenary: Meeting,
    connect: Connect,
    open_speech: OpenSpeech,
    start_worker: StartWorker,
    settings: SettingsWrapper,
    tmp_path: Path,
) -> None:
    settings.ASR_WORKER_TIMEOUT_SECONDS = 1.5
    _, first = await start_worker()
    spain = await connect("spain", plenary)
    microphone = await open_speech("kenya", plenary, "audio")
    assert (await microphone.receive_until("audio.status"))["state"] == "live"
    await start_worker()  # waits for streams
    audio = speech(FIRST, "en", tmp_path, pause=1.0) + speech(SECOND, "en", tmp_path, pause=2.0)
    middle = len(audio) // 2 // 3200 * 3200 + 3200 * 20  # two seconds into the second sentence
    await speak(microphone, audio[:middle])
    first.cancel()  # the first worker dies, mid-utterance
    await speak(microphone, audio[middle:])
    assert await statuses_until(microphone, "live") == ["recovering", "live"]
    events = await events_until_quiet(spain, quiet=6.0)
    heard_once(f"{FIRST} {SECOND}", spoken(events), must={"kenya", "meeting", "double", "decade"})
    segments = [s async for s in TranscriptSegment.objects.filter(meeting=plenary)]
    assert " ".join(s.text for s in segments) == spoken(events)
    assert all(a.offset_end <= b.offset_start + 0.3 for a, b in itertools.pairwise(segments))


async def test_a_worker_that_leaves_hands_its_streams_over_at_once(
    floor: Participant,
    plenary: Meeting,
    connect: Connect,
    open_speech: OpenSpeech,
    start_worker: StartWorker,
    settings: SettingsWrapper,
    tmp_path: Path,
) -> None:
    settings.ASR_WORKER_TIMEOUT_SECONDS = 30.0  # a handover must not wait for a timeout
    leaving, _ = await start_worker()
    spain = await connect("spain", plenary)
    microphone = await open_speech("kenya", plenary, "audio")
    assert (await microphone.receive_until("audio.status"))["state"] == "live"
    await start_worker()
    audio = speech(FIRST, "en", tmp_path, pause=1.0)
    await speak(microphone, audio[: len(audio) // 2 // 2 * 2])
    await leaving.hand_back("the worker is shutting down")
    await speak(microphone, audio[len(audio) // 2 // 2 * 2 :])
    assert await statuses_until(microphone, "live") == ["recovering", "live"]
    events = await events_until_quiet(spain, quiet=5.0)
    assert word_error_rate(FIRST, spoken(events)) <= 0.25
