"""Recognition workers come and go: a stream whose worker dies or leaves is taken over by
another from where its final text had got to, and no word is lost or said twice. Real
Whisper base, two workers sharing a real Redis (a separate worker process is in
test_worker_process.py)."""

import asyncio
import itertools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from channels.layers import get_channel_layer
from django.db import OperationalError
from prometheus_client import REGISTRY
from pytest_django.fixtures import Settings as SettingsWrapper

from asr.wer import word_error_rate
from server.captions import services
from server.captions.messages import STREAMS_CHANNEL, StreamOpen
from server.captions.models import Recording, TranscriptSegment
from server.common.asyncdb import db_async
from server.conferences.models import Meeting, Participant
from server.rooms import services as room_services
from tests.support.room_sockets import Connect

from .conftest import (
    FIRST,
    SECOND,
    TAKEOVER_MUST,
    OpenSpeech,
    SpeechSocket,
    StartWorker,
    events_until_heard,
    frames,
    heard_once,
    speech,
    spoken,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    # The in-process layer serves one reader per channel (one worker per process); workers
    # share the stream queue on Redis.
    pytest.mark.parametrize("layer", ["redis"], indirect=True),
]


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
    # The new worker catches up on the audio sent again, drafts skipped: on a busy machine
    # the listener may hear nothing for a while, then the statement's settled sentences.
    events = await events_until_heard(spain, f"{FIRST} {SECOND}")
    heard_once(f"{FIRST} {SECOND}", spoken(events), must=TAKEOVER_MUST)
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
    events = await events_until_heard(spain, FIRST)  # however long a busy machine takes
    assert word_error_rate(FIRST, spoken(events)) <= 0.25


def streams() -> float:
    return REGISTRY.get_sample_value("plenary_asr_streams") or 0.0


async def until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "the condition never came true"
        await asyncio.sleep(0.1)


def earlier_turn_recording(plenary: Meeting, person: Callable[[str], Participant]) -> Recording:
    """France's audio socket on another server, still there, of a turn before Kenya's."""
    chair, france, kenya = person("chair"), person("france"), person("kenya")
    room_services.floor_give(actor=chair, meeting=plenary, participant_id=france.pk)
    recording, _ = services.recording_open(meeting=plenary, participant=france, format="pcm16")
    room_services.floor_give(actor=chair, meeting=plenary, participant_id=kenya.pk)
    return recording


async def test_audio_a_full_worker_frees_its_slots_and_takes_no_stream_for_a_closed_socket(
    floor: Participant,
    plenary: Meeting,
    person: Callable[[str], Participant],
    connect: Connect,
    open_speech: OpenSpeech,
    start_worker: StartWorker,
    settings: SettingsWrapper,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    settings.ASR_WORKER_TIMEOUT_SECONDS = 1.0
    settings.ASR_STREAM_IDLE_SECONDS = 3.0
    caplog.set_level(logging.INFO, "server.captions.worker")
    before = streams()
    await start_worker()  # two slots
    layer = get_channel_layer()
    assert layer is not None
    # Two streams fill the worker; their sockets then send nothing (gone with their server).
    recording = await db_async(earlier_turn_recording)(plenary, person)
    reply = await layer.new_channel()
    for n in range(2):
        request: StreamOpen = {
            "type": "asr.open",
            "stream": f"silent-{n}",
            "reply": reply,
            "recording": recording.pk,
            "language": None,
            "languages": ["en"],
            "start": 0.0,
        }
        await layer.send(STREAMS_CHANNEL, request)
    await until(lambda: streams() == before + 2)
    # While it is full, Kenya turns her microphone on and off again, three times.
    for _ in range(3):
        microphone = await open_speech("kenya", plenary, "audio")
        assert (await microphone.receive())["type"] == "audio.ready"
        await microphone.close()
    await until(lambda: streams() == before)  # the silent streams are let go
    spain = await connect("spain", plenary)
    microphone = await open_speech("kenya", plenary, "audio")
    assert (await microphone.receive_until("audio.status", timeout=10))["state"] == "live"
    await speak(microphone, speech(FIRST, "en", tmp_path, pause=2.0))
    events = await events_until_heard(spain, FIRST)
    assert word_error_rate(FIRST, spoken(events)) <= 0.25
    opened = [r for r in caplog.records if " opened (meeting " in r.getMessage()]
    assert len(opened) == 3  # the silent two and the last: none for a closed socket
    await microphone.close()
    await until(lambda: streams() == before)


@pytest.mark.parametrize("failures", [1, 4])
async def test_audio_a_final_that_cannot_be_stored_is_tried_again_and_never_lost(
    floor: Participant,
    plenary: Meeting,
    connect: Connect,
    open_speech: OpenSpeech,
    start_worker: StartWorker,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    failures: int,
) -> None:
    """One failure is retried; four outlast the retries: the stream fails, settled before
    the final, and the stream that takes over hears it again."""
    store, calls = services.caption_commit, 0

    def failing_store(**final: Any) -> TranscriptSegment:
        nonlocal calls
        calls += 1
        if calls <= failures:
            raise OperationalError("database is locked")
        return store(**final)

    monkeypatch.setattr(services, "caption_commit", failing_store)
    await start_worker()
    spain = await connect("spain", plenary)
    microphone = await open_speech("kenya", plenary, "audio")
    assert (await microphone.receive_until("audio.status"))["state"] == "live"
    await speak(microphone, speech(FIRST, "en", tmp_path, pause=2.0))
    events = await events_until_heard(spain, FIRST, quiet=8.0)
    heard_once(FIRST, spoken(events), must={"kenya", "chair", "meeting"})
    assert calls > failures
