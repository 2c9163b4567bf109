"""The media events of the room (docs/protocol.md, "Media")."""

from dataclasses import dataclass
from enum import StrEnum

from server.rooms.events import EventPayload, ParticipantRef


class MediaEvent(StrEnum):
    MUTED = "media.muted"


@dataclass(frozen=True)
class MediaMuted(EventPayload):
    """The chair muted (or unmuted) the floor holder's microphone for every listener."""

    TYPES = (MediaEvent.MUTED,)
    participant: ParticipantRef
    muted: bool
