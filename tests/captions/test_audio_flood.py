"""A floor holder who floods the audio socket with frames that hold no audio (Ogg pages that
never end a packet, WebM padding and unknown elements): they use the speaker's real-time
budget like speech, are refused past it, are not recorded, and cost little; what they say
afterwards is still captioned. The embedded worker with the real Whisper base."""

import asyncio
import itertools
import time
from pathlib import Path

import numpy as np
import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from asr import SAMPLE_RATE, decode_file, pcm16_to_float
from asr.wer import normalised_words, word_error_rate
from server.captions.models import Recording
from server.conferences.models import Meeting, Participant
from tests.asr.conftest import (
    encode_opus,
    ogg_audio_start,
    ogg_pages_without_end,
    webm_audio_start,
    webm_voids,
)
from tests.support.room_sockets import Connect

from .conftest import OpenSpeech, SpeechSocket, events_until_heard, speech, spoken

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.parametrize("layer", ["memory"], indirect=True),
]

STATEMENT = "The delegation of Kenya supports the proposal on climate finance."


async def send_checked(microphone: SpeechSocket, frame: bytes) -> list[str]:
    """Send ``frame``; the codes of the errors it drew (a ping's pong closes the answer)."""
    await microphone.send_bytes(frame)
    await microphone.communicator.send_to(text_data='{"type": "ping"}')
    codes = []
    while (message := await microphone.receive())["type"] != "pong":
        if message["type"] == "error":
            codes.append(message["code"])
    return codes


async def send_slowing_down(microphone: SpeechSocket, chunk: bytes) -> list[str]:
    """A chunk refused as too fast is sent again a little later, as a client told to slow
    down would."""
    codes = await send_checked(microphone, chunk)
    if codes != ["rate_limited"]:
        return codes
    await asyncio.sleep(0.2)
    return await send_slowing_down(microphone, chunk)


async def speak(microphone: SpeechSocket, stream: bytes, seconds: float) -> None:
    """``stream`` in chunks of 100 ms, at about real time."""
    cuts = np.linspace(0, len(stream), round(seconds * 10) + 1).astype(int)
    for start, end in itertools.pairwise(cuts):
        assert not await send_slowing_down(microphone, stream[start:end])
        await asyncio.sleep(0.1)


@pytest.mark.parametrize("container", ["ogg", "webm"])
async def test_audio_a_flood_without_audio_is_refused_unrecorded_and_the_speaker_still_captioned(
    floor: Participant,
    plenary: Meeting,
    connect: Connect,
    open_speech: OpenSpeech,
    settings: SettingsWrapper,
    recordings_dir: Path,
    tmp_path: Path,
    container: str,
) -> None:
    settings.AUDIO_AHEAD_SECONDS = 1.0
    pcm = speech(STATEMENT, "en", tmp_path, pause=1.5)
    samples = pcm16_to_float(pcm)
    stream = encode_opus(samples, container)
    start = ogg_audio_start(stream) if container == "ogg" else webm_audio_start(stream)
    flood = ogg_pages_without_end(stream, 200) if container == "ogg" else webm_voids(200)
    spain = await connect("spain", plenary)
    microphone = await open_speech("kenya", plenary, "audio", f"format={container}")
    assert (await microphone.receive())["type"] == "audio.ready"
    assert not await send_checked(microphone, stream[:start])  # the header

    began = time.process_time()
    refused = [code for frame in flood for code in await send_checked(microphone, frame)]
    assert time.process_time() - began < 5.0
    assert len(refused) >= 190 and set(refused) <= {"rate_limited", "too_large"}

    await speak(microphone, stream[start:], len(samples) / SAMPLE_RATE)
    finals = spoken(await events_until_heard(spain, STATEMENT))
    assert {"kenya", "proposal", "climate"} <= set(normalised_words(finals)), finals
    assert word_error_rate(STATEMENT, finals) <= 0.35  # through Opus, from a synthetic voice
    await microphone.close()
    recording = await Recording.objects.aget(meeting=plenary)
    stored = (recordings_dir / recording.path).read_bytes()
    assert recording.bytes == len(stored) <= len(stream)  # nothing of the flood
    (heard,) = decode_file(stored, mono=True)
    assert abs(len(heard) - len(samples)) < 0.1 * SAMPLE_RATE
