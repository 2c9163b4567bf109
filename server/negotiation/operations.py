"""What each kind of proposal asks for, and what it does to the text when accepted.

``operation_clean`` reads a proposal's operation from client input; ``operation_effects``
turns a proposal into the primitive changes (effects) that the log records, against the
text as it stands. Both raise ``ContentError`` when the proposal does not fit the text.
"""

from collections.abc import Callable, Mapping

from django.utils.translation import gettext_lazy as _

from server.common.errors import InvalidInput
from server.common.json_types import JSON

from .content import DELETE_WORD, MAX_MARKUP, Content, ContentError, check_depth, parse, to_json
from .edits import (
    bracket_add,
    bracket_remove,
    option_add,
    option_choose,
    options_open,
    parse_after,
    span_replace,
)
from .state import AGREED_STATUSES, ClauseKind, ClauseStatus, ProposalKind, TextState

Effect = dict[str, JSON]

# kind -> {field: type}; "words" is markup, "target" a bracket or option (None: the clause).
FIELDS: dict[str, dict[str, str]] = {
    ProposalKind.INSERT: {"kind": "str", "parent": "int?", "after": "int?", "words": "str"},
    ProposalKind.DELETE: {},
    ProposalKind.REPLACE: {"target": "int?", "old": "str", "new": "str"},
    ProposalKind.BRACKET_ADD: {"target": "int?", "span": "str?"},
    ProposalKind.BRACKET_REMOVE: {"bracket": "int"},
    ProposalKind.OPTION_ADD: {"group": "int?", "target": "int?", "span": "str?", "words": "str"},
    ProposalKind.OPTION_CHOOSE: {"group": "int", "alternative": "int"},
    ProposalKind.MERGE: {"sources": "ints", "words": "str"},
    ProposalKind.MOVE: {"parent": "int?", "after": "int?"},
}
CLAUSE_KINDS = frozenset(k for k in ProposalKind if k not in {"insert", "merge"})


