"""The speech sockets: who may send audio, what is refused and why (the stream goes on),
what is stored, who hears it. Recognition is off here (no worker): these are about audio."""

import os
import stat
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from asr import decode_file
from server.captions import services
from server.captions.models import Recording
from server.common.asyncdb import db_async
from server.conferences.models import Meeting, Participant
from server.rooms import services as room_services
from tests.asr.conftest import encode_opus, webm_audio_start, webm_element
from tests.support.room_sockets import Connect

from .conftest import FRAME_BYTES, OpenSpeech, SpeechSocket

pytestmark = [pytest.mark.django_db(transaction=True)]
People = Callable[[str], Participant]
TONE = (np.sin(np.arange(FRAME_BYTES // 2) / 5) * 8000).astype("<i2").tobytes()


@pytest.fixture(autouse=True)
def no_workers(settings: SettingsWrapper) -> None:
    """Audio is taken and stored whether or not a recognition worker is there."""
    settings.ASR_WORKERS = "external"


async def open_microphone(
    open_speech: OpenSpeech, meeting: Meeting, query: str = ""
) -> SpeechSocket:
    microphone = await open_speech("kenya", meeting, "audio", query)
    assert (await microphone.receive())["type"] == "audio.ready"
    return microphone


async def recording_of(meeting: Meeting) -> Recording:
    recording: Recording = await Recording.objects.aget(meeting=meeting)
    return recording


@pytest.mark.parametrize(
    ("username", "code", "close"),
    [(None, "unauthenticated", 4401), ("france", "forbidden", 4403), ("chair", "forbidden", 4403)],
)
async def test_only_the_floor_holder_may_send_audio(
    floor: Participant,
    plenary: Meeting,
    open_speech: OpenSpeech,
    username: str | None,
    code: str,
    close: int,
) -> None:
    microphone = await open_speech(username, plenary, "audio")
    error = await microphone.receive()
    assert (error["type"], error["code"]) == ("error", code)
    assert (await microphone.communicator.receive_output(2))["code"] == close
    assert not await Recording.objects.aexists()


async def test_nobody_speaks_in_a_suspended_meeting(
    floor: Participant, plenary: Meeting, person: People, open_speech: OpenSpeech
) -> None:
    await db_async(room_services.meeting_transition)(
        actor=await db_async(person)("chair"), meeting=plenary, action="suspend"
    )
    microphone = await open_speech("kenya", plenary, "audio")
    assert (await microphone.receive())["code"] == "conflict"


@pytest.mark.parametrize(
    ("query", "message"), [("format=mp3", "Unknown audio format"), ("rate=44100", "16000 Hz")]
)
async def test_a_stream_that_is_not_16_khz_pcm16_or_opus_is_refused(
    floor: Participant, plenary: Meeting, open_speech: OpenSpeech, query: str, message: str
) -> None:
    microphone = await open_speech("kenya", plenary, "audio", query)
    error = await microphone.receive()
    assert error["code"] == "invalid" and message in error["message"]


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (TONE[:-1], "odd_byte_count"),
        (b"", "empty_audio"),
        (b"\0" * (64 * 1024 + 2), "too_large"),
    ],
)
async def test_a_bad_pcm_frame_is_refused_and_the_stream_goes_on(
    floor: Participant,
    plenary: Meeting,
    open_speech: OpenSpeech,
    recordings_dir: Path,
    frame: bytes,
    code: str,
) -> None:
    microphone = await open_microphone(open_speech, plenary)
    await microphone.send_bytes(TONE)
    await microphone.send_bytes(frame)
    error = await microphone.receive()
    assert (error["type"], error["code"]) == ("error", code)
    assert "The stream goes on." in error["message"]
    await microphone.send_bytes(TONE)
    await microphone.close()
    recording = await recording_of(plenary)
    (audio,) = decode_file(recordings_dir / recording.path)
    assert len(audio) == 2 * len(TONE) // 2  # the two good frames, nothing of the bad one
    assert recording.seconds == pytest.approx(0.2)
    assert recording.ended_at is not None


async def test_garbage_in_an_opus_stream_is_refused_and_the_stream_goes_on(
    floor: Participant, plenary: Meeting, open_speech: OpenSpeech, recordings_dir: Path
) -> None:
    tone = np.sin(np.arange(16000) / 5).astype(np.float32) * 0.3
    webm = encode_opus(tone, "webm")
    microphone = await open_microphone(open_speech, plenary, "format=webm")
    listener = await open_speech("spain", plenary, "listen")
    cluster = webm.index(b"\x1f\x43\xb6\x75")  # the header before, the audio after
    await microphone.send_bytes(webm[:cluster])
    await microphone.send_bytes(b"\x00\x01garbage that is no WebM element")
    error = await microphone.receive()
    assert error["code"] == "undecodable_audio"
    await microphone.send_bytes(webm[cluster:])
    await microphone.close()
    assert (await listener.receive())["type"] == "audio.turn"
    heard = b""
    while not await listener.communicator.receive_nothing(timeout=0.5):
        heard += (await listener.communicator.receive_output())["bytes"]
    assert 0.9 < len(heard) / 2 / 16000 < 1.1  # a second of audio (and codec padding)
    recording = await recording_of(plenary)
    assert recording.path.endswith(".webm")
    stored = (recordings_dir / recording.path).read_bytes()
    assert len(webm) - 200 < len(stored) < len(webm)  # the garbage (and padding) was not kept
    assert np.array_equal(decode_file(stored)[0], decode_file(webm)[0])


async def test_audio_an_element_over_the_cap_is_refused_as_it_comes_and_the_stream_goes_on(
    floor: Participant,
    plenary: Meeting,
    open_speech: OpenSpeech,
    recordings_dir: Path,
    settings: SettingsWrapper,
) -> None:
    settings.AUDIO_AHEAD_SECONDS = 30.0  # the real-time budget is not what this is about
    tone = np.sin(np.arange(16000) / 5).astype(np.float32) * 0.3
    webm = encode_opus(tone, "webm")
    start = webm_audio_start(webm)
    microphone = await open_microphone(open_speech, plenary, "format=webm")
    await microphone.send_bytes(webm[:start])
    huge = webm_element(b"\xec", 280 * 1024, b"\x00" * 60 * 1024)  # over 256 KiB
    for frame in [huge, *[b"\x00" * 60 * 1024] * 3, b"\x00" * 40 * 1024 + webm[start:]]:
        await microphone.send_bytes(frame)
        error = await microphone.receive()
        assert error["code"] == "too_large" and error["message"].endswith("The stream goes on.")
    await microphone.close()
    recording = await recording_of(plenary)
    (heard,) = decode_file(recordings_dir / recording.path)
    assert recording.seconds == pytest.approx(len(heard) / 16000, abs=0.05)
    assert 0.9 < recording.seconds < 1.1  # all of the audio after the element, none of it


async def test_audio_faster_than_real_time_is_refused(
    floor: Participant, plenary: Meeting, open_speech: OpenSpeech, settings: SettingsWrapper
) -> None:
    settings.AUDIO_AHEAD_SECONDS = 1.0
    microphone = await open_microphone(open_speech, plenary)
    for _ in range(12):
        await microphone.send_bytes(TONE)
    error = await microphone.receive()
    assert error["code"] == "rate_limited"


async def test_a_malformed_control_message_is_answered(
    floor: Participant, plenary: Meeting, open_speech: OpenSpeech
) -> None:
    microphone = await open_microphone(open_speech, plenary)
    await microphone.communicator.send_to(text_data="{not json")
    assert (await microphone.receive())["code"] == "bad_json"
    await microphone.communicator.send_to(text_data='{"type": "audio.louder"}')
    assert (await microphone.receive())["code"] == "unknown_type"
    await microphone.communicator.send_to(text_data='{"type": "ping"}')
    assert (await microphone.receive())["type"] == "pong"


async def test_a_change_of_floor_turns_the_previous_speaker_off(
    floor: Participant,
    plenary: Meeting,
    person: People,
    open_speech: OpenSpeech,
    recordings_dir: Path,
) -> None:
    microphone = await open_microphone(open_speech, plenary)
    await microphone.send_bytes(TONE)
    chair, france = await db_async(person)("chair"), await db_async(person)("france")
    await db_async(room_services.floor_give)(actor=chair, meeting=plenary, participant_id=france.pk)
    error = await microphone.receive()
    assert error["code"] == "floor_changed"
    assert (await microphone.communicator.receive_output(2))["code"] == 4409
    recording = await recording_of(plenary)
    assert recording.seconds == pytest.approx(0.1)
    next_speaker = await open_speech("france", plenary, "audio")
    assert (await next_speaker.receive())["type"] == "audio.ready"


async def test_listeners_hear_the_speaker_and_each_new_turn_is_announced(
    floor: Participant, plenary: Meeting, open_speech: OpenSpeech
) -> None:
    listener = await open_speech("spain", plenary, "listen")
    microphone = await open_microphone(open_speech, plenary)
    await microphone.send_bytes(TONE)
    turn = await listener.receive()
    recording = await recording_of(plenary)
    assert turn == {"v": 1, "type": "audio.turn", "turn": recording.turn_id}
    assert (await listener.communicator.receive_output())["bytes"] == TONE
    await microphone.send_bytes(TONE[::-1])
    assert (await listener.communicator.receive_output())["bytes"] == TONE[::-1]


async def test_without_a_worker_the_speaker_is_told_and_the_audio_is_kept(
    floor: Participant,
    plenary: Meeting,
    open_speech: OpenSpeech,
    settings: SettingsWrapper,
    recordings_dir: Path,
) -> None:
    settings.ASR_WORKER_TIMEOUT_SECONDS = 0.5
    microphone = await open_microphone(open_speech, plenary)
    await microphone.send_bytes(TONE)
    status = await microphone.receive_until("audio.status", timeout=5)
    assert status["state"] == "unavailable"
    assert "recorded" in status["message"]
    await microphone.send_bytes(TONE)
    await microphone.close()
    assert (await recording_of(plenary)).seconds == pytest.approx(0.2)


async def test_a_reader_who_reconnects_gets_the_finals_and_translations_they_missed(
    floor: Participant, plenary: Meeting, connect: Connect
) -> None:
    spain = await connect("spain", plenary)
    last_seq = (await spain.receive_until("snapshot"))["seq"]
    await spain.close()
    recording, _ = await db_async(services.recording_open)(
        meeting=plenary, participant=floor, format="pcm16"
    )
    segment = await db_async(services.caption_commit)(
        recording=recording,
        language="en",
        text="Thank you, Chair.",
        words=[(0.0, 1.0, "Thank you, Chair.")],
        offset_start=0.0,
        offset_end=1.0,
    )
    await db_async(services.translation_commit)(
        segment=segment, language="es", text="Gracias, Presidente.", engine="apertium"
    )
    again = await connect("spain", plenary, last_seq=last_seq)
    replayed = []
    while (message := await again.receive())["type"] != "synced":
        replayed.append((message["type"], message["data"].get("text")))
    assert ("caption.final", "Thank you, Chair.") in replayed
    assert ("caption.translation", "Gracias, Presidente.") in replayed
    assert [t for t, _ in replayed].index("caption.final") < [t for t, _ in replayed].index(
        "caption.translation"
    )


async def test_audio_a_second_socket_for_the_same_turn_is_refused_with_its_own_code(
    floor: Participant, plenary: Meeting, open_speech: OpenSpeech, recordings_dir: Path
) -> None:
    microphone = await open_microphone(open_speech, plenary)
    second = await open_speech("kenya", plenary, "audio")
    error = await second.receive()
    assert (error["type"], error["code"]) == ("error", "audio_taken")
    assert (await second.communicator.receive_output(2))["code"] == 4423
    await microphone.send_bytes(TONE)
    await microphone.close()  # the first one ends: the speaker may open another
    again = await open_microphone(open_speech, plenary)
    await again.close()
    assert await Recording.objects.filter(meeting=plenary).acount() == 2


async def test_audio_a_socket_whose_server_died_no_longer_holds_the_turn(
    floor: Participant, plenary: Meeting, open_speech: OpenSpeech, recordings_dir: Path
) -> None:
    recording, _ = await db_async(services.recording_open)(
        meeting=plenary, participant=floor, format="pcm16"
    )
    gone = timezone.now() - timedelta(seconds=services.AUDIO_SOCKET_GONE_SECONDS + 1)
    await Recording.objects.filter(pk=recording.pk).aupdate(alive_at=gone)  # never ended
    microphone = await open_microphone(open_speech, plenary)
    await microphone.close()


def modes(*paths: Path) -> list[int]:
    return [stat.S_IMODE(path.stat().st_mode) for path in paths]


async def test_audio_recordings_are_private_to_the_server(
    floor: Participant, plenary: Meeting, open_speech: OpenSpeech, recordings_dir: Path
) -> None:
    os.mkdir(recordings_dir, 0o755)  # as an operator may have made it (umask 022 or wider)
    microphone = await open_microphone(open_speech, plenary)
    await microphone.send_bytes(TONE)
    await microphone.close()
    path = recordings_dir / (await recording_of(plenary)).path
    assert modes(path, path.parent, recordings_dir) == [0o600, 0o700, 0o700]
