"""Live captions through the real path: the floor holder's audio socket, the embedded
recognition worker with the real Whisper base, Apertium, the room socket."""

import asyncio
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from asr import ApertiumTranslator
from asr.wer import word_error_rate
from server.captions.models import SegmentTranslation, TranscriptSegment
from server.captions.speech import speech_engines
from server.common.asyncdb import db_async
from server.conferences.models import Meeting, Participant
from server.glossary.services import glossary_term_save
from tests.support.captions import read_finals
from tests.support.room_sockets import Connect, Socket

from .conftest import OpenSpeech, SpeechSocket, events_until_quiet, frames, speech, spoken

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
    await _say(microphone, STATEMENT, tmp_path)
    events = await _heard(spain, "es")
    finals = read_finals(events)  # the settled text in place of the pieces it replaces
    assert {f["data"]["language"] for f in finals} == {"en"}
    assert word_error_rate(STATEMENT, spoken(events)) <= 0.2
    translations = {e["data"]["segment"]: e for e in events if e["type"] == "caption.translation"}
    assert set(translations) >= {f["data"]["segment"] for f in finals}
    assert {t["data"]["language"] for t in translations.values()} == {"es"}
    async for segment in TranscriptSegment.objects.filter(meeting=plenary, superseded=False):
        assert segment.seq in {f["seq"] for f in finals}
        assert await SegmentTranslation.objects.filter(segment=segment, language="es").aexists()


def _apertium() -> ApertiumTranslator:
    """The Apertium engine the embedded worker translates with."""
    engines = speech_engines().router.engines
    found = [engine for engine in engines if isinstance(engine, ApertiumTranslator)]
    if not found or ("en", "es") not in found[0].pairs():
        pytest.skip("apertium-eng-spa is not installed (make test installs it)")
    return found[0]


async def _say(microphone: SpeechSocket, text: str, folder: Path) -> None:
    """``text`` spoken into the microphone: the first 3 s at once, then in real time (the
    audio socket refuses audio more than 5 s ahead of it)."""
    for index, frame in enumerate(frames(speech(text, "en", folder, pause=1.5))):
        await microphone.send_bytes(frame)
        await asyncio.sleep(0.01 if index < 30 else 0.1)


async def _heard(reader: Socket, language: str) -> list[dict[str, Any]]:
    """Room events until a translation into ``language`` has come and then no event for a
    while (recognition on a busy machine may take its time over the first)."""
    events: list[dict[str, Any]] = []
    while not _translated(events, language):
        events.append(await reader.receive(timeout=60))
    return events + await events_until_quiet(reader, quiet=2)


def _translated(events: list[dict[str, Any]], language: str) -> str:
    return " ".join(
        e["data"]["text"]
        for e in events
        if e["type"] == "caption.translation" and e["data"]["language"] == language
    )


@pytest.fixture
def secretariat(person: Callable[[str], Participant]) -> Participant:
    return person("secretariat")


def _add_climate_finance(secretariat: Participant) -> None:
    glossary_term_save(
        actor=secretariat,
        conference=secretariat.conference,
        term_id=None,
        language="en",
        term="climate finance",
        equivalents={"es": "financiación climática{f}", "fr": "financement climatique"},
    )


async def test_captions_are_translated_with_the_conference_glossary_even_after_a_crash(
    floor: Participant,
    plenary: Meeting,
    secretariat: Participant,
    connect: Connect,
    open_speech: OpenSpeech,
    tmp_path: Path,
    settings: SettingsWrapper,
) -> None:
    """The default term base and the conference's own terms, through the worker (recognised
    with the glossary's hotwords, as a conference with a glossary would: without them Whisper
    base hears espeak's "climate finance" as "climate violence" at beam 5), and translated
    with them; an Apertium pipeline killed in mid-meeting is started again for the next
    final."""
    settings.ASR_HOTWORDS = True
    await db_async(_add_climate_finance)(secretariat)
    apertium = await asyncio.to_thread(_apertium)
    spain, france = await connect("spain", plenary), await connect("france", plenary)
    microphone = await open_speech("kenya", plenary, "audio")
    assert (await microphone.receive())["type"] == "audio.ready"
    await _say(microphone, "Madam Chair, we support climate finance.", tmp_path)
    events = await _heard(spain, "es")
    assert "Señora Presidenta" in _translated(events, "es")
    assert "financiación climática" in _translated(events, "es")
    french = _translated(await _heard(france, "fr"), "fr")
    assert "Madame la Présidente" in french and "financement climatique" in french

    pipeline = apertium.pipeline("en", "es")
    killed = pipeline.pids[0]
    os.kill(killed, signal.SIGKILL)
    speech_engines().router.refresh()  # no sentence from the cache: each reaches Apertium
    await _say(microphone, "Thank you, Madam Chair.", tmp_path)
    events = await _heard(spain, "es")
    assert "Señora Presidenta" in _translated(events, "es")
    assert killed not in pipeline.pids


LONG = (
    "The delegation of Kenya supports the proposal on climate finance and asks the "
    "secretariat to prepare a draft decision for the next session of this conference."
)


async def test_readers_see_whole_sentences_each_translated_once(
    floor: Participant,
    plenary: Meeting,
    connect: Connect,
    open_speech: OpenSpeech,
    tmp_path: Path,
) -> None:
    """A long sentence is committed a fragment at a time while it is spoken; readers get it
    as one final line (the draft grows meanwhile), stored and translated once."""
    spain = await connect("spain", plenary)
    microphone = await open_speech("kenya", plenary, "audio")
    assert (await microphone.receive())["type"] == "audio.ready"
    await _say(microphone, LONG, tmp_path)
    events = await _heard(spain, "es")
    finals = [e["data"] for e in events if e["type"] == "caption.final"]
    assert word_error_rate(LONG, " ".join(f["text"] for f in finals)) <= 0.25
    # Each line a sentence: all but the last end with its punctuation (the last may end
    # with the pause after it).
    assert all(f["text"].endswith((".", "?", "!")) for f in finals[:-1]), finals
    translated = [e["data"]["segment"] for e in events if e["type"] == "caption.translation"]
    assert sorted(translated) == sorted(f["segment"] for f in finals)
    stored = [s.text async for s in TranscriptSegment.objects.filter(meeting=plenary)]
    assert stored == [f["text"] for f in finals]
