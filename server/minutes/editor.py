"""What the minutes editor shows beside each block of the record: the transcript it comes
from (each passage in the language spoken and in the page's language), whether the reader
may correct it, and the statement's summary."""

from collections.abc import Mapping
from dataclasses import dataclass

from server.conferences.models import Participant

from .layout import Block, Document
from .models import StatementSummary
from .permissions import may_correct
from .record import Passage, Statement


@dataclass(frozen=True)
class Version:
    """A passage's text in one language, as the transcript holds it now."""

    language: str
    text: str
    original: bool  # the language spoken
    corrected: bool


@dataclass(frozen=True)
class PassageRow:
    passage: Passage
    versions: tuple[Version, ...]


@dataclass(frozen=True)
class Row:
    block: Block
    statement: Statement | None
    passages: tuple[PassageRow, ...]
    correctable: bool
    summary: StatementSummary | None


@dataclass(frozen=True)
class EditorPart:
    heading: str | None
    rows: tuple[Row, ...]


def editor_parts(
    doc: Document,
    reader: Participant,
    *,
    corrections_open: bool,
    summaries: Mapping[int, StatementSummary],
) -> tuple[EditorPart, ...]:
    return tuple(
        EditorPart(
            part.heading,
            tuple(
                _row(block, doc.language, reader, corrections_open, summaries)
                for block in part.blocks
            ),
        )
        for part in doc.parts
    )


def _row(
    block: Block,
    language: str,
    reader: Participant,
    corrections_open: bool,
    summaries: Mapping[int, StatementSummary],
) -> Row:
    statement = block.entry if isinstance(block.entry, Statement) else None
    if statement is None:
        return Row(block, None, (), False, None)
    return Row(
        block,
        statement,
        tuple(PassageRow(p, _versions(p, language)) for p in statement.passages),
        corrections_open and may_correct(reader, statement.person.delegation_id),
        summaries.get(statement.turn),
    )


def _versions(passage: Passage, language: str) -> tuple[Version, ...]:
    """The text as spoken, and in the page's language if it is another one."""
    languages = [passage.language]
    if language != passage.language and language in passage.texts:
        languages.append(language)
    return tuple(
        Version(code, passage.texts[code], code == passage.language, code in passage.corrected)
        for code in languages
    )
