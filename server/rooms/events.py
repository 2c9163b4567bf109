"""Room events: their types, payloads and wire form. The protocol is documented in
docs/protocol.md; bump ``PROTOCOL_VERSION`` on any incompatible change."""

import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Literal, NotRequired, TypedDict

PROTOCOL_VERSION = 1


class EventType(StrEnum):
    PRESENCE_JOINED = "presence.joined"
    PRESENCE_LEFT = "presence.left"
    CHAT_MESSAGE = "chat.message"
    HAND_RAISED = "hand.raised"
    HAND_LOWERED = "hand.lowered"
    SPEAKERS_CHANGED = "speakers.changed"
    FLOOR_GRANTED = "floor.granted"
    TIMER_STARTED = "timer.started"
    TIMER_STOPPED = "timer.stopped"
    AGENDA_SWITCHED = "agenda.switched"
    MEETING_STATUS = "meeting.status"


class ParticipantRef(TypedDict):
    id: int
    name: str
    delegation: str | None
    delegation_name: str | None
    role: str


class AgendaRef(TypedDict):
    id: int
    number: str
    title: str


class TimerState(TypedDict):
    limit: int | None
    running_since: str | None
    elapsed: float


class SpeakerRef(TypedDict):
    entry: int
    kind: str
    participant: ParticipantRef


class PresencePayload(TypedDict):
    participant: ParticipantRef


class ChatPayload(TypedDict):
    scope: Literal["meeting", "delegation"]
    text: str
    delegation: str | None


class HandPayload(TypedDict):
    participant: ParticipantRef


class SpeakersPayload(TypedDict):
    speakers: list[SpeakerRef]


class FloorPayload(TypedDict):
    holder: ParticipantRef | None
    since: str | None
    timer: TimerState


class TimerPayload(TypedDict):
    timer: TimerState


class AgendaPayload(TypedDict):
    item: AgendaRef | None


class MeetingStatusPayload(TypedDict):
    status: str
    previous: str


class WireEvent(TypedDict):
    v: int
    type: str
    seq: int
    ts: str
    actor: NotRequired[ParticipantRef | None]
    data: NotRequired[Mapping[str, object]]


class LayerEvent(TypedDict):
    """What travels on the channel layer to each server process: encoded once, at commit."""

    type: Literal["room.event"]
    meeting: int
    seq: int
    text: str
    sealed: str | None
    audience: int | None


class LayerEphemeral(TypedDict):
    """A message for the room's live sockets only: no sequence number, not stored."""

    type: Literal["room.ephemeral"]
    text: str


def group_name(meeting_id: int) -> str:
    return f"meeting.{meeting_id}"


def encode(message: Mapping[str, object]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)
