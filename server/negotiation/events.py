"""Negotiation events on the room's sequenced path (docs/protocol.md, "Negotiation events").

Every logged change to a text is also a room event ``negotiation.<kind>`` in the meeting
where it was made, so every participant sees it at once and a reconnecting client catches
up through the room's replay.
"""

from dataclasses import dataclass

from pydantic import JsonValue

from server.rooms.events import EventPayload

from .state import EventKind

PREFIX = "negotiation."


@dataclass(frozen=True)
class NegotiationChange(EventPayload):
    """One logged change to a text; its room event type is ``negotiation.<kind>``."""

    TYPES = tuple(PREFIX + kind for kind in EventKind)
    text: int
    index: int  # the event's index in the text's log; the text's version is index + 1
    kind: EventKind
    head: str  # the text's head hash after this event (hex)
    delegation: str | None  # the actor's delegation code
    payload: JsonValue  # the logged payload

    @property
    def event_type(self) -> str:
        return PREFIX + self.kind
