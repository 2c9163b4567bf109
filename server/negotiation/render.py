"""HTML for a clause's words (brackets, options and who proposed them) and for word
diffs. Used by the pages and the HTML and PDF exports."""

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .content import Alternative, Bracket, Content, Node
from .diff import Run


def content_html(content: Content) -> SafeString:
    return mark_safe("".join(_node_html(node) for node in content))  # every part escaped


def _by(codes: tuple[str, ...]) -> SafeString:
    if not codes:
        return SafeString("")
    return format_html(' <span class="by">({})</span>', ", ".join(codes))


def _node_html(node: Node) -> str:
    if isinstance(node, str):
        return escape(node)
    if isinstance(node, Bracket):
        return format_html(
            '<span class="bracket" data-mark="{}" title="Bracket {}">[{}]{}</span>',
            node.id,
            node.id,
            content_html(node.content),
            _by(node.by),
        )
    options = format_html_join(
        "",
        '<span class="option" data-mark="{}">[Option {}: {}{}]</span>',
        (
            (alt.id, number, _alternative_html(alt), _by(alt.by))
            for number, alt in enumerate(node.alternatives, start=1)
        ),
    )
    return format_html(
        '<span class="options" data-mark="{}" title="Options {}">{}</span>',
        node.id,
        node.id,
        options,
    )


def _alternative_html(alt: Alternative) -> SafeString:
    if alt.content is None:
        return SafeString('<em class="delete">delete</em>')
    return content_html(alt.content)


def diff_html(runs: list[Run]) -> SafeString:
    tags = {
        "same": "{}",
        "ins": "<ins>{}</ins>",
        "del": "<del>{}</del>",
        "note": '<em class="diff-note">{} </em>',
    }
    return mark_safe(
        "".join(format_html(tags[run.kind], run.text) for run in runs)
    )  # every part escaped
