"""Room events: their types, payloads and wire form. The protocol is documented in
docs/protocol.md; bump ``PROTOCOL_VERSION`` on any incompatible change."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, Literal, NotRequired, TypeVar

from pydantic import ConfigDict, TypeAdapter, ValidationError
from pydantic_core import PydanticSerializationError

# pydantic validates nested TypedDicts only from typing_extensions on Python < 3.12
from typing_extensions import TypedDict

from server.common.json_types import JSON

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


class UnknownEventType(LookupError):
    """A stored event whose type no payload class is registered for."""


# Every room event type → its payload class. Filled by ``EventPayload``'s subclasses as they
# are defined (rooms here, captions and negotiation in their ``events`` modules, imported by
# their apps' ``ready``); ``event_payload_class`` and the published protocol read it.
EVENT_PAYLOADS: dict[str, type["EventPayload"]] = {}


@dataclass(frozen=True)
class EventPayload:
    """A room event's payload: one dataclass per event type, registered under ``TYPES``.

    ``event_append`` takes one and stores ``to_data()``; readers get it back through
    ``payload_read``, validated against the same class."""

    TYPES: ClassVar[tuple[str, ...]] = ()
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        for name in cls.TYPES:
            if name in EVENT_PAYLOADS:
                raise ValueError(f"event type {name!r} registered twice")
            EVENT_PAYLOADS[name] = cls

    @property
    def event_type(self) -> str:
        """The type this payload is stored under (a class registered for several types
        says which from its fields)."""
        if len(self.TYPES) != 1:
            raise TypeError(f"{type(self).__name__} is registered for {self.TYPES}, not one type")
        return self.TYPES[0]

    def to_data(self) -> dict[str, JSON]:
        data: dict[str, JSON] = _adapter(type(self)).dump_python(
            self, mode="json", warnings="error"
        )
        return data


Payload = TypeVar("Payload", bound=EventPayload)
_ADAPTERS: dict[type[EventPayload], TypeAdapter[EventPayload]] = {}


def _adapter(cls: type[EventPayload]) -> TypeAdapter[EventPayload]:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def event_payload_class(event_type: str) -> type[EventPayload]:
    try:
        return EVENT_PAYLOADS[event_type]
    except KeyError:
        raise UnknownEventType(f"no payload registered for event type {event_type!r}") from None


def event_payload(event_type: str, data: object) -> EventPayload:
    """A stored event's payload, validated against the class registered for its type."""
    payload = _adapter(event_payload_class(event_type)).validate_python(data)
    if payload.event_type != event_type:
        raise ValueError(f"a {payload.event_type} payload stored as {event_type}")
    return payload


def payload_read(cls: type[Payload], event_type: str, data: object) -> Payload:
    """A stored event's payload, which the caller expects to be a ``cls``."""
    payload = event_payload(event_type, data)
    if not isinstance(payload, cls):
        raise TypeError(f"event type {event_type!r} carries {type(payload).__name__}")
    return payload


def payload_check(payload: EventPayload) -> None:
    """Refuse a payload that is not registered or whose fields do not have their declared
    types: what it stores must read back as the same payload."""
    if EVENT_PAYLOADS.get(payload.event_type) is not type(payload):
        raise TypeError(f"{type(payload).__name__} is not registered as {payload.event_type!r}")
    try:
        same = event_payload(payload.event_type, payload.to_data()) == payload
    except (PydanticSerializationError, ValidationError, ValueError) as exc:
        raise TypeError(f"ill-typed {payload.event_type} payload: {exc}") from None
    if not same:
        raise TypeError(f"ill-typed {payload.event_type} payload: {payload!r}")


@dataclass(frozen=True)
class ParticipantNoted(EventPayload):
    """The payload of the events about one participant (registered by its subclasses)."""

    participant: ParticipantRef


@dataclass(frozen=True)
class TimerChanged(EventPayload):
    """The payload of the timer's events (registered by its subclasses)."""

    timer: TimerState


class PresenceJoined(ParticipantNoted):
    TYPES = (EventType.PRESENCE_JOINED,)


class PresenceLeft(ParticipantNoted):
    TYPES = (EventType.PRESENCE_LEFT,)


@dataclass(frozen=True)
class ChatMessage(EventPayload):
    TYPES = (EventType.CHAT_MESSAGE,)
    scope: Literal["meeting", "delegation"]
    text: str
    delegation: str | None


class HandRaised(ParticipantNoted):
    TYPES = (EventType.HAND_RAISED,)


class HandLowered(ParticipantNoted):
    TYPES = (EventType.HAND_LOWERED,)


@dataclass(frozen=True)
class SpeakersChanged(EventPayload):
    TYPES = (EventType.SPEAKERS_CHANGED,)
    speakers: list[SpeakerRef]


@dataclass(frozen=True)
class FloorGranted(EventPayload):
    TYPES = (EventType.FLOOR_GRANTED,)
    holder: ParticipantRef | None
    since: str | None
    timer: TimerState


class TimerStarted(TimerChanged):
    TYPES = (EventType.TIMER_STARTED,)


class TimerStopped(TimerChanged):
    TYPES = (EventType.TIMER_STOPPED,)


@dataclass(frozen=True)
class AgendaSwitched(EventPayload):
    TYPES = (EventType.AGENDA_SWITCHED,)
    item: AgendaRef | None


@dataclass(frozen=True)
class MeetingStatusChanged(EventPayload):
    TYPES = (EventType.MEETING_STATUS,)
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
    replaces: str | None  # see ``hub.replaceable_key``


def group_name(meeting_id: int) -> str:
    return f"meeting.{meeting_id}"


def encode(message: Mapping[str, object]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)
