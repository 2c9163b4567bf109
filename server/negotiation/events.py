"""Negotiation events on the room's sequenced path (docs/protocol.md, "Negotiation events").

Every logged change to a text is also a room event ``negotiation.<kind>`` in the meeting
where it was made, so every participant sees it at once and a reconnecting client catches
up through the room's replay.
"""

from typing import TypedDict

from server.common.json_types import JSON

from .state import EventKind

PREFIX = "negotiation."
ROOM_EVENT_TYPES = tuple(PREFIX + kind for kind in EventKind)


class NegotiationRoomEvent(TypedDict):
    text: int
    index: int  # the event's index in the text's log; the text's version is index + 1
    kind: str  # an EventKind
    head: str  # the text's head hash after this event (hex)
    delegation: str | None  # the actor's delegation code
    payload: JSON  # the logged payload


def room_event_type(kind: str) -> str:
    return PREFIX + kind
