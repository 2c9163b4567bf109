"""The room socket's server messages that are not room events (docs/protocol.md): answers to
a client's message and the socket's own notices, as the consumer writes them and the
published protocol (``/api/protocol/``) describes them."""

from collections.abc import Mapping
from typing import Literal, NotRequired, TypedDict

from .events import ParticipantRef, WireEvent

MessageId = str | int | None


class Pong(TypedDict):
    """The answer to ``ping``."""

    v: int
    type: Literal["pong"]
    id: MessageId


class Ack(TypedDict):
    """An operation done: the sequence numbers of the events it caused."""

    v: int
    type: Literal["ack"]
    id: MessageId
    seqs: list[int]


class EventsPage(TypedDict):
    """The answer to ``events.fetch``."""

    v: int
    type: Literal["events"]
    id: MessageId
    events: list[WireEvent]


class ErrorMessage(TypedDict):
    """A message refused, or the socket refused (then closed with a code)."""

    v: int
    type: Literal["error"]
    code: str
    message: str
    id: NotRequired[MessageId]
    ref: NotRequired[str]


class Synced(TypedDict):
    """A replay after ``?last_seq=N`` is complete up to ``seq``."""

    v: int
    type: Literal["synced"]
    seq: int


class YouChanged(TypedDict):
    """The participant's role or delegation changed; later messages are checked anew."""

    v: int
    type: Literal["you.changed"]
    you: ParticipantRef


class Sealed(TypedDict):
    """An event meant for one delegation only, as the others see it."""

    v: int
    type: Literal["sealed"]
    seq: int
    ts: str


class Batch(TypedDict):
    """Messages that were queued together for a socket that connected with ``?batch=1``,
    in the order it would have received them one by one: room events (sealed or not) and
    ephemeral messages."""

    v: int
    type: Literal["batch"]
    events: list[Mapping[str, object]]
