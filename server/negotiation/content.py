"""A clause's words, with its brackets and options as structure rather than characters.

A clause's content is a sequence of nodes: plain text (``str``), a ``Bracket`` around
further content (brackets nest), or an ``Options`` group whose alternatives are each
attributed to the delegations that proposed them (an alternative without content is the
option to delete). Brackets and alternatives are numbered within their clause.

People type content in a small markup: ``[words]`` is a bracket, ``{one | two | delete}``
an option group. Every function here is pure: a change returns new content.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TypeAlias

from server.common.json_types import JSON


class ContentError(ValueError):
    """The content or the change to it does not fit (bad markup, span not found…)."""


@dataclass(frozen=True)
class Bracket:
    id: int
    by: tuple[str, ...]
    content: "Content"


@dataclass(frozen=True)
class Alternative:
    id: int
    by: tuple[str, ...]
    content: "Content | None"  # None: the option to delete


@dataclass(frozen=True)
class Options:
    id: int
    alternatives: tuple[Alternative, ...]


Node: TypeAlias = str | Bracket | Options
Content: TypeAlias = tuple[Node, ...]

RESERVED = "[]{}|"
DELETE_WORD = "delete"
MAX_DEPTH = 8  # brackets and option groups within one another
MAX_MARKUP = 20_000  # characters of markup in one clause or proposal


def normalised(nodes: list[Node] | Content) -> Content:
    """Adjacent text joined, empty text dropped."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, str):
            if not node:
                continue
            if out and isinstance(out[-1], str):
                out[-1] += node
                continue
        out.append(node)
    return tuple(out)


# Markup ---------------------------------------------------------------------------------


class _Parser:
    def __init__(self, markup: str, first_id: int, by: tuple[str, ...]) -> None:
        self.markup = markup
        self.at = 0
        self.next_id = first_id
        self.by = by
        self.depth = 0

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def content(self, closers: str) -> Content:
        nodes: list[Node] = []
        while self.at < len(self.markup) and self.markup[self.at] not in closers:
            char = self.markup[self.at]
            if char == "[":
                nodes.append(self.bracket())
            elif char == "{":
                nodes.append(self.options())
            elif char in "]}|":
                raise ContentError(f"Unexpected '{char}' at character {self.at + 1}.")
            else:
                end = self.at
                while end < len(self.markup) and self.markup[end] not in RESERVED:
                    end += 1
                nodes.append(self.markup[self.at : end])
                self.at = end
        return normalised(nodes)

    def expect(self, char: str, opened_at: int) -> None:
        if self.at >= len(self.markup) or self.markup[self.at] != char:
            opener = self.markup[opened_at]
            raise ContentError(f"The '{opener}' at character {opened_at + 1} is not closed.")
        self.at += 1

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ContentError(_too_deep(f" (at character {self.at + 1})"))

    def bracket(self) -> Bracket:
        opened_at = self.at
        self.deeper()
        self.at += 1
        bracket_id = self.new_id()
        inner = self.content("]")
        self.expect("]", opened_at)
        self.depth -= 1
        return Bracket(bracket_id, self.by, inner)

    def options(self) -> Options:
        opened_at = self.at
        self.deeper()
        group_id = self.new_id()
        alternatives: list[Alternative] = []
        while self.at < len(self.markup) and self.markup[self.at] in "{|":
            self.at += 1
            alternatives.append(self.alternative(self.content("|}")))
            if self.at < len(self.markup) and self.markup[self.at] == "}":
                break
        self.expect("}", opened_at)
        self.depth -= 1
        if len(alternatives) < 2:
            raise ContentError("An option group needs at least two options: {one | two}.")
        return Options(group_id, tuple(alternatives))

    def alternative(self, content: Content) -> Alternative:
        words = "".join(n for n in content if isinstance(n, str)).strip()
        is_delete = len(content) == 1 and words.lower() == DELETE_WORD
        return Alternative(self.new_id(), self.by, None if is_delete else _trimmed(content))


def _too_deep(where: str) -> str:
    return f"Brackets and options nest at most {MAX_DEPTH} deep{where}."


def depth(content: Content) -> int:
    """How deep brackets and option groups nest in ``content`` (0: plain words)."""
    deepest = 0
    for node in content:
        if isinstance(node, Bracket):
            deepest = max(deepest, 1 + depth(node.content))
        elif isinstance(node, Options):
            inner = (depth(a.content or ()) for a in node.alternatives)
            deepest = max(deepest, 1 + max(inner, default=0))
    return deepest


def check_depth(content: Content) -> Content:
    """``content`` itself, if it nests no deeper than ``MAX_DEPTH``."""
    if depth(content) > MAX_DEPTH:
        raise ContentError(_too_deep(""))
    return content


def _trimmed(content: Content) -> Content:
    nodes = list(content)
    if nodes and isinstance(nodes[0], str):
        nodes[0] = nodes[0].lstrip()
    if nodes and isinstance(nodes[-1], str):
        nodes[-1] = nodes[-1].rstrip()
    return normalised(nodes)


