"""The record laid out in Arabic and Chinese: its wording from the catalogs, the PDF's text
read back as it was rendered, in faces that have every character (no missing glyph), and
the Arabic DOCX right to left (w:bidi paragraphs, rtl runs)."""

import io

import pytest
from docx import Document as read_docx
from docx.oxml.ns import qn
from fontTools.ttLib import (  # type: ignore[import-untyped]  # fontTools has no types
    TTCollection,
    TTFont,
)
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from server.minutes import exports, selectors
from server.minutes.layout import Document, document
from server.minutes.models import Minutes

pytestmark = [pytest.mark.django_db]

AMIRI = "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf"
WENQUANYI = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FACES = {"ar": ("Amiri", AMIRI), "zh-hans": ("WenQuanYi-Micro-Hei", WENQUANYI)}
# The record's words as a reader of each language expects them (UN usage).
WORDING = {
    "ar": ("محضر حرفي", "جدول الأعمال", "الحاضرون", "الوفود"),
    "zh-hans": ("逐字记录", "议程", "出席者", "代表团"),
}


def laid_out(minutes: Minutes, language: str) -> Document:
    record = selectors.minutes_record(minutes)
    return document(record, minutes, language=language, summaries={})


def characters(path: str) -> set[int]:
    font = TTCollection(path).fonts[0] if path.endswith(".ttc") else TTFont(path)
    return {int(code) for code in font.getBestCmap()}


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        fonts = resources["/Font"].get_object()
        assert isinstance(fonts, DictionaryObject)
        for font in fonts.values():
            described = font.get_object()
            assert isinstance(described, DictionaryObject)
            names.add(str(described["/BaseFont"]).split("+")[-1])
    return names


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_the_pdf_holds_the_words_rendered_in_arabic_and_chinese(
    verbatim: Minutes, language: str
) -> None:
    doc = laid_out(verbatim, language)
    title, agenda, present, delegations = WORDING[language]
    assert (doc.title, doc.labels.agenda, doc.labels.present) == (title, agenda, present)
    pdf = exports.minutes_export(doc, "pdf").body
    reader = PdfReader(io.BytesIO(pdf))
    lines = [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]
    for heading in (title, agenda, present, delegations, doc.meeting):
        assert heading in lines, heading
    assert "\ufffd" not in "".join(lines)
    face, path = FACES[language]
    assert any(name.startswith(face) for name in embedded_fonts(reader))
    # Every character of the record's own words is in the face it was rendered with.
    words = "".join(WORDING[language]) + doc.held + "".join(doc.presiding)
    missing = {c for c in words if not c.isspace() and ord(c) not in characters(path)}
    assert not {c for c in missing if not c.isascii()}, missing


def test_the_arabic_docx_reads_right_to_left(verbatim: Minutes) -> None:
    docx = read_docx(io.BytesIO(exports.minutes_export(laid_out(verbatim, "ar"), "docx").body))
    paragraphs = [p for p in docx.paragraphs if p.text.strip()]
    headings = [p.text for p in paragraphs if p.style and str(p.style.name).startswith("Heading")]
    assert headings[1:3] == [
        "جدول الأعمال",
        "الحاضرون",
    ]
    for paragraph in paragraphs:
        layout = paragraph._p.pPr
        assert layout is not None and layout.find(qn("w:bidi")) is not None, paragraph.text
        for run in paragraph.runs:
            properties = run._r.rPr
            assert properties is not None
            assert properties.find(qn("w:rtl")) is not None
            assert properties.find(qn("w:rFonts")).get(qn("w:cs")) == "Amiri"
            assert properties.find(qn("w:lang")).get(qn("w:bidi")) == "ar"


def test_an_english_docx_stays_left_to_right(verbatim: Minutes) -> None:
    docx = read_docx(io.BytesIO(exports.minutes_export(laid_out(verbatim, "en"), "docx").body))
    assert not list(docx.element.body.iter(qn("w:bidi")))
    assert not list(docx.element.body.iter(qn("w:rtl")))


def test_the_pdf_in_arabic_runs_right_to_left(verbatim: Minutes) -> None:
    html = exports.html(laid_out(verbatim, "ar"))
    assert '<html lang="ar" dir="rtl">' in html
    english = exports.html(laid_out(verbatim, "en"))
    assert '<html lang="en" dir="ltr">' in english
