"""The projection tables: the text's current state, written from ``TextState`` after each
event (only what the event touched) and read back into it."""

from . import content as c
from .models import Clause, NegotiationText, Position, Proposal
from .state import Clause as ClauseState
from .state import Position as PositionState
from .state import Proposal as ProposalState
from .state import TextState, Touched


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
        row.content, row.version = c.to_json(clause.content), clause.version
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
        row.state, row.version, row.tabled, row.merged_into = (
            p.state,
            p.version,
            p.tabled,
            p.merged_into,
        )
        row.save()


def load(text: NegotiationText) -> TextState:
    state = TextState(version=text.event_count, structure_version=text.structure_version)
    for row in Clause.objects.filter(text=text).order_by("parent_key", "position"):
        state.clauses[row.key] = clause_state(row)
        state.children.setdefault(row.parent_key, []).append(row.key)
    for p in Proposal.objects.filter(text=text):
        state.proposals[p.key] = proposal_state(p)
    for position in Position.objects.filter(text=text):
        key = (position.target, position.target_key, position.delegation)
        state.positions[key] = PositionState(
            position.target,
            position.target_key,
            position.delegation,
            position.stance,
            position.comment,
            position.version,
        )
    return state


def clause_state(row: Clause) -> ClauseState:
    return ClauseState(
        key=row.key,
        kind=row.kind,
        parent=row.parent_key,
        content=c.from_json(row.content),
        status=row.status,
        version=row.version,
        label=row.label,
        merged_from=tuple(int(k) for k in row.merged_from),
    )


def proposal_state(row: Proposal) -> ProposalState:
    return ProposalState(
        key=row.key,
        kind=row.kind,
        clause=row.clause_key,
        sponsor=row.sponsor,
        cosponsors=tuple(str(code) for code in row.cosponsors),
        rationale=row.rationale,
        operation=dict(row.operation),
        state=row.state,
        version=row.version,
        tabled=row.tabled,
        merged_into=row.merged_into,
    )
