"""The text as negotiators read it: open brackets and proposals, counts, positions, the
compilation clause by clause, and the diff between two versions."""

from dataclasses import dataclass

from ..content import Bracket, ContentError, Options, counts, is_clean, marks
from ..diff import ClauseDiff, text_diff
from ..models import NegotiationText
from ..numbering import Placed, reading_order
from ..operations import live_clause
from ..state import (
    AGREED_STATUSES,
    ClauseStatus,
    Position,
    Proposal,
    ProposalState,
    Target,
    TextState,
)
from .texts import text_as_of


@dataclass(frozen=True)
class OpenMark:
    placed: Placed
    mark: Bracket | Options


def open_brackets(state: TextState) -> list[OpenMark]:
    """Every bracket and option group still in the text, in reading order."""
    return [
        OpenMark(placed, mark)
        for placed in reading_order(state)
        for mark in marks(placed.clause.content)
    ]


def open_proposals(state: TextState) -> list[Proposal]:
    return [p for p in state.proposals.values() if p.state == ProposalState.TABLED]


def agreed_clauses(state: TextState) -> list[Placed]:
    return [p for p in reading_order(state) if p.clause.status in AGREED_STATUSES]


def clause_adoption_problem(state: TextState, key: int) -> str | None:
    """Why the meeting cannot adopt this clause (make it agreed) now; None if it can."""
    try:
        key = live_clause(state, key)
    except ContentError as exc:
        return str(exc.args[0])
    clause = state.clauses[key]
    if clause.status == ClauseStatus.AGREED:
        return f"Clause {key} is already agreed."
    if not is_clean(clause.content):
        return f"Clause {key} still has brackets or options; it cannot be agreed."
    return None


def text_adoption_clauses(state: TextState) -> list[int]:
    """The clauses that adopting the whole text makes agreed: every clause not deleted and
    not agreed yet, in key order."""
    return [
        key
        for key, clause in sorted(state.clauses.items())
        if clause.status not in (ClauseStatus.DELETED, ClauseStatus.AGREED)
    ]


def text_adoption_problem(state: TextState) -> str | None:
    """Why the meeting cannot adopt the whole text now; None if it can."""
    keys = text_adoption_clauses(state)
    if not keys:
        return "Every clause of the text is agreed already."
    problems = [clause_adoption_problem(state, key) for key in keys]
    return next((problem for problem in problems if problem is not None), None)


@dataclass(frozen=True)
class TextCounts:
    clauses: int
    agreed: int
    brackets: int
    option_groups: int
    options: int
    open_proposals: int


def text_counts(state: TextState) -> TextCounts:
    placed = reading_order(state)
    totals = [counts(p.clause.content) for p in placed]
    return TextCounts(
        clauses=len(placed),
        agreed=sum(1 for p in placed if p.clause.status in AGREED_STATUSES),
        brackets=sum(t[0] for t in totals),
        option_groups=sum(t[1] for t in totals),
        options=sum(t[2] for t in totals),
        open_proposals=len(open_proposals(state)),
    )


def positions_on(state: TextState, target: str, key: int) -> list[Position]:
    return sorted(
        (p for p in state.positions.values() if p.target == target and p.target_key == key),
        key=lambda p: p.delegation,
    )


@dataclass(frozen=True)
class ClauseView:
    placed: Placed
    proposals: list[Proposal]
    positions: list[Position]


@dataclass(frozen=True)
class Compilation:
    clauses: list[ClauseView]
    new_clauses: list[Proposal]  # open proposals to insert or merge clauses
    counts: TextCounts
    state: TextState


def compilation(state: TextState) -> Compilation:
    proposals: dict[int | None, list[Proposal]] = {}
    for proposal in open_proposals(state):
        proposals.setdefault(proposal.clause, []).append(proposal)
    positions: dict[int, list[Position]] = {}
    for position in sorted(state.positions.values(), key=lambda p: p.delegation):
        if position.target == Target.CLAUSE:
            positions.setdefault(position.target_key, []).append(position)
    views = [
        ClauseView(
            placed, proposals.get(placed.clause.key, []), positions.get(placed.clause.key, [])
        )
        for placed in reading_order(state)
    ]
    return Compilation(views, proposals.get(None, []), text_counts(state), state)


def text_diff_between(text: NegotiationText, older: int, newer: int) -> list[ClauseDiff]:
    """The whole text after event ``newer`` against the text after event ``older``."""
    return text_diff(text_as_of(text, until=older), text_as_of(text, until=newer))


def proposal_summary(proposal: Proposal) -> str:
    """What a proposal asks for, in words: "replace “in 2028” with “in 2027”"."""
    op = proposal.operation
    quoted = {name: f"“{value}”" for name, value in op.items() if isinstance(value, str)}
    where = f" in bracket/option {op['target']}" if op.get("target") else ""
    described = {
        "insert": f"insert a new {op.get('kind')}: {quoted.get('words')}",
        "delete": "delete the clause",
        "replace": f"replace {quoted.get('old')} with {quoted.get('new')}{where}",
        "bracket_add": f"bracket {quoted.get('span', 'the whole clause')}{where}",
        "bracket_remove": f"remove bracket {op.get('bracket')}",
        "option_add": f"add the option {quoted.get('words')}"
        + (
            f" to option group {op['group']}"
            if op.get("group")
            else f" to {quoted.get('span', 'the clause')}"
        ),
        "option_choose": f"keep option {op.get('alternative')} of group {op.get('group')}",
        "merge": f"merge clauses {op.get('sources')} into: {quoted.get('words')}",
        "move": f"move the clause under {op.get('parent') or 'the text'}"
        f" after {op.get('after') or '(first)'}",
    }
    return described.get(proposal.kind, proposal.kind)
