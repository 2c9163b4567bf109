"""Decision and vote events on the room's sequenced path (docs/protocol.md, "Decisions and
votes"). Each carries the decision's whole public state (``DecisionRef``): a client replaces
what it holds. While a vote is open that state says who has voted, never how; the result,
with the names where the vote is recorded, comes with ``decision.closed``."""

from dataclasses import dataclass
from enum import StrEnum

# pydantic validates nested TypedDicts only from typing_extensions on Python < 3.12
from typing_extensions import TypedDict

from server.rooms.events import EventPayload


class DecisionEventType(StrEnum):
    DECISION_OPENED = "decision.opened"
    DECISION_OBJECTED = "decision.objected"
    BALLOT_CAST = "ballot.cast"
    ROLL_CALLED = "roll.called"
    DECISION_CLOSED = "decision.closed"


class RollCall(TypedDict):
    order: list[str]  # delegation codes in calling order, second calls appended
    turn: str | None  # whose turn it is; None when everyone has been called
    second_call: bool  # the delegation whose turn it is was called once already


class Tally(TypedDict):
    name: str
    votes: int


class ResultRef(TypedDict):
    outcome: str
    yes: int
    no: int
    abstain: int
    required: int  # votes in favour needed (present and voting = yes + no)
    reached: bool  # the required majority (and the quorum, if any)
    quorum_met: bool
    in_favour: list[str]  # delegation names; recorded and roll-call votes only
    against: list[str]
    abstaining: list[str]
    not_voting: list[str]
    candidates: list[Tally]  # secret ballots
    elected: str | None
    objections: list[str]  # adoption without a vote: the delegations that objected


class DecisionRef(TypedDict):
    id: int
    kind: str
    subject: str
    question: str
    text: int | None
    clause: int | None
    agenda_item: int | None
    majority: str
    quorum: int | None
    changes_allowed: bool
    opened_at: str
    closes_at: str | None
    closed_at: str | None
    voted: list[str]  # delegation codes that have voted (never how, until the close)
    objections: list[str]  # delegation codes that objected
    candidates: list[str]
    roll_call: RollCall | None
    result: ResultRef | None


@dataclass(frozen=True)
class DecisionNoted(EventPayload):
    """The payload of every decision event (registered by its subclasses)."""

    decision: DecisionRef


class DecisionOpened(DecisionNoted):
    TYPES = (DecisionEventType.DECISION_OPENED,)


class DecisionObjected(DecisionNoted):
    TYPES = (DecisionEventType.DECISION_OBJECTED,)


class BallotCast(DecisionNoted):
    TYPES = (DecisionEventType.BALLOT_CAST,)


class RollCalled(DecisionNoted):
    TYPES = (DecisionEventType.ROLL_CALLED,)


class DecisionClosed(DecisionNoted):
    TYPES = (DecisionEventType.DECISION_CLOSED,)
