"""Caption events (docs/protocol.md, "Captions").

Finals and translations are room events on the persisted, sequenced path. Drafts are
ephemeral: broadcast without a sequence number, replaced by the next draft or final of the
same turn, never stored and never replayed.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, TypedDict

from server.rooms.events import EventPayload, ParticipantRef


class CaptionEvent(StrEnum):
    FINAL = "caption.final"
    TRANSLATION = "caption.translation"
    REDONE = "transcript.redone"  # a recording was transcribed again
    DRAFT = "caption.draft"  # ephemeral
    STATUS = "caption.status"  # ephemeral: recognition lag or trouble for a turn


# The events broadcast without a sequence number (no payload class: never stored).
EPHEMERAL_TYPES = (CaptionEvent.DRAFT, CaptionEvent.STATUS)


@dataclass(frozen=True)
class CaptionFinal(EventPayload):
    TYPES = (CaptionEvent.FINAL,)
    segment: int
    turn: int
    speaker: ParticipantRef
    language: str
    text: str
    start: str  # ISO time
    end: str
    agenda_item: int | None
    # Earlier finals of the turn this one replaces: an utterance's settled text (its final
    # pass) in place of the pieces committed while it went on. Empty for a piece.
    replaces: list[int]
    # Empty: the floor, the speaker's words. Else the language of the interpretation booth
    # whose voice this is: "interpretation into" that language (docs/captions.md).
    channel: str = ""


@dataclass(frozen=True)
class CaptionTranslation(EventPayload):
    TYPES = (CaptionEvent.TRANSLATION,)
    segment: int
    turn: int
    language: str
    text: str
    engine: str


@dataclass(frozen=True)
class TranscriptRedone(EventPayload):
    TYPES = (CaptionEvent.REDONE,)
    recording: int
    turn: int
    segments: int  # new segments
    superseded: int  # earlier segments of the recording, now marked superseded


class CaptionDraft(TypedDict):
    v: int
    type: Literal["caption.draft"]
    turn: int
    speaker: ParticipantRef
    language: str
    text: str
    channel: str  # as CaptionFinal.channel


class CaptionStatus(TypedDict):
    v: int
    type: Literal["caption.status"]
    turn: int
    state: str  # "live", "lagging", "recovering", "failed"
    lag: float  # seconds of audio waiting for recognition
    message: str
