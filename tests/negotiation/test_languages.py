"""A text negotiated in Arabic: its exports in Arabic, right to left (DOCX paragraphs
bidirectional with rtl runs, HTML and PDF with dir="rtl"), the clause words read back from
the PDF as they were written."""

import io

import pytest
from docx import Document as read_docx
from docx.oxml.ns import qn
from pypdf import PdfReader

from server.negotiation import exports, services
from server.negotiation.models import NegotiationText

from .conftest import Person, with_clauses

pytestmark = [pytest.mark.django_db]

CLAUSES = ["إذ تشير إلى اتفاق باريس،", "تقرر تعبئة الموارد المالية سنوياً؛"]


@pytest.fixture
def arabic_text(person: Person) -> NegotiationText:
    secretariat = person("secretariat")
    text = services.text_create(actor=secretariat, slug="arabic", title="مشروع مقرر", language="ar")
    return with_clauses(text, secretariat, list(zip(("pp", "op"), CLAUSES, strict=True)))


def test_the_compilation_in_arabic_reads_right_to_left(arabic_text: NegotiationText) -> None:
    html = exports.text_document(arabic_text, "compilation", "html").body.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "النص التجميعي" in html  # "Compilation text", from the catalog

    docx = read_docx(io.BytesIO(exports.text_document(arabic_text, "compilation", "docx").body))
    paragraphs = [p for p in docx.paragraphs if p.text.strip()]
    assert paragraphs[1].text == "النص التجميعي."
    assert any(CLAUSES[0] in p.text for p in paragraphs)
    for paragraph in paragraphs:
        layout = paragraph._p.pPr
        assert layout is not None and layout.find(qn("w:bidi")) is not None, paragraph.text
        assert all(
            run._r.rPr is not None and run._r.rPr.find(qn("w:rtl")) is not None
            for run in paragraph.runs
        )

    pdf = PdfReader(io.BytesIO(exports.text_document(arabic_text, "compilation", "pdf").body))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    for words in ("مشروع مقرر", *CLAUSES):
        assert words in text, words
