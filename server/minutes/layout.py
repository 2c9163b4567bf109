"""A record laid out as a document in one form and language, as UN records are: symbol and
date, the meeting and who presided, attendance, the agenda item headings and, under them,
numbered paragraphs, each statement led by its speaker's name in bold with their
delegation. The editor's preview and every export render this.

A passage is shown in the document's language where a translation (or a correction in that
language) exists; else in the language spoken, marked as such.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf.locale import LANG_INFO
from django.utils import formats, timezone, translation

from server.common.languages import direction

from .labels import Labels, labels_for
from .models import Minutes
from .record import (
    Attendee,
    Booth,
    Decision,
    Entry,
    Item,
    Outcome,
    Passage,
    Proceeding,
    Record,
    Statement,
)
from .selectors import RULING, attendance_order

SPAN = "\N{EN DASH}"  # from one time to another
NAMED_VOTES = ("recorded", "roll_call")  # the record lists who voted how


@dataclass(frozen=True)
class Paragraph:
    text: str
    language: str  # the language the text is in
    number: int | None = None
    lead: str = ""  # who speaks, in bold
    lead_note: str = ""  # " (Kenya) (spoke in French):", straight after the lead
    marked: str = ""  # "[French, not translated]" when not in the document's language
    style: str = "speech"  # speech, proceeding, decision, quote


@dataclass(frozen=True)
class Block:
    entry: Entry
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Part:
    heading: str | None
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class AttendanceGroup:
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    language: str
    form: str
    title: str  # "Verbatim record"
    status: str  # "Draft", "Corrigendum" or ""
    symbol: str
    date: str
    conference: str
    meeting: str
    held: str
    presiding: tuple[str, ...]
    agenda: tuple[str, ...]
    attendance: tuple[AttendanceGroup, ...]
    parts: tuple[Part, ...]
    labels: Labels
    booth_log: tuple[str, ...] = ()  # the annex: a line per booth

    @property
    def direction(self) -> str:
        return direction(self.language)

    @property
    def filename_stem(self) -> str:
        return f"{self.symbol.replace('/', '-')}-{self.form}-{self.language}"

    @property
    def blocks(self) -> int:
        return sum(len(part.blocks) for part in self.parts)


def document(
    record: Record, minutes: Minutes, *, language: str, summaries: Mapping[int, str]
) -> Document:
    """``summaries``: the précis of each statement by floor turn (summary records)."""
    with translation.override(language):
        return _Layout(record, minutes, language, summaries).document()


def local_time(moment: datetime) -> str:
    return formats.time_format(timezone.localtime(moment), "H:i")


def language_name(code: str, labels: Labels) -> str:
    """In the active language: "French", "francés"."""
    info = LANG_INFO.get(code)
    name = translation.gettext(info["name"]) if info and "name" in info else code
    return name.lower() if labels.lowercase_languages else name


class _Layout:
    def __init__(
        self, record: Record, minutes: Minutes, language: str, summaries: Mapping[int, str]
    ) -> None:
        self.record, self.minutes, self.language = record, minutes, language
        self.summaries = summaries
        self.labels = labels_for(language)
        self.numbered = 0

    def document(self) -> Document:
        header, labels, minutes = self.record.header, self.labels, self.minutes
        start = header.opened or header.scheduled
        issued = minutes.issued_at if minutes.state == Minutes.State.ISSUED else None
        status = labels.draft if minutes.state == Minutes.State.DRAFT else ""
        if minutes.version > 1:
            status = f"{labels.corrigendum} {status}".strip()
        return Document(
            language=self.language,
            form=minutes.form,
            title=labels.summary if minutes.form == Minutes.Form.SUMMARY else labels.verbatim,
            status=status,
            symbol=minutes.symbol,
            date=self.date(issued or start),
            conference=header.conference,
            meeting=header.meeting,
            held=labels.held.format(
                venue=header.venue, date=self.date(start), time=local_time(start)
            ),
            presiding=tuple(labels.presiding.format(name=p.name) for p in header.presiding),
            agenda=tuple(f"{item.number}. {item.title}" for item in header.agenda),
            attendance=self.attendance(),
            parts=tuple(
                Part(self.heading(section.item, section.continued), self.blocks(section.entries))
                for section in self.record.sections
            ),
            labels=labels,
            booth_log=tuple(self.booth_line(booth) for booth in self.record.booths),
        )

    def date(self, moment: datetime) -> str:
        return formats.date_format(timezone.localtime(moment), self.labels.date_format)

    def heading(self, item: Item | None, continued: bool) -> str | None:
        if item is None:
            return None
        heading = self.labels.agenda_item.format(number=item.number, title=item.title)
        return f"{heading} {self.labels.continued}" if continued else heading

    # Attendance ---------------------------------------------------------------------------

    def attendance(self) -> tuple[AttendanceGroup, ...]:
        labels = self.labels
        headings = (labels.bureau, labels.delegations, labels.observers, labels.secretariat)
        groups: dict[int, dict[str, list[str]]] = {}
        for attendee in self.record.attendance:
            group = attendance_order(attendee.person)[0]
            where = attendee.person.delegation or ""
            groups.setdefault(group, {}).setdefault(where, []).append(self.stays(attendee))
        return tuple(
            AttendanceGroup(
                headings[group],
                tuple(
                    f"{where}: {'; '.join(people)}" if where else "; ".join(people)
                    for where, people in groups[group].items()
                ),
            )
            for group in sorted(groups)
        )

    def stays(self, attendee: Attendee) -> str:
        spans = ", ".join(
            f"{local_time(stay.joined)}{SPAN}"
            f"{local_time(stay.left) if stay.left else self.labels.until_close}"
            for stay in attendee.stays
        )
        return f"{attendee.person.name} ({spans})"

    # The booth log ----------------------------------------------------------------------

    def span(self, began: datetime, ended: datetime | None) -> str:
        until = local_time(ended) if ended else self.labels.until_close
        return f"{local_time(began)}{SPAN}{until}"

    def booth_line(self, booth: Booth) -> str:
        """One booth's line: its shifts, each "name from-until" ("(handover)" after one
        taken over), then its relays, each "relay from English from-until"."""
        labels = self.labels
        shifts = [
            f"{shift.person.name} {self.span(shift.began, shift.ended)}"
            + (f" ({labels.handover})" if shift.handover else "")
            for shift in booth.shifts
        ]
        relays = [
            f"{labels.relay.format(language=language_name(relay.source, labels))} "
            f"{self.span(relay.began, relay.ended)}"
            for relay in booth.relays
        ]
        name = labels.booth.format(language=language_name(booth.language, labels))
        return f"{name}: {'; '.join([', '.join(shifts), *relays] if shifts else relays)}"

    # Proceedings --------------------------------------------------------------------------

    def blocks(self, entries: tuple[Entry, ...]) -> tuple[Block, ...]:
        return tuple(Block(entry, self.paragraphs(entry)) for entry in entries)

    def paragraphs(self, entry: Entry) -> tuple[Paragraph, ...]:
        if isinstance(entry, Statement):
            return self.statement(entry)
        if isinstance(entry, Proceeding):
            labels = self.labels
            wording = {
                "opened": labels.opened,
                "suspended": labels.suspended,
                "resumed": labels.resumed,
                "closed": labels.closed,
            }[entry.kind]
            text = wording.format(time=local_time(entry.at))
            return (Paragraph(text, self.language, style="proceeding"),)
        if isinstance(entry, Decision):
            return self.decision(entry)
        return self.outcome(entry)

    def number(self) -> int:
        self.numbered += 1
        return self.numbered

    def statement(self, statement: Statement) -> tuple[Paragraph, ...]:
        texts = (
            self.summary_texts(statement)
            if self.minutes.form == Minutes.Form.SUMMARY
            else self.verbatim_texts(statement)
        )
        lead, note = self.speaker(statement)
        paragraphs = []
        for index, (text, language, marked) in enumerate(texts):
            first = index == 0
            paragraphs.append(
                Paragraph(
                    text,
                    language,
                    number=self.number(),
                    lead=lead if first else "",
                    lead_note=note if first else "",
                    marked=marked,
                )
            )
        return tuple(paragraphs)

    def speaker(self, statement: Statement) -> tuple[str, str]:
        labels, person = self.labels, statement.person
        office = labels.roles.get(person.role)
        notes = [] if office or not person.delegation else [f"({person.delegation})"]
        if statement.language and statement.language != self.language:
            notes.append(labels.spoke_in.format(language=language_name(statement.language, labels)))
        capacity = {
            "point_of_order": labels.point_of_order,
            "right_of_reply": labels.right_of_reply,
            "explanation_before": labels.explanation_before,
            "explanation_after": labels.explanation_after,
            RULING: labels.ruling,
        }.get(statement.kind)
        if capacity:
            notes.append(capacity)
        return office or person.name, "".join(f" {note}" for note in notes) + ":"

    def verbatim_texts(self, statement: Statement) -> list[tuple[str, str, str]]:
        if not statement.passages:
            return [(self.labels.no_transcript, self.language, "")]
        interpreted = self.interpreted(statement)
        if interpreted is not None:
            return [interpreted]
        return [self.in_language(passage) for passage in statement.passages]

    def interpreted(self, statement: Statement) -> tuple[str, str, str] | None:
        """The booth's interpretation into the record's language, in place of machine
        translation, where the statement was made in another language and no passage was
        corrected in the record's language (a précis-writer's correction wins)."""
        text = statement.interpretations.get(self.language, "").strip()
        if not text or statement.language in (None, self.language):
            return None
        if any(self.language in passage.corrected for passage in statement.passages):
            return None
        original = statement.language or ""
        return (
            text,
            self.language,
            self.labels.interpreted.format(language=language_name(original, self.labels)),
        )

    def in_language(self, passage: Passage) -> tuple[str, str, str]:
        if self.language in passage.texts:
            return passage.texts[self.language], self.language, ""
        return passage.texts[passage.language], passage.language, self.mark(passage.language)

    def mark(self, language: str) -> str:
        return self.labels.not_translated.format(language=language_name(language, self.labels))

    def summary_texts(self, statement: Statement) -> list[tuple[str, str, str]]:
        written = self.summaries.get(statement.turn, "").strip()
        if not written:
            return [(self.labels.no_summary, self.language, "")]
        language = self.minutes.language
        marked = self.mark(language) if language != self.language else ""
        paragraphs = [p.strip() for p in written.split("\n\n") if p.strip()]
        return [(p, language, marked) for p in paragraphs]

    def outcome(self, outcome: Outcome) -> tuple[Paragraph, ...]:
        labels = self.labels
        if outcome.kind in labels.agreed:
            said = labels.agreed[outcome.kind].format(
                clause=outcome.clause, document=outcome.document
            )
            return (
                Paragraph(said, self.language, number=self.number(), style="decision"),
                Paragraph(outcome.words, self.language, style="quote"),
            )
        if outcome.kind == "tabled":
            on = (
                labels.on_clause.format(clause=outcome.clause, document=outcome.document)
                if outcome.clause
                else labels.on_text.format(document=outcome.document)
            )
            said = labels.tabled.format(
                proposal=outcome.proposal,
                sponsors=", ".join(outcome.sponsors),
                on=on,
                words=outcome.words,
            )
        else:
            said = labels.decided[outcome.kind].format(
                proposal=outcome.proposal, document=outcome.document
            )
        return (Paragraph(said, self.language, number=self.number(), style="decision"),)

    def decision(self, decision: Decision) -> tuple[Paragraph, ...]:
        """As UN records state them: "Draft resolution L.1 was adopted by a recorded vote of
        25 to 3, with 4 abstentions.", then who voted how."""
        said = self.decision_said(decision)
        paragraphs = [Paragraph(said, self.language, number=self.number(), style="decision")]
        if decision.kind not in NAMED_VOTES or decision.outcome == "no_quorum":
            return tuple(paragraphs)
        words = self.labels.decisions
        for label, names in (
            (words.in_favour, decision.in_favour),
            (words.against, decision.against),
            (words.abstaining, decision.abstaining),
        ):
            listed = ", ".join(names) or "\N{EM DASH}"
            paragraphs.append(Paragraph(label.format(names=listed), self.language, style="quote"))
        return tuple(paragraphs)

    def decision_said(self, decision: Decision) -> str:
        words, question = self.labels.decisions, decision.question
        if decision.kind == "without_vote":
            if decision.outcome == "objected":
                return words.objected.format(
                    question=question, delegations=", ".join(decision.objections)
                )
            return words.without_vote.format(question=question)
        if decision.outcome == "no_quorum":
            return words.no_quorum.format(question=question)
        if decision.kind == "secret":
            return self.election_said(decision)
        none, one, many = words.abstentions
        count = decision.abstain
        abstentions = none if count == 0 else one if count == 1 else many.format(count=count)
        by = words.by[decision.kind].format(yes=decision.yes, no=decision.no)
        wording = words.adopted if decision.outcome == "adopted" else words.rejected
        said = wording.format(question=question, by=by, abstentions=abstentions)
        return f"{said} {words.required.format(required=decision.required)}"

    def election_said(self, decision: Decision) -> str:
        words = self.labels.decisions
        ballots = words.ballots.format(
            question=decision.question,
            voting=decision.yes,
            blank=decision.abstain,
            required=decision.required,
        )
        tallies = "; ".join(f"{c.name} ({c.votes})" for c in decision.candidates)
        outcome = (
            words.elected.format(name=decision.elected)
            if decision.elected is not None
            else words.not_elected
        )
        return f"{ballots} {words.obtained.format(tallies=tallies)} {outcome}"
