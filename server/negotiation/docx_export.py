"""The DOCX exports, written with python-docx from the same view as the HTML ones."""

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from server.common.docx_direction import docx_direction

from .content import Bracket, Content, plain
from .models import NegotiationText
from .numbering import Placed
from .readable import readable_word
from .selectors import UNSOUND, Compilation, HistoryEntry, proposal_summary


def _save(document: DocxDocument, language: str) -> bytes:
    docx_direction(document, language)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _words(paragraph: Paragraph, content: Content) -> None:
    for node in content:
        if isinstance(node, str):
            paragraph.add_run(node)
        elif isinstance(node, Bracket):
            paragraph.add_run("[").bold = True
            _words(paragraph, node.content)
            paragraph.add_run("]").bold = True
            _by(paragraph, node.by)
        else:
            for number, alt in enumerate(node.alternatives, start=1):
                paragraph.add_run(
                    "[" + _("Option {number}:").format(number=number) + " "
                ).bold = True
                if alt.content is None:
                    paragraph.add_run(_("delete")).italic = True
                else:
                    _words(paragraph, alt.content)
                _by(paragraph, alt.by)
                paragraph.add_run("]").bold = True


def _by(paragraph: Paragraph, codes: tuple[str, ...]) -> None:
    if codes:
        run = paragraph.add_run(f" ({', '.join(codes)})")
        run.italic = True
        run.font.size = Pt(8)


def _clause(document: DocxDocument, placed: Placed, *, clean: bool) -> Paragraph:
    clause = placed.clause
    if clause.kind == "section":
        heading: Paragraph = document.add_heading(
            f"{placed.number}. {plain(clause.content)}", level=2
        )
        return heading
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.left_indent = Pt(18 * placed.depth)
    paragraph.add_run(f"{placed.number}\t").bold = True
    if clean:
        paragraph.add_run(plain(clause.content))
    else:
        _words(paragraph, clause.content)
    return paragraph


def _record_line(text: NegotiationText, *, sound: bool) -> str:
    if sound:
        return _("Version {version} · head of the record {head}").format(
            version=text.event_count, head=text.head_hash
        )
    return str(UNSOUND)


def text_docx(context: dict[str, object], *, clean: bool) -> bytes:
    text, view = context["text"], context["view"]
    assert isinstance(text, NegotiationText) and isinstance(view, Compilation)
    document = Document()
    document.add_heading(text.title, level=1)
    document.add_paragraph(
        _("Clean text: agreed clauses only.") if clean else _("Compilation text.")
    )
    document.add_paragraph(_record_line(text, sound=context["sound"] is True))
    for clause_view in view.clauses:
        if clean and clause_view.placed.clause.status not in {"agreed", "agreed_ad_ref"}:
            continue
        _clause(document, clause_view.placed, clean=clean)
        if clean:
            continue
        for proposal in clause_view.proposals:
            sponsors = ", ".join((proposal.sponsor, *proposal.cosponsors))
            note = document.add_paragraph(style="List Bullet")
            proposed = _("Proposal {key}").format(key=proposal.key)
            note.add_run(f"{proposed} ({sponsors}): {proposal_summary(proposal)}")
        if clause_view.positions:
            stances = "; ".join(
                f"{p.delegation}: {readable_word(p.stance)}" for p in clause_view.positions
            )
            document.add_paragraph(_("Positions: {stances}").format(stances=stances)).runs[
                0
            ].italic = True
    return _save(document, text.language)


def history_docx(text: NegotiationText, key: int, history: list[HistoryEntry]) -> bytes:
    document = Document()
    title = _("{title}: history of clause {key}").format(title=text.title, key=key)
    document.add_heading(title, level=1)
    for entry in history:
        event = entry.event
        who = event.actor.display_name if event.actor else ""
        head = document.add_paragraph()
        head.add_run(f"#{event.index} {event.created_at:%Y-%m-%d %H:%M} UTC  {who}").bold = True
        head.add_run(f"  {entry.summary}")
        if entry.diff:
            diff = document.add_paragraph()
            for run in entry.diff:
                part = diff.add_run(run.text)
                part.underline = run.kind == "ins"
                part.font.strike = run.kind == "del"
                part.italic = run.kind == "note"
    document.add_paragraph(_("Head hash of the record: {head}").format(head=text.head_hash))
    return _save(document, text.language)
