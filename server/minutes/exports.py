"""Exports of minutes: HTML, PDF (WeasyPrint renders the HTML), DOCX and Markdown, each laid
out from the same ``layout.Document``. A long export reports its progress as it goes
(``progress(done, total)``): a step per statement or proceeding for DOCX and Markdown, per
agenda item for HTML, and the page layout as the last step of a PDF."""

from collections.abc import Callable

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from server.negotiation.exports import CONTENT_TYPES as NEGOTIATION_TYPES
from server.negotiation.exports import Export, pdf

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
    lines = [f"**{doc.symbol}**  ", doc.date, ""]
    if doc.status:
        lines += [f"*{doc.status}*", ""]
    lines += [f"# {doc.conference}", "", f"## {doc.meeting}", "", doc.title, "", doc.held, ""]
    lines += [f"{line}  " for line in doc.presiding] + [""]
    lines += [f"### {doc.labels.agenda}", "", *doc.agenda, ""]
    lines += [f"### {doc.labels.present}", ""]
    for group in doc.attendance:
        lines += [f"**{group.heading}**", "", *(f"- {line}" for line in group.lines), ""]
    done, total = 0, doc.blocks
    for part in doc.parts:
        if part.heading:
            lines += [f"### {part.heading}", ""]
        for block in part.blocks:
            lines += [_markdown_paragraph(p) for p in block.paragraphs]
            done += 1
            progress(done, total)
    return "\n".join(lines) + "\n"


def _markdown_paragraph(paragraph: Paragraph) -> str:
    # "1\." and not "1.": the record's own numbers, not a Markdown list.
    number = f"{paragraph.number}\\. " if paragraph.number else ""
    lead = f"**{paragraph.lead}**{paragraph.lead_note} " if paragraph.lead else ""
    marked = f"*{paragraph.marked}* " if paragraph.marked else ""
    if paragraph.style == "proceeding":
        return f"*{paragraph.text}*\n"
    if paragraph.style == "quote":
        return f"> {paragraph.text}\n"
    return f"{number}{lead}{marked}{paragraph.text}\n"
