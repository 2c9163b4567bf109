"""The interpretation event on the room's sequenced path (docs/protocol.md,
"Interpretation"): the whole state of one booth after any change, which a client puts in
place of what it holds."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

# pydantic validates nested TypedDicts only from typing_extensions on Python < 3.12
from typing_extensions import TypedDict

from server.rooms.events import EventPayload, ParticipantRef

BoothStatus = Literal["live", "silent", "unstaffed"]
"""live: a connected interpreter holds the microphone; silent: interpreters are connected
but nobody holds it; unstaffed: none of the booth's interpreters is connected. Listeners of
a booth that is not live hear the floor."""

BoothChange = Literal["take", "handover", "release", "mute", "source", "left", "joined"]


class InterpretationEventType(StrEnum):
    BOOTH = "interpretation.booth"


class BoothRef(TypedDict):
    booth: str  # the booth's language
    channel: int
    live: ParticipantRef | None
    status: BoothStatus
    source: str  # "" the floor, else the language of the booth it relays
    muted: bool
    handover_to: ParticipantRef | None


@dataclass(frozen=True)
class BoothChanged(EventPayload):
    TYPES = (InterpretationEventType.BOOTH,)
    booth: str
    channel: int
    live: ParticipantRef | None
    status: BoothStatus
    source: str
    muted: bool
    handover_to: ParticipantRef | None
    change: BoothChange