def parse(markup: str, *, first_id: int = 1, by: tuple[str, ...] = ()) -> Content:
    """Read markup; new brackets and options are numbered from ``first_id`` and
    attributed to ``by``."""
    parser = _Parser(markup, first_id, by)
    content = parser.content("")
    if parser.at != len(markup):
        raise ContentError(f"Unexpected '{markup[parser.at]}' at character {parser.at + 1}.")
    return content


def markup(content: Content) -> str:
    return "".join(_node_markup(node) for node in content)


def _node_markup(node: Node) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, Bracket):
        return f"[{markup(node.content)}]"
    return "{" + " | ".join(_alternative_markup(a) for a in node.alternatives) + "}"


def _alternative_markup(alternative: Alternative) -> str:
    return DELETE_WORD if alternative.content is None else markup(alternative.content)


def plain(content: Content) -> str:
    """The words alone: what a clause reads once brackets are lifted (agreed clauses)."""
    return "".join(node for node in content if isinstance(node, str))


# JSON form ------------------------------------------------------------------------------


def to_json(content: Content) -> list[JSON]:
    return [_node_json(node) for node in content]


def _node_json(node: Node) -> JSON:
    if isinstance(node, str):
        return node
    if isinstance(node, Bracket):
        return {"bracket": node.id, "by": list(node.by), "content": to_json(node.content)}
    return {
        "options": node.id,
        "alternatives": [
            {
                "id": a.id,
                "by": list(a.by),
                "content": None if a.content is None else to_json(a.content),
            }
            for a in node.alternatives
        ],
    }


def from_json(value: JSON) -> Content:
    if not isinstance(value, list):
        raise ContentError("Content must be a list of nodes.")
    return tuple(_node_from_json(item) for item in value)


def _int(value: JSON) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ContentError(f"Expected an integer, not {value!r}.")
    return value


def _codes(value: JSON) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ContentError("'by' must be a list of delegation codes.")
    return tuple(str(v) for v in value)


def _node_from_json(item: JSON) -> Node:
    if isinstance(item, str):
        return item
    if not isinstance(item, dict):
        raise ContentError(f"Not a content node: {item!r}")
    if "bracket" in item:
        return Bracket(_int(item["bracket"]), _codes(item["by"]), from_json(item["content"]))
    alternatives = item.get("alternatives")
    if not isinstance(alternatives, list):
        raise ContentError(f"Not a content node: {item!r}")
    return Options(_int(item["options"]), tuple(_alternative_from_json(a) for a in alternatives))


def _alternative_from_json(item: JSON) -> Alternative:
    if not isinstance(item, dict):
        raise ContentError(f"Not an option: {item!r}")
    body = item.get("content")
    return Alternative(
        _int(item["id"]), _codes(item["by"]), None if body is None else from_json(body)
    )


# Walking --------------------------------------------------------------------------------


def marks(content: Content) -> Iterator[Bracket | Options]:
    """Every bracket and option group, outermost first, in reading order."""
    for node in content:
        if isinstance(node, Bracket):
            yield node
            yield from marks(node.content)
        elif isinstance(node, Options):
            yield node
            for alternative in node.alternatives:
                yield from marks(alternative.content or ())


def max_id(content: Content) -> int:
    ids = [0]
    for mark in marks(content):
        ids.append(mark.id)
        if isinstance(mark, Options):
            ids.extend(a.id for a in mark.alternatives)
    return max(ids)


def is_clean(content: Content) -> bool:
    return not any(True for _ in marks(content))


# Changes --------------------------------------------------------------------------------

Edit = Callable[[Content], Content]


def _in_container(content: Content, target: int | None, edit: Edit) -> Content:
    """Apply ``edit`` to the content of the bracket or alternative ``target`` (None: the
    clause itself)."""
    if target is None:
        return normalised(edit(content))
    found, result = _descend(content, target, edit)
    if not found:
        raise ContentError(f"There is no bracket or option {target} in this clause.")
    return result


def _descend(content: Content, target: int, edit: Edit) -> tuple[bool, Content]:
    out: list[Node] = []
    found = False
    for node in content:
        if not found and isinstance(node, Bracket):
            if node.id == target:
                node, found = replace(node, content=normalised(edit(node.content))), True
            else:
                found, inner = _descend(node.content, target, edit)
                node = replace(node, content=inner)
        elif not found and isinstance(node, Options):
            found, node = _descend_options(node, target, edit)
        out.append(node)
    return found, tuple(out)


def _descend_options(group: Options, target: int, edit: Edit) -> tuple[bool, Options]:
    alternatives = []
    found = False
    for alt in group.alternatives:
        body = alt.content
        if not found and body is not None:
            if alt.id == target:
                alt, found = replace(alt, content=normalised(edit(body))), True
            else:
                found, inner = _descend(body, target, edit)
                alt = replace(alt, content=inner)
        alternatives.append(alt)
    return found, replace(group, alternatives=tuple(alternatives))


