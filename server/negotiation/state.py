"""A negotiation text's state, and how each logged event changes it.

The event log is the record; ``replay(events)`` folds ``apply`` over it and gives the same
``TextState`` that the projection tables hold (the property tests check this). ``apply``
trusts its input: the services validated each change before logging it. It returns what
it touched so that the projection can be updated with just that.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Literal, NotRequired

from pydantic import Field, JsonValue, TypeAdapter

# pydantic validates TypedDicts only from typing_extensions on Python < 3.12
from typing_extensions import TypedDict

from server.common.json_types import JSON

from .content import Content, from_json


class ClauseKind(StrEnum):
    SECTION = "section"
    PP = "pp"
    OP = "op"
    SUB = "sub"


class ClauseStatus(StrEnum):
    PROPOSED = "proposed"
    UNDER_DISCUSSION = "under_discussion"
    BRACKETED = "bracketed"
    AGREED_AD_REF = "agreed_ad_ref"
    AGREED = "agreed"
    DELETED = "deleted"


AGREED_STATUSES = frozenset({ClauseStatus.AGREED, ClauseStatus.AGREED_AD_REF})


class ProposalKind(StrEnum):
    INSERT = "insert"
    DELETE = "delete"
    REPLACE = "replace"
    BRACKET_ADD = "bracket_add"
    BRACKET_REMOVE = "bracket_remove"
    OPTION_ADD = "option_add"
    OPTION_CHOOSE = "option_choose"
    MERGE = "merge"
    MOVE = "move"


STRUCTURAL_KINDS = frozenset({ProposalKind.INSERT, ProposalKind.MERGE, ProposalKind.MOVE})


class ProposalState(StrEnum):
    TABLED = "tabled"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"


class Stance(StrEnum):
    SUPPORT = "support"
    OPPOSE = "oppose"
    RESERVE = "reserve"
    FLEXIBLE = "flexible"


class Target(StrEnum):
    CLAUSE = "clause"
    PROPOSAL = "proposal"


class EventKind(StrEnum):
    TEXT_CREATED = "text.created"
    CLAUSE_ADDED = "clause.added"
    CLAUSE_STATUS = "clause.status"
    CLAUSE_CORRECTED = "clause.corrected"
    CLAUSE_NUMBERED = "clause.numbered"
    PROPOSAL_TABLED = "proposal.tabled"
    PROPOSAL_ACCEPTED = "proposal.accepted"
    PROPOSAL_REJECTED = "proposal.rejected"
    PROPOSAL_WITHDRAWN = "proposal.withdrawn"
    PROPOSAL_MERGED = "proposal.merged"
    COSPONSOR_ACCEPTED = "cosponsor.accepted"
    COSPONSOR_DECLINED = "cosponsor.declined"
    POSITION_TAKEN = "position.taken"
    CORRECTION_NOTED = "correction.noted"


@dataclass
class Clause:
    key: int
    kind: str
    parent: int | None
    content: Content
    status: str
    version: int
    label: str = ""
    merged_from: tuple[int, ...] = ()


@dataclass
class Proposal:
    key: int
    kind: str
    clause: int | None
    sponsor: str
    cosponsors: tuple[str, ...]  # delegations that accepted to co-sponsor it
    rationale: str
    operation: dict[str, JSON]
    state: str
    version: int
    tabled: int
    merged_into: int | None = None
    invited: tuple[str, ...] = ()  # invited to co-sponsor, not yet answered
    declined: tuple[str, ...] = ()  # invited, and declined


@dataclass
class Position:
    target: str
    target_key: int
    delegation: str
    stance: str
    comment: str
    version: int


PositionKey = tuple[str, int, str]


@dataclass
class TextState:
    version: int = 0  # the number of events
    structure_version: int = -1  # the last event that inserted, moved or deleted a clause
    clauses: dict[int, Clause] = field(default_factory=dict)
    children: dict[int | None, list[int]] = field(default_factory=dict)
    proposals: dict[int, Proposal] = field(default_factory=dict)
    positions: dict[PositionKey, Position] = field(default_factory=dict)

    def siblings(self, parent: int | None) -> list[int]:
        return self.children.setdefault(parent, [])

    def next_clause_key(self) -> int:
        return max(self.clauses, default=0) + 1

    def next_proposal_key(self) -> int:
        return max(self.proposals, default=0) + 1


@dataclass
class Touched:
    clauses: set[int] = field(default_factory=set)
    parents: set[int | None] = field(default_factory=set)
    proposals: set[int] = field(default_factory=set)
    positions: set[PositionKey] = field(default_factory=set)


@dataclass(frozen=True)
class LogEntry:
    index: int
    kind: str
    payload: dict[str, JSON]


def replay(events: Iterable[LogEntry]) -> TextState:
    state = TextState()
    for event in events:
        apply(state, event)
    return state


def apply(state: TextState, event: LogEntry) -> Touched:
    if event.index != state.version:
        raise ValueError(f"event {event.index} applied to a text at version {state.version}")
    touched = Touched()
    reducer = REDUCERS.get(event.kind)
    if reducer is not None:
        reducer(state, event, touched)
    state.version += 1
    return touched


# The logged payloads as the reducers read them: one TypedDict per kind of payload (and of
# clause effect), validated (strictly) on the way in. Payloads were written by our services,
# so a mismatch is a bug, not user input: ``pydantic.ValidationError``.


class CreateEffect(TypedDict):
    op: Literal["create"]
    clause: int
    kind: str
    parent: int | None
    index: int
    content: JsonValue
    status: str
    merged_from: NotRequired[list[int]]


class MoveEffect(TypedDict):
    op: Literal["move"]
    clause: int
    parent: int | None
    index: int


class ContentEffect(TypedDict):
    op: Literal["content"]
    clause: int
    content: JsonValue


class StatusEffect(TypedDict):
    op: Literal["status"]
    clause: int
    status: str


class LabelEffect(TypedDict):
    op: Literal["label"]
    clause: int
    label: str


ClauseEffect = Annotated[
    CreateEffect | MoveEffect | ContentEffect | StatusEffect | LabelEffect,
    Field(discriminator="op"),
]


class EffectsLogged(TypedDict):
    effects: NotRequired[list[ClauseEffect]]


class ProposalTabled(TypedDict):
    proposal: int
    kind: str
    clause: NotRequired[int | None]
    sponsor: str
    cosponsors: list[str]
    rationale: str
    operation: dict[str, JsonValue]
    invited: NotRequired[list[str]]


class CosponsorAnswered(TypedDict):
    proposal: int
    delegation: str


class ProposalClosed(EffectsLogged):
    proposal: int
    state: str
    into: NotRequired[int | None]


class PositionTaken(TypedDict):
    target: str
    id: int
    delegation: str
    stance: str
    comment: str


_EFFECTS = TypeAdapter(EffectsLogged)
_TABLED = TypeAdapter(ProposalTabled)
_ANSWERED = TypeAdapter(CosponsorAnswered)
_CLOSED = TypeAdapter(ProposalClosed)
_POSITION = TypeAdapter(PositionTaken)


def _effect_create(state: TextState, effect: CreateEffect, index: int, t: Touched) -> None:
    key, parent = effect["clause"], effect["parent"]
    state.clauses[key] = Clause(
        key=key,
        kind=effect["kind"],
        parent=parent,
        content=from_json(effect["content"]),
        status=effect["status"],
        version=index,
        merged_from=tuple(effect.get("merged_from", [])),
    )
    state.siblings(parent).insert(effect["index"], key)
    state.structure_version = index
    t.parents.add(parent)


def _effect_move(state: TextState, effect: MoveEffect, index: int, t: Touched) -> None:
    clause = state.clauses[effect["clause"]]
    state.siblings(clause.parent).remove(clause.key)
    if not state.children[clause.parent]:
        del state.children[clause.parent]
    t.parents.add(clause.parent)
    clause.parent = effect["parent"]
    state.siblings(clause.parent).insert(effect["index"], clause.key)
    state.structure_version = index
    t.parents.add(clause.parent)


def _effect_status(state: TextState, effect: StatusEffect, index: int) -> None:
    status = effect["status"]
    state.clauses[effect["clause"]].status = status
    if status == ClauseStatus.DELETED:
        state.structure_version = index


def _effects(state: TextState, event: LogEntry, touched: Touched) -> None:
    _effects_apply(
        state, _EFFECTS.validate_python(event.payload, strict=True), event.index, touched
    )


def _effects_apply(state: TextState, logged: EffectsLogged, index: int, t: Touched) -> None:
    for effect in logged.get("effects", []):
        if effect["op"] == "create":
            _effect_create(state, effect, index, t)
        elif effect["op"] == "move":
            _effect_move(state, effect, index, t)
        elif effect["op"] == "content":
            state.clauses[effect["clause"]].content = from_json(effect["content"])
        elif effect["op"] == "status":
            _effect_status(state, effect, index)
        else:
            state.clauses[effect["clause"]].label = effect["label"]
        state.clauses[effect["clause"]].version = index
        t.clauses.add(effect["clause"])


def _proposal_tabled(state: TextState, event: LogEntry, touched: Touched) -> None:
    tabled = _TABLED.validate_python(event.payload, strict=True)
    key = tabled["proposal"]
    state.proposals[key] = Proposal(
        key=key,
        kind=tabled["kind"],
        clause=tabled.get("clause"),
        sponsor=tabled["sponsor"],
        cosponsors=tuple(tabled["cosponsors"]),
        rationale=tabled["rationale"],
        operation=tabled["operation"],
        state=ProposalState.TABLED,
        version=event.index,
        tabled=event.index,
        invited=tuple(tabled.get("invited", [])),
    )
    touched.proposals.add(key)


def _cosponsor_answered(state: TextState, event: LogEntry, touched: Touched) -> None:
    """An invited delegation accepted to co-sponsor a proposal, or declined. Only then
    does it appear as a co-sponsor; the proposal's version does not change."""
    answered = _ANSWERED.validate_python(event.payload, strict=True)
    proposal = state.proposals[answered["proposal"]]
    code = answered["delegation"]
    proposal.invited = tuple(c for c in proposal.invited if c != code)
    if event.kind == EventKind.COSPONSOR_ACCEPTED:
        proposal.cosponsors = tuple(sorted({*proposal.cosponsors, code}))
    else:
        proposal.declined = (*proposal.declined, code)
    touched.proposals.add(proposal.key)


