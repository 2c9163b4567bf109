"""The DOCX export, written with python-docx from the same ``layout.Document`` as the HTML:
symbol and date at the top right (and in every page's header), agenda item headings,
numbered paragraphs, speakers in bold with their delegation."""

import io
from collections.abc import Callable

from docx import Document as new_docx
from docx.document import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from server.common.docx_direction import docx_direction

from .layout import Document, Paragraph


def record_docx(doc: Document, progress: Callable[[int, int], None]) -> bytes:
    out = new_docx()
    style = out.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    _symbol(out, doc)
    _title(out, doc)
    done, total = 0, doc.blocks
    for part in doc.parts:
        if part.heading:
            out.add_heading(part.heading, level=2)
        for block in part.blocks:
            for paragraph in block.paragraphs:
                _paragraph(out, paragraph)
            done += 1
            progress(done, total)
    _booth_log(out, doc)
    docx_direction(out, doc.language)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _symbol(out: Docx, doc: Document) -> None:
    header = out.sections[0].header.paragraphs[0]
    header.text = doc.symbol
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    top = out.add_paragraph()
    top.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    top.add_run(doc.symbol).bold = True
    top.add_run(f"\n{doc.date}")
    if doc.status:
        top.add_run(f"\n{doc.status}").italic = True


def _title(out: Docx, doc: Document) -> None:
    conference = out.add_paragraph()
    conference.add_run(doc.conference).bold = True
    out.add_heading(doc.meeting, level=1)
    out.add_paragraph(doc.title).runs[0].italic = True
    out.add_paragraph(doc.held)
    for line in doc.presiding:
        out.add_paragraph(line)
    out.add_heading(doc.labels.agenda, level=2)
    for item in doc.agenda:
        out.add_paragraph(item)
    out.add_heading(doc.labels.present, level=2)
    for group in doc.attendance:
        out.add_paragraph().add_run(group.heading).bold = True
        for line in group.lines:
            out.add_paragraph(line, style="List Bullet")


def _booth_log(out: Docx, doc: Document) -> None:
    if not doc.booth_log:
        return
    out.add_heading(doc.labels.booth_log, level=2)
    for line in doc.booth_log:
        out.add_paragraph(line, style="List Bullet")


def _paragraph(out: Docx, paragraph: Paragraph) -> None:
    written = out.add_paragraph()
    if paragraph.style in {"proceeding", "quote"}:
        written.paragraph_format.left_indent = Pt(36)
        written.add_run(paragraph.text).italic = paragraph.style == "proceeding"
        return
    if paragraph.number is not None:
        written.add_run(f"{paragraph.number}.\t")
    if paragraph.lead:
        written.add_run(paragraph.lead).bold = True
        written.add_run(f"{paragraph.lead_note} ")
    if paragraph.marked:
        written.add_run(f"{paragraph.marked} ").italic = True
    written.add_run(paragraph.text)
