"""Exports of a text: the compilation (brackets, options and proposals attributed to
delegations), the clean text (agreed clauses only, no brackets) and a clause's history
report; as HTML, DOCX and PDF (WeasyPrint renders the HTML), and the text as Akoma Ntoso."""

import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

from server.common.languages import direction
from server.ops.headers import EXPORT_POLICY

from . import docx_export, selectors
from .content import markup, plain
from .models import NegotiationText
from .numbering import reading_order

DOCUMENTS = ("compilation", "clean")
FORMATS = ("html", "docx", "pdf", "xml")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xml": "application/akn+xml; charset=utf-8",
}
AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"


@dataclass(frozen=True)
class Export:
    filename: str
    fmt: str
    body: bytes


def response(export: Export) -> HttpResponse:
    reply = HttpResponse(export.body, content_type=CONTENT_TYPES[export.fmt])
    disposition = "inline" if export.fmt == "html" else "attachment"
    reply["Content-Disposition"] = f'{disposition}; filename="{export.filename}"'
    reply["Content-Security-Policy"] = EXPORT_POLICY  # a document of its own: no script
    return reply


def _context(text: NegotiationText) -> dict[str, object]:
    state = selectors.text_state(text)
    return {
        "text": text,
        "sound": selectors.projection_sound(text, state),
        "unsound": selectors.UNSOUND,
        "view": selectors.compilation(state),
        "agreed": selectors.agreed_clauses(state),
        "generated": timezone.now(),
        "direction": direction(text.language),
    }


def text_document(text: NegotiationText, document: str, fmt: str) -> Export:
    """In the text's language: its labels translated, right to left where it is written so."""
    filename = f"{text.slug}-{document}.{fmt}"
    if fmt == "xml":
        return Export(filename, fmt, akoma_ntoso(text, clean=document == "clean"))
    with translation.override(text.language):
        return _text_document(text, document, fmt, filename)


def _text_document(text: NegotiationText, document: str, fmt: str, filename: str) -> Export:
    context = _context(text)
    html = render_to_string(f"negotiation/export/{document}.html", context)
    writers: dict[str, Callable[[], bytes]] = {
        "html": html.encode,
        "pdf": lambda: pdf(html),
        "docx": lambda: docx_export.text_docx(context, clean=document == "clean"),
    }
    return Export(filename, fmt, writers[fmt]())


def history_document(text: NegotiationText, key: int, fmt: str) -> Export:
    with translation.override(text.language):
        return _history_document(text, key, "html" if fmt == "xml" else fmt)


def _history_document(text: NegotiationText, key: int, fmt: str) -> Export:
    history = selectors.clause_history(text, key)
    context = {
        "text": text,
        "key": key,
        "history": history,
        "generated": timezone.now(),
        "direction": direction(text.language),
    }
    html = render_to_string("negotiation/export/history.html", context)
    writers: dict[str, Callable[[], bytes]] = {
        "html": html.encode,
        "pdf": lambda: pdf(html),
        "docx": lambda: docx_export.history_docx(text, key, history),
    }
    return Export(f"{text.slug}-clause-{key}-history.{fmt}", fmt, writers[fmt]())


def pdf(html: str) -> bytes:
    from weasyprint import HTML

    for name in ("weasyprint", "weasyprint.progress", "fontTools"):  # every layout step
        logging.getLogger(name).setLevel(logging.WARNING)
    rendered: bytes = HTML(string=html).write_pdf()
    return rendered


def akoma_ntoso(text: NegotiationText, *, clean: bool) -> bytes:
    """The text as an Akoma Ntoso ``statement`` (a decision): preamble and main body, each
    clause an element with a stable ``eId``; brackets and options kept as typed markup."""
    ET.register_namespace("", AKN_NS)
    state = selectors.text_state(text)
    root = ET.Element(f"{{{AKN_NS}}}akomaNtoso")
    statement = ET.SubElement(root, f"{{{AKN_NS}}}statement", name="decision")
    preface = ET.SubElement(statement, f"{{{AKN_NS}}}preface")
    ET.SubElement(preface, f"{{{AKN_NS}}}p").text = _xml_text(text.title)
    preamble = ET.SubElement(statement, f"{{{AKN_NS}}}preamble")
    body = ET.SubElement(statement, f"{{{AKN_NS}}}mainBody")
    parents: dict[int | None, ET.Element] = {}
    placed_clauses = selectors.agreed_clauses(state) if clean else reading_order(state)
    for placed in placed_clauses:
        clause = placed.clause
        container = parents.get(clause.parent) or (preamble if clause.kind == "pp" else body)
        tag = {"section": "section", "pp": "recital", "op": "paragraph", "sub": "point"}[
            clause.kind
        ]
        element = ET.SubElement(container, f"{{{AKN_NS}}}{tag}", eId=f"clause_{clause.key}")
        element.set("status", clause.status)
        ET.SubElement(element, f"{{{AKN_NS}}}num").text = _xml_text(placed.number)
        words = plain(clause.content) if clean else markup(clause.content)
        kind = "heading" if clause.kind == "section" else "p"
        inner = element if kind == "heading" else ET.SubElement(element, f"{{{AKN_NS}}}content")
        ET.SubElement(inner, f"{{{AKN_NS}}}{kind}").text = _xml_text(words)
        parents[clause.key] = element
    out = io.BytesIO()
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return out.getvalue()


# Characters XML 1.0 cannot hold at all, even escaped (ElementTree escapes only <, > and &).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value: str) -> str:
    """``value`` with what XML cannot hold (control characters, U+FFFE…) as U+FFFD."""
    return _NOT_XML.sub("\ufffd", value)
