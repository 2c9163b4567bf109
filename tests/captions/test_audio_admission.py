"""The audio socket's admission on its own: the stream's terms from its address, the floor
holder alone admitted (a refused one leaves nothing behind), and the watch that ends the
turn once when the floor changes."""

import asyncio
import json
from collections.abc import Callable

import pytest

from server.captions.audio_admission import (
    CLOSE_AUDIO_TAKEN,
    FloorWatch,
    audio_admit,
    refusal_close_code,
    stream_parameters,
)
from server.captions.models import Recording
from server.captions.services import AudioTaken
from server.common.asyncdb import db_async
from server.common.errors import Forbidden, InvalidInput
from server.conferences.models import Meeting, Participant
from server.rooms.hub import get_hub

People = Callable[[str], Participant]


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        (b"", ("pcm16", None)),
        (b"format=webm&language=PT-BR", ("webm", "pt-br")),
        (b"format=pcm16&rate=16000&language=es", ("pcm16", "es")),
        (b"format=ogg&rate=48000", ("ogg", None)),  # Opus carries its own rate
    ],
)
def test_the_stream_terms_come_from_the_address(
    query: bytes, terms: tuple[str, str | None]
) -> None:
    assert stream_parameters(query) == terms


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (b"format=mp3", "Unknown audio format"),
        (b"rate=44100", "16000 Hz"),
        (b"language=fr%3Bdrop", "not a language code"),
        (b"format=%ff", "Unknown audio format"),
    ],
)
def test_bad_stream_terms_are_refused_with_the_reason(query: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        stream_parameters(query)


def test_a_taken_turn_closes_with_its_own_code() -> None:
    assert refusal_close_code(AudioTaken("taken")) == CLOSE_AUDIO_TAKEN
    assert refusal_close_code(Forbidden("no")) == 4403


def watch_of(participant: Participant, meeting: Meeting, lost: list[str]) -> FloorWatch:
    async def floor_lost() -> None:
        lost.append("lost")

    return FloorWatch(meeting, participant, floor_lost)


@pytest.mark.django_db(transaction=True)
async def test_only_the_floor_holder_is_admitted_and_a_refusal_leaves_no_trace(
    floor: Participant, plenary: Meeting, person: People
) -> None:
    france = await db_async(person)("france")
    with pytest.raises(Forbidden):
        await audio_admit(watch_of(france, plenary, []), b"")
    assert plenary.pk not in get_hub().rooms
    assert not await Recording.objects.aexists()

    turn = await audio_admit(watch_of(floor, plenary, []), b"format=webm&language=sw")
    assert (turn.format, turn.language, turn.recording.format) == ("webm", "sw", "webm")
    assert turn.member in get_hub().rooms[plenary.pk].members
    with pytest.raises(AudioTaken):
        await audio_admit(watch_of(floor, plenary, []), b"")
    assert len(get_hub().rooms[plenary.pk].members) == 1
    await get_hub().detach(plenary.pk, turn.member)


@pytest.mark.django_db(transaction=True)
async def test_the_watch_ends_the_turn_once_when_the_floor_changes(
    plenary: Meeting, person: People
) -> None:
    lost: list[str] = []
    watch = watch_of(await db_async(person)("kenya"), plenary, lost)
    await watch.deliver(json.dumps({"type": "chat.message", "seq": 1}))
    assert watch.lost is None
    await watch.deliver(json.dumps({"type": "floor.granted", "seq": 2}))
    await watch.deliver(json.dumps({"type": "meeting.status", "seq": 3}))
    assert watch.lost is not None
    await asyncio.wait_for(watch.lost, 5)
    assert lost == ["lost"]
