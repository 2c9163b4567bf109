"""Exports of minutes laid out like a UN record, in DOCX (read back with python-docx), PDF (its
text extracted), HTML and Markdown, in each language of the transcript; the progress of a long
export; ``plenary minutes export``."""

import collections
import io
import itertools
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx import Document as read_docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pypdf import PdfReader

from server.conferences.models import Meeting
from server.minutes import exports, selectors
from server.minutes.labels import labels_for
from server.minutes.layout import AttendanceGroup, Block, Document, Paragraph, Part, document
from server.minutes.models import Minutes
from server.minutes.record import Proceeding

from .conftest import client_for, headings_of

pytestmark = [pytest.mark.django_db]


def exported(minutes: Minutes, fmt: str, language: str = "en") -> bytes:
    reply = client_for("kenya").get(f"/minutes/{minutes.pk}/export.{fmt}?language={language}")
    assert reply.status_code == 200
    assert reply["Content-Length"] == str(len(reply.content))
    return reply.content


def test_the_docx_is_laid_out_like_a_un_record(verbatim: Minutes) -> None:
    docx = read_docx(io.BytesIO(exported(verbatim, "docx")))
    assert docx.sections[0].header.paragraphs[0].text == "CF/2026/PV.2"
    lines = [p.text for p in docx.paragraphs]
    assert lines[0].startswith("CF/2026/PV.2\n") and lines[0].endswith("Draft")
    headings = headings_of(docx)
    assert headings == [
        "2nd plenary meeting",
        "Agenda",
        "Present",
        "Agenda item 1: Adoption of the agenda",
        "Agenda item 2: Operationalization of the fund for responding to loss and damage",
        "Agenda item 3: Closure of the meeting",
    ]
    kenya = next(p for p in docx.paragraphs if p.text.startswith("3.\t"))
    assert kenya.text.startswith("3.\tMr. David Otieno (Kenya): Thank you, Madam Chair.")
    bold = [run.text for run in kenya.runs if run.bold]
    assert bold == ["Mr. David Otieno"]
    assert any(p.text.startswith("19.\tThe Chair: We have concluded") for p in docx.paragraphs)
    assert "The meeting was suspended at" in "\n".join(lines)


def test_the_pdf_holds_the_record(verbatim: Minutes) -> None:
    pdf = PdfReader(io.BytesIO(exported(verbatim, "pdf", "fr")))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "CF/2026/PV.2" in text and "Procès-verbal" in text
    assert "Point 2 de l'ordre du jour : Operationalization" in text
    assert "Mr. David Otieno (Kenya) (parle en anglais): Merci, Madame la Présidente." in text
    assert "La séance est levée à" in text


def test_html_and_markdown_exports(verbatim: Minutes) -> None:
    html = exported(verbatim, "html", "es").decode()
    assert '<html lang="es" dir="ltr">' in html and "Acta literal" in html
    lead = '<strong class="lead">Sr. Javier Martín</strong> (Spain): '
    assert lead + '<span lang="es" dir="ltr">Gracias' in html
    markdown = exported(verbatim, "md").decode()
    assert markdown.startswith("**CF/2026/PV.2**")
    assert "### Agenda item 2: Operationalization of the fund" in markdown
    reply = client_for("kenya").get(f"/minutes/{verbatim.pk}/export.md")
    assert reply["Content-Disposition"] == 'attachment; filename="CF-2026-PV.2-verbatim-en.md"'
    assert client_for("kenya").get(f"/minutes/{verbatim.pk}/export.odt").status_code == 404


def test_an_unknown_language_falls_back_to_the_minutes_own(verbatim: Minutes) -> None:
    assert "Verbatim record" in exported(verbatim, "md", "xx").decode()


def test_a_long_export_reports_its_progress(verbatim: Minutes) -> None:
    doc = document(selectors.minutes_record(verbatim), verbatim, language="en", summaries={})
    for fmt, total in [("docx", doc.blocks), ("md", doc.blocks), ("pdf", len(doc.parts) + 1)]:
        steps: list[tuple[int, int]] = []

        def progress(done: int, of: int, steps: list[tuple[int, int]] = steps) -> None:
            steps.append((done, of))

        exports.minutes_export(doc, fmt, progress)
        assert steps == [(done, total) for done in range(1, total + 1)], fmt