def _typed(name: str, kind: str, value: object) -> JSON:
    optional = kind.endswith("?")
    if value is None and optional:
        return None
    base = kind.rstrip("?")
    if base == "str" and isinstance(value, str):
        if len(value) > MAX_MARKUP:
            raise InvalidInput(
                _("The field '{name}' is at most {max_markup} characters."),
                name=name,
                max_markup=MAX_MARKUP,
            )
        return value
    if base == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if (
        base == "ints"
        and isinstance(value, list)
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        return list(value)
    expected = {"str": _("a string"), "int": _("an integer"), "ints": _("a list of integers")}
    if optional:
        must = _("The field '{name}' must be {expected} or null.")
    else:
        must = _("The field '{name}' must be {expected}.")
    raise InvalidInput(must, name=name, expected=expected[base])


def operation_clean(kind: str, data: Mapping[str, object]) -> dict[str, JSON]:
    if kind not in FIELDS:
        raise InvalidInput(
            _("Unknown proposal kind {kind!r}; use one of {kinds}."),
            kind=kind,
            kinds=", ".join(FIELDS),
        )
    operation: dict[str, JSON] = {}
    for name, field_type in FIELDS[kind].items():
        if name not in data and not field_type.endswith("?"):
            raise InvalidInput(
                _("A proposal to {kind} needs '{name}'."), kind=kind.replace("_", " "), name=name
            )
        operation[name] = _typed(name, field_type, data.get(name))
    return operation


class Proposed:
    """A proposal as the effects need it: who, what, on which clause."""

    def __init__(
        self, kind: str, clause: int | None, operation: dict[str, JSON], by: tuple[str, ...]
    ) -> None:
        self.kind, self.clause, self.operation, self.by = kind, clause, operation, by

    def int_of(self, name: str) -> int:
        value = self.operation.get(name)
        assert isinstance(value, int), f"{name} was checked by operation_clean"
        return value

    def opt_int_of(self, name: str) -> int | None:
        value = self.operation.get(name)
        return value if isinstance(value, int) else None

    def str_of(self, name: str) -> str:
        value = self.operation.get(name)
        assert isinstance(value, str), f"{name} was checked by operation_clean"
        return value

    def opt_str_of(self, name: str) -> str | None:
        value = self.operation.get(name)
        return value if isinstance(value, str) else None


def live_clause(state: TextState, key: int | None) -> int:
    clause = state.clauses.get(key) if key is not None else None
    if clause is None or clause.status == ClauseStatus.DELETED:
        raise ContentError(_("There is no clause {key} in the text (or it was deleted)."), key=key)
    return clause.key


def _changeable(state: TextState, key: int | None) -> int:
    key = live_clause(state, key)
    if state.clauses[key].status in AGREED_STATUSES:
        raise ContentError(
            _("Clause {key} is agreed; a presiding officer must reopen it before it changes."),
            key=key,
        )
    return key


def content_effect(key: int, new: Content) -> Effect:
    return {"op": "content", "clause": key, "content": to_json(new)}


def _content_change(state: TextState, p: Proposed) -> list[Effect]:
    key = _changeable(state, p.clause)
    changed = CONTENT_CHANGES[p.kind](state.clauses[key].content, p)
    return [content_effect(key, check_depth(changed))]


def _replace(current: Content, p: Proposed) -> Content:
    new = parse_after(current, p.str_of("new"), p.by)
    return span_replace(current, p.opt_int_of("target"), p.str_of("old"), new)


def _bracket_add(current: Content, p: Proposed) -> Content:
    return bracket_add(current, p.opt_int_of("target"), p.opt_str_of("span"), p.by)


def _bracket_remove(current: Content, p: Proposed) -> Content:
    return bracket_remove(current, p.int_of("bracket"))


def _option_add(current: Content, p: Proposed) -> Content:
    words = p.str_of("words")
    alternative = (
        None if words.strip().lower() == DELETE_WORD else parse_after(current, words, p.by)
    )
    group = p.opt_int_of("group")
    if group is not None:
        return option_add(current, group, alternative, p.by)
    return options_open(current, p.opt_int_of("target"), p.opt_str_of("span"), alternative, p.by)


def _option_choose(current: Content, p: Proposed) -> Content:
    return option_choose(current, p.int_of("group"), p.int_of("alternative"))


CONTENT_CHANGES: dict[str, Callable[[Content, Proposed], Content]] = {
    ProposalKind.REPLACE: _replace,
    ProposalKind.BRACKET_ADD: _bracket_add,
    ProposalKind.BRACKET_REMOVE: _bracket_remove,
    ProposalKind.OPTION_ADD: _option_add,
    ProposalKind.OPTION_CHOOSE: _option_choose,
}


def subtree(state: TextState, key: int) -> list[int]:
    keys = [key]
    for child in state.children.get(key, []):
        keys.extend(subtree(state, child))
    return keys


def deletion(state: TextState, key: int) -> list[Effect]:
    return [
        {"op": "status", "clause": k, "status": ClauseStatus.DELETED}
        for k in subtree(state, key)
        if state.clauses[k].status != ClauseStatus.DELETED
    ]


def _delete(state: TextState, p: Proposed) -> list[Effect]:
    return deletion(state, _changeable(state, p.clause))


PARENT_KINDS: dict[str, frozenset[str | None]] = {
    ClauseKind.SECTION: frozenset({None}),
    ClauseKind.PP: frozenset({None, ClauseKind.SECTION}),
    ClauseKind.OP: frozenset({None, ClauseKind.SECTION}),
    ClauseKind.SUB: frozenset({ClauseKind.PP, ClauseKind.OP, ClauseKind.SUB}),
}


def placement(
    state: TextState, kind: str, parent: int | None, after: int | None
) -> tuple[int | None, int]:
    """Where a clause of ``kind`` goes: under ``parent``, after its child ``after`` (None:
    first). Returns (parent, index among its siblings)."""
    if kind not in PARENT_KINDS:
        raise ContentError(
            _("Unknown clause kind {kind!r}; use section, pp, op or sub."), kind=kind
        )
    parent_kind = None if parent is None else state.clauses[live_clause(state, parent)].kind
    if parent_kind not in PARENT_KINDS[kind]:
        if parent_kind:
            raise ContentError(
                _("A clause of kind {kind} cannot stand under {parent}."),
                kind=kind,
                parent=parent_kind,
            )
        raise ContentError(_("A clause of kind {kind} cannot stand under the text."), kind=kind)
    siblings = state.children.get(parent, [])
    if after is None:
        return parent, 0
    if after not in siblings:
        raise ContentError(_("Clause {after} is not under the same parent."), after=after)
    return parent, siblings.index(after) + 1


def creation(
    state: TextState, kind: str, parent: int | None, after: int | None, content: Content
) -> Effect:
    parent, index = placement(state, kind, parent, after)
    return {
        "op": "create",
        "clause": state.next_clause_key(),
        "kind": kind,
        "parent": parent,
        "index": index,
        "content": to_json(content),
        "status": ClauseStatus.PROPOSED,
    }


def _insert(state: TextState, p: Proposed) -> list[Effect]:
    content = parse(p.str_of("words"), by=p.by)
    return [
        creation(state, p.str_of("kind"), p.opt_int_of("parent"), p.opt_int_of("after"), content)
    ]


def _merge(state: TextState, p: Proposed) -> list[Effect]:
    listed = p.operation.get("sources")
    keys = [k for k in listed if isinstance(k, int)] if isinstance(listed, list) else []
    sources = [_changeable(state, k) for k in keys]
    if len(set(sources)) < 2:
        raise ContentError(_("A merger needs at least two different clauses."))
    first = state.clauses[sources[0]]
    siblings = state.children.get(first.parent, [])
    position = siblings.index(first.key)
    after = siblings[position - 1] if position else None
    created = creation(state, first.kind, first.parent, after, parse(p.str_of("words"), by=p.by))
    created["merged_from"] = list(sources)
    removed = [e for key in sources for e in deletion(state, key)]
    return [created, *removed]


def _move(state: TextState, p: Proposed) -> list[Effect]:
    key = _changeable(state, p.clause)
    parent, after = p.opt_int_of("parent"), p.opt_int_of("after")
    if parent is not None and parent in subtree(state, key):
        raise ContentError(_("A clause cannot move under itself."))
    if after == key:
        raise ContentError(_("A clause cannot move after itself."))
    clause = state.clauses[key]
    parent, index = placement(state, clause.kind, parent, after)
    if parent == clause.parent and state.children[parent].index(key) < index:
        index -= 1  # it leaves its old place first
    return [{"op": "move", "clause": key, "parent": parent, "index": index}]


STRUCTURE_CHANGES: dict[str, Callable[[TextState, Proposed], list[Effect]]] = {
    ProposalKind.INSERT: _insert,
    ProposalKind.DELETE: _delete,
    ProposalKind.MERGE: _merge,
    ProposalKind.MOVE: _move,
}


def operation_effects(state: TextState, proposed: Proposed) -> list[Effect]:
    change = STRUCTURE_CHANGES.get(proposed.kind)
    if change is not None:
        return change(state, proposed)
    return _content_change(state, proposed)