def _split_at_span(content: Content, span: str) -> tuple[Content, Content]:
    """The nodes before and after the only occurrence of ``span`` in the text of
    ``content`` (not inside a bracket or option)."""
    if not span:
        raise ContentError("The words to change cannot be empty.")
    hits = [
        (i, start)
        for i, node in enumerate(content)
        if isinstance(node, str)
        for start in _occurrences(node, span)
    ]
    if not hits:
        raise ContentError(f"The words {span!r} do not occur there (outside brackets).")
    if len(hits) > 1:
        raise ContentError(f"The words {span!r} occur {len(hits)} times; quote more of them.")
    index, start = hits[0]
    text = content[index]
    assert isinstance(text, str)
    before = (*content[:index], text[:start])
    after = (text[start + len(span) :], *content[index + 1 :])
    return before, after


def _occurrences(text: str, span: str) -> Iterator[int]:
    start = text.find(span)
    while start >= 0:
        yield start
        start = text.find(span, start + 1)


def span_replace(content: Content, target: int | None, old: str, new: Content) -> Content:
    def edit(inner: Content) -> Content:
        before, after = _split_at_span(inner, old)
        return (*before, *new, *after)

    return _in_container(content, target, edit)


def _wrap(content: Content, target: int | None, span: str | None, make: Edit) -> Content:
    """Replace ``span`` (None: all of the container) by what ``make`` builds from it."""

    def edit(inner: Content) -> Content:
        if span is None:
            return make(inner)
        before, after = _split_at_span(inner, span)
        return (*before, *make((span,)), *after)

    return _in_container(content, target, edit)


def bracket_add(
    content: Content, target: int | None, span: str | None, by: tuple[str, ...]
) -> Content:
    new_id = max_id(content) + 1
    return _wrap(content, target, span, lambda inner: (Bracket(new_id, by, normalised(inner)),))


def parse_after(current: Content, text: str, by: tuple[str, ...]) -> Content:
    """Markup for new words in ``current``: its marks numbered after those already there."""
    return parse(text, first_id=max_id(current) + 1, by=by)


def _next_id(content: Content, addition: Content | None) -> int:
    return max(max_id(content), max_id(addition or ())) + 1


def options_open(
    content: Content,
    target: int | None,
    span: str | None,
    alternative: Content | None,
    by: tuple[str, ...],
) -> Content:
    """Turn ``span`` into a group of two options: the words as they stand, and
    ``alternative`` (None: delete them). ``alternative`` comes from ``parse_after``."""
    first = _next_id(content, alternative)

    def make(inner: Content) -> Content:
        standing = Alternative(first + 1, (), normalised(inner))
        return (Options(first, (standing, Alternative(first + 2, by, alternative))),)

    return _wrap(content, target, span, make)


def _map_groups(content: Content, change: Callable[[Node], Content | None]) -> tuple[int, Content]:
    """Replace each node for which ``change`` returns content; count the replacements."""
    out: list[Node] = []
    hits = 0
    for node in content:
        result = change(node)
        if result is not None:
            hits += 1
            out.extend(result)
            continue
        if isinstance(node, Bracket):
            found, inner = _map_groups(node.content, change)
            hits, node = hits + found, replace(node, content=inner)
        elif isinstance(node, Options):
            alternatives = []
            for alt in node.alternatives:
                found, inner = _map_groups(alt.content or (), change)
                hits += found
                alternatives.append(alt if alt.content is None else replace(alt, content=inner))
            node = replace(node, alternatives=tuple(alternatives))
        out.append(node)
    return hits, normalised(out)


def bracket_remove(content: Content, bracket_id: int) -> Content:
    def change(node: Node) -> Content | None:
        return node.content if isinstance(node, Bracket) and node.id == bracket_id else None

    hits, result = _map_groups(content, change)
    if not hits:
        raise ContentError(f"There is no bracket {bracket_id} in this clause.")
    return result


def option_add(
    content: Content, group_id: int, alternative: Content | None, by: tuple[str, ...]
) -> Content:
    added = Alternative(_next_id(content, alternative), by, alternative)

    def change(node: Node) -> Content | None:
        if not (isinstance(node, Options) and node.id == group_id):
            return None
        return (replace(node, alternatives=(*node.alternatives, added)),)

    hits, result = _map_groups(content, change)
    if not hits:
        raise ContentError(f"There is no option group {group_id} in this clause.")
    return result


def option_choose(content: Content, group_id: int, alternative_id: int) -> Content:
    """Keep one option of a group (its words, or nothing if it is the option to delete)."""

    def change(node: Node) -> Content | None:
        if not (isinstance(node, Options) and node.id == group_id):
            return None
        for alt in node.alternatives:
            if alt.id == alternative_id:
                return alt.content or ()
        raise ContentError(f"Option group {group_id} has no option {alternative_id}.")

    hits, result = _map_groups(content, change)
    if not hits:
        raise ContentError(f"There is no option group {group_id} in this clause.")
    return result


def counts(content: Content) -> tuple[int, int, int]:
    """(brackets, option groups, options) in ``content``."""
    brackets = groups = options = 0
    for mark in marks(content):
        if isinstance(mark, Bracket):
            brackets += 1
        else:
            groups += 1
            options += len(mark.alternatives)
    return brackets, groups, options
