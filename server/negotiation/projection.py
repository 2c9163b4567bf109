"""The projection tables: the text's current state, written from ``TextState`` after each
event (only what the event touched) and read back into it."""

from dataclasses import fields
from typing import TypeVar

from .content import from_json, to_json
from .models import Clause, NegotiationText, Position, Proposal
from .state import Clause as ClauseState
from .state import Position as PositionState
from .state import PositionKey, TextState, Touched
from .state import Proposal as ProposalState

Key = TypeVar("Key", int, PositionKey)
Item = TypeVar("Item", ClauseState, ProposalState, PositionState)


def update(text: NegotiationText, state: TextState, touched: Touched) -> None:
    keys = set(touched.clauses)
    for parent in touched.parents:
        keys.update(state.children.get(parent, []))
    _clauses_write(text, state, keys)
    _proposals_write(text, state, touched.proposals)
    for key in touched.positions:
        position = state.positions[key]
        Position.objects.update_or_create(
            text=text,
            target=position.target,
            target_key=position.target_key,
            delegation=position.delegation,
            defaults={
                "stance": position.stance,
                "comment": position.comment,
                "version": position.version,
            },
        )


def _clauses_write(text: NegotiationText, state: TextState, keys: set[int]) -> None:
    existing = {row.key: row for row in Clause.objects.filter(text=text, key__in=keys)}
    new: list[Clause] = []
    changed: list[Clause] = []
    for key in keys:
        clause = state.clauses[key]
        row = existing.get(key) or Clause(text=text, key=key)
        row.kind, row.parent_key, row.status = clause.kind, clause.parent, clause.status
        row.position = state.children[clause.parent].index(key)
        row.content, row.version = to_json(clause.content), clause.version
        row.label, row.merged_from = clause.label, list(clause.merged_from)
        (changed if key in existing else new).append(row)
    Clause.objects.bulk_create(new)
    fields = [
        "kind",
        "parent_key",
        "position",
        "content",
        "status",
        "version",
        "label",
        "merged_from",
    ]
    Clause.objects.bulk_update(changed, fields)


def _proposals_write(text: NegotiationText, state: TextState, keys: set[int]) -> None:
    existing = {row.key: row for row in Proposal.objects.filter(text=text, key__in=keys)}
    for key in keys:
        p = state.proposals[key]
        row = existing.get(key) or Proposal(text=text, key=key)
        row.kind, row.clause_key, row.sponsor = p.kind, p.clause, p.sponsor
        row.cosponsors, row.rationale, row.operation = list(p.cosponsors), p.rationale, p.operation
        row.invited, row.declined = list(p.invited), list(p.declined)
        row.state, row.version, row.tabled, row.merged_into = (
            p.state,
            p.version,
            p.tabled,
            p.merged_into,
        )
        row.save()


def load(text: NegotiationText) -> TextState:
    """The text's current state from the projection tables. Rows are read as tuples, not
    model instances: a text of 2,000 clauses has tens of thousands of positions, and
    building a model object for each was most of the time."""
    state = TextState(version=text.event_count, structure_version=text.structure_version)
    clauses = Clause.objects.filter(text=text).order_by("parent_key", "position")
    for key, kind, parent, content, status, version, label, merged in clauses.values_list(
        "key", "kind", "parent_key", "content", "status", "version", "label", "merged_from"
    ):
        state.clauses[key] = ClauseState(
            key=key,
            kind=kind,
            parent=parent,
            content=from_json(content),
            status=status,
            version=version,
            label=label,
            merged_from=tuple(int(k) for k in merged),
        )
        state.children.setdefault(parent, []).append(key)
    for row in Proposal.objects.filter(text=text).values_list(*PROPOSAL_FIELDS):
        proposal = dict(zip(PROPOSAL_FIELDS, row, strict=True))
        state.proposals[proposal["key"]] = ProposalState(
            key=proposal["key"],
            kind=proposal["kind"],
            clause=proposal["clause_key"],
            sponsor=proposal["sponsor"],
            cosponsors=tuple(str(code) for code in proposal["cosponsors"]),
            rationale=proposal["rationale"],
            operation=dict(proposal["operation"]),
            state=proposal["state"],
            version=proposal["version"],
            tabled=proposal["tabled"],
            merged_into=proposal["merged_into"],
            invited=tuple(str(code) for code in proposal["invited"]),
            declined=tuple(str(code) for code in proposal["declined"]),
        )
    positions = Position.objects.filter(text=text).values_list(
        "target", "target_key", "delegation", "stance", "comment", "version"
    )
    for target, target_key, delegation, stance, comment, version in positions:
        state.positions[(target, target_key, delegation)] = PositionState(
            target, target_key, delegation, stance, comment, version
        )
    return state


PROPOSAL_FIELDS = (
    "key",
    "kind",
    "clause_key",
    "sponsor",
    "cosponsors",
    "rationale",
    "operation",
    "state",
    "version",
    "tabled",
    "merged_into",
    "invited",
    "declined",
)


def difference(logged: TextState, projected: TextState) -> str | None:
    """The first way the projection differs from the state replayed from the log, in words
    (None: they are the same)."""
    if logged == projected:
        return None
    if logged.version != projected.version:
        return f"the text records {projected.version} events, the log has {logged.version}"
    found = (
        _items_difference("clause", logged.clauses, projected.clauses)
        or _items_difference("proposal", logged.proposals, projected.proposals)
        or _items_difference("position", logged.positions, projected.positions)
    )
    if found:
        return found
    for parent in sorted(set(logged.children) | set(projected.children), key=str):
        if logged.children.get(parent, []) != projected.children.get(parent, []):
            return f"the order of the clauses under {parent or 'the text'} differs from the log"
    return "the text's structure version differs from the log"


def _items_difference(what: str, logged: dict[Key, Item], projected: dict[Key, Item]) -> str | None:
    for key in sorted(set(logged) | set(projected), key=str):
        name = f"{what} {key if isinstance(key, int) else ' '.join(map(str, key))}"
        if key not in projected:
            return f"{name} is in the log but not in the projection"
        if key not in logged:
            return f"{name} is in the projection but not in the log"
        for field in fields(logged[key]):
            if getattr(logged[key], field.name) != getattr(projected[key], field.name):
                return f"{name}: its {field.name} differs from the log"
    return None