def _proposal_closed(state: TextState, event: LogEntry, touched: Touched) -> None:
    """Accepted, rejected, withdrawn or merged: the proposal leaves the table."""
    closed = _CLOSED.validate_python(event.payload, strict=True)
    proposal = state.proposals[closed["proposal"]]
    proposal.state = closed["state"]
    proposal.merged_into = closed.get("into")
    proposal.version = event.index
    touched.proposals.add(proposal.key)
    _effects_apply(state, closed, event.index, touched)


def _position_taken(state: TextState, event: LogEntry, touched: Touched) -> None:
    taken = _POSITION.validate_python(event.payload, strict=True)
    key = (taken["target"], taken["id"], taken["delegation"])
    state.positions[key] = Position(
        target=key[0],
        target_key=key[1],
        delegation=key[2],
        stance=taken["stance"],
        comment=taken["comment"],
        version=event.index,
    )
    touched.positions.add(key)


Reducer = Callable[[TextState, LogEntry, Touched], None]
REDUCERS: dict[str, Reducer] = {
    EventKind.CLAUSE_ADDED: _effects,
    EventKind.CLAUSE_STATUS: _effects,
    EventKind.CLAUSE_CORRECTED: _effects,
    EventKind.CLAUSE_NUMBERED: _effects,
    EventKind.PROPOSAL_TABLED: _proposal_tabled,
    EventKind.PROPOSAL_ACCEPTED: _proposal_closed,
    EventKind.PROPOSAL_REJECTED: _proposal_closed,
    EventKind.PROPOSAL_WITHDRAWN: _proposal_closed,
    EventKind.PROPOSAL_MERGED: _proposal_closed,
    EventKind.POSITION_TAKEN: _position_taken,
    EventKind.COSPONSOR_ACCEPTED: _cosponsor_answered,
    EventKind.COSPONSOR_DECLINED: _cosponsor_answered,
}
