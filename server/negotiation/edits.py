"""Changes to a clause's words: replace a span, add or remove a bracket, open an option
group, add an option to one or choose one. Every function here is pure: a change returns
new content (``content``), or raises ``ContentError`` saying why it does not apply."""

from collections.abc import Callable, Iterator
from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from .content import (
    Alternative,
    Bracket,
    Content,
    ContentError,
    Node,
    Options,
    max_id,
    normalised,
    parse,
)

Edit = Callable[[Content], Content]


def _in_container(content: Content, target: int | None, edit: Edit) -> Content:
    """Apply ``edit`` to the content of the bracket or alternative ``target`` (None: the
    clause itself)."""
    if target is None:
        return normalised(edit(content))
    found, result = _descend(content, target, edit)
    if not found:
        raise ContentError(
            _("There is no bracket or option {target} in this clause."), target=target
        )
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
        raise ContentError(_("The words to change cannot be empty."))
    hits = [
        (i, start)
        for i, node in enumerate(content)
        if isinstance(node, str)
        for start in _occurrences(node, span)
    ]
    if not hits:
        raise ContentError(
            _("The words {span!r} do not occur there (outside brackets)."), span=span
        )
    if len(hits) > 1:
        raise ContentError(
            _("The words {span!r} occur {count} times; quote more of them."),
            span=span,
            count=len(hits),
        )
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
        raise ContentError(
            _("There is no bracket {bracket_id} in this clause."), bracket_id=bracket_id
        )
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
        raise ContentError(
            _("There is no option group {group_id} in this clause."), group_id=group_id
        )
    return result


def option_choose(content: Content, group_id: int, alternative_id: int) -> Content:
    """Keep one option of a group (its words, or nothing if it is the option to delete)."""

    def change(node: Node) -> Content | None:
        if not (isinstance(node, Options) and node.id == group_id):
            return None
        for alt in node.alternatives:
            if alt.id == alternative_id:
                return alt.content or ()
        raise ContentError(
            _("Option group {group_id} has no option {alternative_id}."),
            group_id=group_id,
            alternative_id=alternative_id,
        )

    hits, result = _map_groups(content, change)
    if not hits:
        raise ContentError(
            _("There is no option group {group_id} in this clause."), group_id=group_id
        )
    return result
