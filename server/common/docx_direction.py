"""Right-to-left DOCX (Arabic exports): each paragraph bidirectional (``w:bidi``, so it
starts at the right margin and its indents mirror) and each run right to left (``w:rtl``),
its complex-script font and language set, so Word shapes and orders the Arabic. Applied to a
finished python-docx document, whatever wrote it."""

from docx.document import Document as Docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.oxml.xmlchemy import BaseOxmlElement

from .languages import is_right_to_left

# The Arabic face Plenary serves and renders PDF with (Debian fonts-hosny-amiri).
ARABIC_FONT = "Amiri"


# What follows w:bidi in a paragraph's properties (the schema's order).
_AFTER_BIDI = tuple(
    qn(f"w:{tag}")
    for tag in [
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    ]
)


def _bidi(properties: BaseOxmlElement) -> None:
    if properties.find(qn("w:bidi")) is not None:
        return
    bidi = OxmlElement("w:bidi")
    later = next((child for child in properties if child.tag in _AFTER_BIDI), None)
    if later is None:
        properties.append(bidi)
    else:
        later.addprevious(bidi)


def _run_right_to_left(properties: CT_RPr, language: str) -> None:
    properties.get_or_add_rFonts().set(qn("w:cs"), ARABIC_FONT)
    properties.get_or_add_rtl()
    lang = properties.find(qn("w:lang"))
    if lang is None:  # w:lang comes after w:rtl, before what python-docx never writes
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:bidi"), language)


def docx_direction(document: Docx, language: str) -> None:
    """Lay ``document`` out in ``language``'s direction (nothing to do left to right)."""
    if not is_right_to_left(language):
        return
    body = document.element.body
    for paragraph in body.iter(qn("w:p")):
        _bidi(paragraph.get_or_add_pPr())
        for run in paragraph.iter(qn("w:r")):
            _run_right_to_left(run.get_or_add_rPr(), language)
    for style in document.styles.element.iter(qn("w:style")):
        _run_right_to_left(style.get_or_add_rPr(), language)