def test_the_command_exports_with_a_progress_bar(
    recorded: Meeting, verbatim: Minutes, tmp_path: Path
) -> None:
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "pv2.docx"
    call_command(
        "minutes",
        "export",
        "CF/2026/PV.2",
        "--format",
        "docx",
        "--output",
        str(target),
        stdout=out,
        stderr=err,
    )
    assert out.getvalue().startswith(f"{target} (")
    assert "docx export: 100%" in err.getvalue()
    assert "Mr. David Otieno" in "\n".join(p.text for p in read_docx(str(target)).paragraphs)
    # A form and language with no minutes yet: a draft is laid out, nothing is stored.
    call_command(
        "minutes",
        "export",
        str(recorded.pk),
        "--format",
        "md",
        "--form",
        "summary",
        "--language",
        "fr",
        "--output",
        str(tmp_path / "sr.md"),
        stdout=out,
        stderr=err,
    )
    assert "Compte rendu analytique" in (tmp_path / "sr.md").read_text()
    assert Minutes.objects.count() == 1


# Text a participant may have written, meant to become Markdown of its own.
HOSTILE = [
    "# Heading",
    "Title\n===",
    "Line\n---\n- item",
    "1. listed",
    "   2) listed",
    "    indented code",
    "> quoted",
    "[link](https://example.org) ![image](x.png) <https://example.org>",
    "[ref]\n\n[ref]: https://example.org",
    "<script>alert(1)</script> <b onclick=x>bold</b> &amp; &#60;",
    "<!-- comment -->\n<div>\nblock\n</div>",
    "**bold** _em_ `code` ~~struck~~ | a | b |\n|---|---|",
    "trailing backslash \\",
]
hostile_texts = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60)), min_size=1)


def hostile_document(texts: list[str]) -> Document:
    """A record whose every name, title and statement is one of ``texts``."""
    words = itertools.cycle(texts)
    styles = ("speech", "proceeding", "decision", "quote")
    paragraphs = tuple(
        Paragraph(next(words), "en", number=n, lead=next(words), lead_note=" (X):", style=style)
        for n, style in enumerate(styles, start=1)
    )
    block = Block(Proceeding("opened", timezone.now()), paragraphs)
    return Document(
        language="en",
        form="verbatim",
        title=next(words),
        status=next(words),
        symbol=next(words),
        date=next(words),
        conference=next(words),
        meeting=next(words),
        held=next(words),
        presiding=(next(words), next(words)),
        agenda=(next(words), next(words)),
        attendance=(AttendanceGroup(next(words), (next(words), next(words))),),
        parts=(Part(next(words), (block,)), Part(None, (block,))),
        labels=labels_for("en"),
        booth_log=(next(words), next(words)),
    )


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=hostile_texts)
def test_markdown_escapes_what_participants_wrote(texts: list[str]) -> None:
    """Whatever the names and statements hold, the Markdown has the record's own structure
    only: its headings, two lists (attendance, the booth log), one quote, and no link, image,
    HTML or code."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    doc = hostile_document(texts)
    tokens = md.parse(exports.markdown(doc))
    inline = [child for t in tokens for child in t.children or ()]
    kinds = collections.Counter(t.type for t in [*tokens, *inline])
    assert kinds["heading_open"] == (6 if doc.parts[0].heading else 5)
    assert kinds["bullet_list_open"] == 2 and kinds["ordered_list_open"] == 0
    assert kinds["blockquote_open"] == 2  # the quote paragraph, once per part
    for syntax in ("link_open", "image", "html_block", "html_inline", "code_block", "fence"):
        assert kinds[syntax] == 0, syntax
    for syntax in ("code_inline", "table_open", "s_open", "hr", "lheading"):
        assert kinds[syntax] == 0, syntax
