"""A negotiation text's state, and how each logged event changes it.

The event log is the record; ``replay(events)`` folds ``apply`` over it and gives the same
``TextState`` that the projection tables hold (the property tests check this). ``apply``
trusts its input: the services validated each change before logging it. It returns what
it touched so that the projection can be updated with just that.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

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


def _int(payload: dict[str, JSON], name: str) -> int:
    """Payloads were written by our services, so a mismatch is a bug, not user input."""
    value = payload[name]
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, not {value!r}")
    return value


def _opt_int(payload: dict[str, JSON], name: str) -> int | None:
    return None if payload.get(name) is None else _int(payload, name)


def _str(payload: dict[str, JSON], name: str) -> str:
    value = payload[name]
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {value!r}")
    return value


def _dict(value: JSON) -> dict[str, JSON]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, not {value!r}")
    return value


def _list(value: JSON) -> list[JSON]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, not {value!r}")
    return value


def _ints(value: JSON) -> tuple[int, ...]:
    return tuple(_int({"n": item}, "n") for item in _list(value))


def _strs(value: JSON) -> tuple[str, ...]:
    return tuple(_str({"s": item}, "s") for item in _list(value))


def _effect_create(state: TextState, effect: dict[str, JSON], index: int, t: Touched) -> None:
    key, parent = _int(effect, "clause"), _opt_int(effect, "parent")
    state.clauses[key] = Clause(
        key=key,
        kind=_str(effect, "kind"),
        parent=parent,
        content=from_json(effect["content"]),
        status=_str(effect, "status"),
        version=index,
        merged_from=_ints(effect.get("merged_from", [])),
    )
    state.siblings(parent).insert(_int(effect, "index"), key)
    state.structure_version = index
    t.parents.add(parent)


def _effect_move(state: TextState, effect: dict[str, JSON], index: int, t: Touched) -> None:
    clause = state.clauses[_int(effect, "clause")]
    state.siblings(clause.parent).remove(clause.key)
    if not state.children[clause.parent]:
        del state.children[clause.parent]
    t.parents.add(clause.parent)
    clause.parent = _opt_int(effect, "parent")
    state.siblings(clause.parent).insert(_int(effect, "index"), clause.key)
    state.structure_version = index
    t.parents.add(clause.parent)


def _effect_content(state: TextState, effect: dict[str, JSON], index: int, t: Touched) -> None:
    state.clauses[_int(effect, "clause")].content = from_json(effect["content"])


def _effect_status(state: TextState, effect: dict[str, JSON], index: int, t: Touched) -> None:
    status = _str(effect, "status")
    state.clauses[_int(effect, "clause")].status = status
    if status == ClauseStatus.DELETED:
        state.structure_version = index


def _effect_label(state: TextState, effect: dict[str, JSON], index: int, t: Touched) -> None:
    state.clauses[_int(effect, "clause")].label = _str(effect, "label")


EFFECTS = {
    "create": _effect_create,
    "move": _effect_move,
    "content": _effect_content,
    "status": _effect_status,
    "label": _effect_label,
}


def _effects(state: TextState, event: LogEntry, touched: Touched) -> None:
    for item in _list(event.payload.get("effects", [])):
        effect = _dict(item)
        EFFECTS[_str(effect, "op")](state, effect, event.index, touched)
        key = _int(effect, "clause")
        state.clauses[key].version = event.index
        touched.clauses.add(key)


def _proposal_tabled(state: TextState, event: LogEntry, touched: Touched) -> None:
    p = event.payload
    key = _int(p, "proposal")
    state.proposals[key] = Proposal(
        key=key,
        kind=_str(p, "kind"),
        clause=_opt_int(p, "clause"),
        sponsor=_str(p, "sponsor"),
        cosponsors=_strs(p["cosponsors"]),
        rationale=_str(p, "rationale"),
        operation=_dict(p["operation"]),
        state=ProposalState.TABLED,
        version=event.index,
        tabled=event.index,
        invited=_strs(p.get("invited", [])),
    )
    touched.proposals.add(key)


def _cosponsor_answered(state: TextState, event: LogEntry, touched: Touched) -> None:
    """An invited delegation accepted to co-sponsor a proposal, or declined. Only then
    does it appear as a co-sponsor; the proposal's version does not change."""
    proposal = state.proposals[_int(event.payload, "proposal")]
    code = _str(event.payload, "delegation")
    proposal.invited = tuple(c for c in proposal.invited if c != code)
    if event.kind == EventKind.COSPONSOR_ACCEPTED:
        proposal.cosponsors = tuple(sorted({*proposal.cosponsors, code}))
    else:
        proposal.declined = (*proposal.declined, code)
    touched.proposals.add(proposal.key)


def _proposal_closed(state: TextState, event: LogEntry, touched: Touched) -> None:
    """Accepted, rejected, withdrawn or merged: the proposal leaves the table."""
    proposal = state.proposals[_int(event.payload, "proposal")]
    proposal.state = _str(event.payload, "state")
    proposal.merged_into = _opt_int(event.payload, "into")
    proposal.version = event.index
    touched.proposals.add(proposal.key)
    _effects(state, event, touched)


def _position_taken(state: TextState, event: LogEntry, touched: Touched) -> None:
    p = event.payload
    key = (_str(p, "target"), _int(p, "id"), _str(p, "delegation"))
    state.positions[key] = Position(
        target=key[0],
        target_key=key[1],
        delegation=key[2],
        stance=_str(p, "stance"),
        comment=_str(p, "comment"),
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
