"""Who may send audio, and on what terms (docs/captions.md, "Sockets"): the stream's format
and language from the socket's address, the turn's recording opened for the floor holder
alone (whose audio comes through their socket or an RTP forward), and a watch on the room
that ends the turn when the floor changes."""

import asyncio
import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from urllib.parse import parse_qs

from django.utils.translation import gettext_lazy as _

from asr import SAMPLE_RATE
from server.common.asyncdb import db_async
from server.common.errors import InvalidInput, PlenaryError
from server.conferences.models import Meeting, Participant
from server.rooms import selectors as room_selectors
from server.rooms.admission import close_code
from server.rooms.events import EventType
from server.rooms.hub import Member, get_hub

from . import services
from .models import Recording

# The room events after which the speaker's microphone is no longer taken.
FLOOR_ENDING = (EventType.FLOOR_GRANTED, EventType.MEETING_STATUS)

CLOSE_FLOOR_CHANGED = 4409
CLOSE_AUDIO_TAKEN = 4423  # the turn's audio already comes through another socket


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def stream_parameters(query_string: bytes) -> tuple[str, str | None]:
    """(format, language) from ``?format=…&rate=…&language=…``."""
    query = parse_qs(query_string.decode("latin-1"))
    format = _first(query, "format") or Recording.Format.PCM16
    if format not in Recording.Format.values:
        raise InvalidInput(
            _("Unknown audio format {format!r}: use pcm16, webm or ogg."), format=format
        )
    rate = _first(query, "rate")
    if format == Recording.Format.PCM16 and rate not in (None, str(SAMPLE_RATE)):
        raise InvalidInput(
            _("PCM16 audio must be {sample_rate} Hz mono, not {rate} Hz."),
            sample_rate=SAMPLE_RATE,
            rate=rate,
        )
    language = _first(query, "language")
    return format, services.check_language_code(language) if language else None


def refusal_close_code(error: PlenaryError) -> int:
    """The close code of an audio socket refused with ``error``."""
    return CLOSE_AUDIO_TAKEN if isinstance(error, services.AudioTaken) else close_code(error)


class FloorWatch:
    """The audio socket in the room, as the hub sees it (a ``RoomClient``): the room's events
    tell it when the floor changes, and then it calls ``floor_lost`` once."""

    def __init__(
        self,
        meeting: Meeting,
        participant: Participant,
        floor_lost: Callable[[], Coroutine[object, object, None]],
    ) -> None:
        self.meeting = meeting
        self.participant = participant
        self.floor_lost = floor_lost
        self.lost: asyncio.Task[None] | None = None

    @property
    def delegation_id(self) -> int | None:
        return self.participant.delegation_id

    async def deliver(self, text: str) -> None:
        kind = json.loads(text).get("type")
        if kind in FLOOR_ENDING and self.lost is None:
            # Not awaited here: ending detaches the socket from the hub that is calling us.
            self.lost = asyncio.create_task(self.floor_lost())

    async def missed(self, after_seq: int, until: int) -> list[str]:
        return await db_async(room_selectors.events_encoded)(
            self.meeting, self.participant, after_seq, until
        )


@dataclass(frozen=True)
class AudioTurn:
    """What an admitted audio socket takes: its stream's terms, the turn's recording, and
    its watch's place in the room (synced from ``seq`` once the socket is ready)."""

    format: str
    language: str | None
    recording: Recording
    member: Member
    seq: int


async def audio_admit(watch: FloorWatch, query_string: bytes) -> AudioTurn:
    """Open the turn's recording for the floor holder's audio socket, or raise what refuses
    them."""
    format, language = stream_parameters(query_string)
    return await turn_admit(watch, format, language)


async def turn_admit(
    watch: FloorWatch,
    format: str,
    language: str | None,
    turn_id: int | None = None,
    channel: str = "",
) -> AudioTurn:
    """Open the recording of the turn the watch's participant holds (turn ``turn_id`` when
    given; with ``channel``, an interpretation channel's audio of it), or raise what
    refuses it."""
    hub = get_hub()
    # Registered first, then checked: a change of floor from now on reaches the watch.
    member = await hub.attach(watch.meeting.pk, watch)
    try:
        if channel:
            recording, seq = await db_async(services.channel_recording_open)(
                meeting=watch.meeting, channel=channel, format=format
            )
        else:
            recording, seq = await db_async(services.recording_open)(
                meeting=watch.meeting, participant=watch.participant, format=format, turn_id=turn_id
            )
    except PlenaryError:
        await hub.detach(watch.meeting.pk, member)
        raise
    return AudioTurn(format, language, recording, member, seq)
