"""A clause's words, with its brackets and options as structure rather than characters.

A clause's content is a sequence of nodes: plain text (``str``), a ``Bracket`` around
further content (brackets nest), or an ``Options`` group whose alternatives are each
attributed to the delegations that proposed them (an alternative without content is the
option to delete). Brackets and alternatives are numbered within their clause.

People type content in a small markup: ``[words]`` is a bracket, ``{one | two | delete}``
an option group. Every function here is pure: a change returns new content.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from server.common.errors import message_format
from server.common.json_types import JSON
from server.common.values import text_check


class ContentError(ValueError):
    """The content or the change to it does not fit (bad markup, span not found…). Its
    message is marked for translation, as a ``PlenaryError``'s (``server.common.errors``)."""

    def __init__(self, message: StrOrPromise, /, **params: object) -> None:
        super().__init__(message_format(message, **params))


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
                raise ContentError(
                    _("Unexpected '{char}' at character {position}."),
                    char=char,
                    position=self.at + 1,
                )
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
            raise ContentError(
                _("The '{opener}' at character {position} is not closed."),
                opener=opener,
                position=opened_at + 1,
            )
        self.at += 1

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ContentError(
                _("Brackets and options nest at most {depth} deep (at character {position})."),
                depth=MAX_DEPTH,
                position=self.at + 1,
            )

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
            raise ContentError(_("An option group needs at least two options: {one | two}."))
        return Options(group_id, tuple(alternatives))

    def alternative(self, content: Content) -> Alternative:
        words = "".join(n for n in content if isinstance(n, str)).strip()
        is_delete = len(content) == 1 and words.lower() == DELETE_WORD
        return Alternative(self.new_id(), self.by, None if is_delete else _trimmed(content))


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
        raise ContentError(_("Brackets and options nest at most {depth} deep."), depth=MAX_DEPTH)
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
    attributed to ``by``. Words hold no control character but tab and newline."""
    parser = _Parser(text_check(markup, "words"), first_id, by)
    content = parser.content("")
    if parser.at != len(markup):
        raise ContentError(
            _("Unexpected '{char}' at character {position}."),
            char=markup[parser.at],
            position=parser.at + 1,
        )
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
        raise ContentError(_("Content must be a list of nodes."))
    return tuple(_node_from_json(item) for item in value)


def _int(value: JSON) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ContentError(_("Expected an integer, not {value!r}."), value=value)
    return value


def _codes(value: JSON) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ContentError(_("'by' must be a list of delegation codes."))
    return tuple(str(v) for v in value)


def _node_from_json(item: JSON) -> Node:
    if isinstance(item, str):
        return item
    if not isinstance(item, dict):
        raise ContentError(_("Not a content node: {item!r}"), item=item)
    if "bracket" in item:
        return Bracket(_int(item["bracket"]), _codes(item["by"]), from_json(item["content"]))
    alternatives = item.get("alternatives")
    if not isinstance(alternatives, list):
        raise ContentError(_("Not a content node: {item!r}"), item=item)
    return Options(_int(item["options"]), tuple(_alternative_from_json(a) for a in alternatives))


def _alternative_from_json(item: JSON) -> Alternative:
    if not isinstance(item, dict):
        raise ContentError(_("Not an option: {item!r}"), item=item)
    body = item.get("content")
    return Alternative(
        _int(item["id"]), _codes(item["by"]), None if body is None else from_json(body)
    )


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
