"""Exports of minutes: HTML, PDF (WeasyPrint renders the HTML), DOCX and Markdown, each laid
out from the same ``layout.Document``. A long export reports its progress as it goes
(``progress(done, total)``): a step per statement or proceeding for DOCX and Markdown, per
agenda item for HTML, and the page layout as the last step of a PDF."""

import re
from collections.abc import Callable

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from server.negotiation.exports import CONTENT_TYPES as NEGOTIATION_TYPES
from server.negotiation.exports import Export, pdf
from server.ops.headers import EXPORT_POLICY

from . import docx_export
from .layout import Document, Paragraph

FORMATS = ("html", "pdf", "docx", "md")
CONTENT_TYPES = {**NEGOTIATION_TYPES, "md": "text/markdown; charset=utf-8"}

Progress = Callable[[int, int], None]


def _quiet(done: int, total: int) -> None:
    """No one is watching."""


def minutes_export(doc: Document, fmt: str, progress: Progress = _quiet) -> Export:
    writers: dict[str, Callable[[Document, Progress], bytes]] = {
        "html": lambda d, p: html(d, p).encode(),
        "pdf": _pdf,
        "docx": docx_export.record_docx,
        "md": lambda d, p: markdown(d, p).encode(),
    }
    return Export(f"{doc.filename_stem}.{fmt}", fmt, writers[fmt](doc, progress))


def response(export: Export) -> HttpResponse:
    reply = HttpResponse(export.body, content_type=CONTENT_TYPES[export.fmt])
    disposition = "inline" if export.fmt == "html" else "attachment"
    reply["Content-Disposition"] = f'{disposition}; filename="{export.filename}"'
    reply["Content-Security-Policy"] = EXPORT_POLICY  # a document of its own: no script
    reply["Content-Length"] = str(len(export.body))  # the page shows how much has come
    return reply


def html(doc: Document, progress: Progress = _quiet, *, steps: int = 0) -> str:
    """``steps``: how many steps follow the HTML (the PDF's layout)."""
    total = len(doc.parts) + steps
    parts: list[SafeString] = []
    for done, part in enumerate(doc.parts, start=1):
        parts.append(mark_safe(render_to_string("minutes/export/_part.html", {"part": part})))
        progress(done, total)
    return render_to_string("minutes/export/record.html", {"doc": doc, "parts": parts})


def _pdf(doc: Document, progress: Progress) -> bytes:
    body = pdf(html(doc, progress, steps=1))
    progress(len(doc.parts) + 1, len(doc.parts) + 1)
    return body


def markdown(doc: Document, progress: Progress = _quiet) -> str:
    """Every value is escaped (``_md``): what a participant wrote stays text, never a
    heading, link, list, emphasis or HTML of its own."""
    lines = [f"{_strong(doc.symbol)}  ", _md(doc.date), ""]
    if doc.status:
        lines += [_em(doc.status), ""]
    lines += [f"# {_md(doc.conference)}", "", f"## {_md(doc.meeting)}", ""]
    lines += [_md(doc.title), "", _md(doc.held), ""]
    lines += [f"{_md(line)}  " for line in doc.presiding] + [""]
    lines += [f"### {_md(doc.labels.agenda)}", ""]
    lines += [f"{_md(line)}  " for line in doc.agenda] + [""]
    lines += [f"### {_md(doc.labels.present)}", ""]
    for group in doc.attendance:
        lines += [_strong(group.heading), "", *(f"- {_md(line)}" for line in group.lines), ""]
    done, total = 0, doc.blocks
    for part in doc.parts:
        if part.heading:
            lines += [f"### {_md(part.heading)}", ""]
        for block in part.blocks:
            lines += [_markdown_paragraph(p) for p in block.paragraphs]
            done += 1
            progress(done, total)
    if doc.booth_log:
        lines += [f"### {_md(doc.labels.booth_log)}", ""]
        lines += [f"- {_md(line)}" for line in doc.booth_log] + [""]
    return "\n".join(lines) + "\n"


def _markdown_paragraph(paragraph: Paragraph) -> str:
    # "1\." and not "1.": the record's own numbers, not a Markdown list.
    number = f"{paragraph.number}\\. " if paragraph.number else ""
    lead = f"{_strong(paragraph.lead)}{_md(paragraph.lead_note)} " if paragraph.lead else ""
    marked = f"{_em(paragraph.marked)} " if paragraph.marked else ""
    if paragraph.style == "proceeding":
        return f"{_em(paragraph.text)}\n"
    if paragraph.style == "quote":
        return f"> {_md(paragraph.text)}\n"
    return f"{number}{lead}{marked}{_md(paragraph.text)}\n"


# What Markdown (CommonMark and GitHub's) reads as syntax anywhere in a line: escapes,
# emphasis, code, links and images, HTML and entities, headings, tables, strikethrough.
_SYNTAX = re.compile(r"([\\`*_\[\]<>&#|~])")
# ... and at the start of a line: list items, quotes (">" above), setext underlines, and
# indented code (more than one space).
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))?")
_LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")


def _md(value: str) -> str:
    """``value`` as Markdown text on one line, whatever it holds: syntax escaped, and line
    breaks (which could start a heading, a list or a block of HTML) made spaces."""
    escaped = _SYNTAX.sub(r"\\\1", _LINE_BREAKS.sub(" ", value))
    return _LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    space, mark = " " if match[1] else "", match[2]
    if not mark:
        return space
    return f"{space}{mark}\\" if mark[0].isdigit() else f"{space}\\{mark}"


def _strong(value: str) -> str:
    return f"**{_md(value.strip())}**" if value.strip() else ""  # "****" would be a rule


def _em(value: str) -> str:
    return f"*{_md(value.strip())}*" if value.strip() else ""
