"""The text as negotiators read it: open brackets and proposals, counts, positions, the
compilation clause by clause, and the diff between two versions."""

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from server.common.json_types import JSON

from ..content import Bracket, ContentError, Options, counts, is_clean, marks
from ..diff import ClauseDiff, text_diff
from ..models import NegotiationText
from ..numbering import Placed, reading_order
from ..operations import live_clause
from ..readable import readable_word
from ..state import (
    AGREED_STATUSES,
    ClauseStatus,
    Position,
    Proposal,
    ProposalKind,
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


def clause_adoption_problem(state: TextState, key: int) -> StrOrPromise | None:
    """Why the meeting cannot adopt this clause (make it agreed) now; None if it can."""
    try:
        key = live_clause(state, key)
    except ContentError as exc:
        problem: StrOrPromise = exc.args[0]
        return problem
    clause = state.clauses[key]
    if clause.status == ClauseStatus.AGREED:
        return format_lazy(_("Clause {key} is already agreed."), key=key)
    if not is_clean(clause.content):
        return format_lazy(
            _("Clause {key} still has brackets or options; it cannot be agreed."), key=key
        )
    return None


def text_adoption_clauses(state: TextState) -> list[int]:
    """The clauses that adopting the whole text makes agreed: every clause not deleted and
    not agreed yet, in key order."""
    return [
        key
        for key, clause in sorted(state.clauses.items())
        if clause.status not in (ClauseStatus.DELETED, ClauseStatus.AGREED)
    ]


def text_adoption_problem(state: TextState) -> StrOrPromise | None:
    """Why the meeting cannot adopt the whole text now; None if it can."""
    keys = text_adoption_clauses(state)
    if not keys:
        return _("Every clause of the text is agreed already.")
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
    """What a proposal asks for, in words, in the active language: "replace “in 2028” with
    “in 2027”"."""
    op = proposal.operation
    match proposal.kind:
        case ProposalKind.INSERT:
            return gettext("insert a new {kind}: “{words}”").format(
                kind=readable_word(str(op.get("kind"))), words=op.get("words")
            )
        case ProposalKind.DELETE:
            return gettext("delete the clause")
        case ProposalKind.REPLACE | ProposalKind.BRACKET_ADD:
            return _within(proposal.kind, op)
        case ProposalKind.BRACKET_REMOVE:
            return gettext("remove bracket {bracket}").format(bracket=op.get("bracket"))
        case ProposalKind.OPTION_ADD:
            return _option_add(op)
        case ProposalKind.OPTION_CHOOSE:
            return gettext("keep option {alternative} of group {group}").format(
                alternative=op.get("alternative"), group=op.get("group")
            )
        case ProposalKind.MERGE:
            return gettext("merge clauses {sources} into: “{words}”").format(
                sources=op.get("sources"), words=op.get("words")
            )
        case ProposalKind.MOVE:
            return _move(op)
    return proposal.kind


def _within(kind: str, op: dict[str, JSON]) -> str:
    """A replacement or a bracket, in the clause or in one of its brackets or options."""
    target, span = op.get("target"), op.get("span")
    if kind == ProposalKind.REPLACE:
        sentence = (
            gettext("replace “{old}” with “{new}” in bracket/option {target}")
            if target
            else gettext("replace “{old}” with “{new}”")
        )
    elif isinstance(span, str):
        sentence = (
            gettext("bracket “{span}” in bracket/option {target}")
            if target
            else gettext("bracket “{span}”")
        )
    else:
        sentence = (
            gettext("bracket the whole clause in bracket/option {target}")
            if target
            else gettext("bracket the whole clause")
        )
    return sentence.format(old=op.get("old"), new=op.get("new"), span=span, target=target)


def _option_add(op: dict[str, JSON]) -> str:
    group, span, words = op.get("group"), op.get("span"), op.get("words")
    if group:
        sentence = gettext("add the option “{words}” to option group {group}")
    elif isinstance(span, str):
        sentence = gettext("add the option “{words}” to “{span}”")
    else:
        sentence = gettext("add the option “{words}” to the clause")
    return sentence.format(words=words, group=group, span=span)


def _move(op: dict[str, JSON]) -> str:
    parent, after = op.get("parent"), op.get("after")
    if parent and after:
        sentence = gettext("move the clause under {parent} after {after}")
    elif parent:
        # Translators: "(first)": as the first clause there. {parent}: a clause's key.
        sentence = gettext("move the clause under {parent} after (first)")
    elif after:
        # Translators: "under the text": at the top level of the text.
        sentence = gettext("move the clause under the text after {after}")
    else:
        # Translators: "(first)": as the first clause of the text, at its top level.
        sentence = gettext("move the clause under the text after (first)")
    return sentence.format(parent=parent, after=after)
