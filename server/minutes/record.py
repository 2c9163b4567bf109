"""The record of a meeting, as assembled from what the platform holds (``selectors.
meeting_record``): header, attendance, and the proceedings in the order they happened,
grouped by agenda item.

It does not depend on a language: each passage keeps its text in the language spoken and
in every translation, and ``layout.document`` picks one. Issued minutes keep their record
as JSON (``record_to_json``) and are read back from it (``record_from_json``), so what was
issued stays as issued whatever happens to the transcript afterwards.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from typing import ClassVar

from server.common.json_types import JSON

SCHEMA = 1


@dataclass(frozen=True)
class Person:
    participant: int | None
    name: str
    role: str
    delegation: str | None  # the delegation's name
    code: str | None
    delegation_id: int | None
    observer: bool  # of an observer delegation


@dataclass(frozen=True)
class Stay:
    """From a participant's first socket in the room to their last one closing."""

    joined: datetime
    left: datetime | None


@dataclass(frozen=True)
class Attendee:
    person: Person
    stays: tuple[Stay, ...]


@dataclass(frozen=True)
class Passage:
    """One final transcript segment: its current text (corrections applied) in the language
    spoken (``language``) and in each translation, by language."""

    segment: int
    language: str
    texts: dict[str, str]
    corrected: tuple[str, ...]  # the languages in which it was corrected
    at: datetime


@dataclass(frozen=True)
class Statement:
    """One floor turn: who spoke, in what capacity, and what they said."""

    type: ClassVar[str] = "statement"
    turn: int
    kind: str  # speaker, point_of_order, right_of_reply, explanation_before/after, ruling
    person: Person
    at: datetime
    ended_at: datetime | None
    language: str | None  # the language most of it was spoken in; None: no transcript
    passages: tuple[Passage, ...]
    # What the interpretation booths said of it: booth language → text (their captions).
    interpretations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Proceeding:
    """The meeting was opened, suspended, resumed or closed."""

    type: ClassVar[str] = "proceeding"
    kind: str
    at: datetime


@dataclass(frozen=True)
class Outcome:
    """A proposal tabled, accepted, rejected, withdrawn or merged, or a clause agreed (ad
    referendum or finally) in a negotiation text, in this meeting."""

    type: ClassVar[str] = "outcome"
    kind: str  # tabled, accepted, rejected, withdrawn, merged, agreed, agreed_ad_ref
    at: datetime
    document: str  # the negotiation text's title
    proposal: int | None
    sponsors: tuple[str, ...]  # delegation codes, the main sponsor first
    clause: str  # the clause's number as the text read then ("" if none)
    words: str  # what the proposal asks for, or the agreed clause's words


@dataclass(frozen=True)
class Tallied:
    name: str
    votes: int


@dataclass(frozen=True)
class Decision:
    """A decision the meeting took: adopted without a vote (or objected to), or a vote's
    result with the majority required and, for a recorded or roll-call vote, the names."""

    type: ClassVar[str] = "decision"
    kind: str  # without_vote, recorded, roll_call, show_of_hands, secret
    outcome: str  # adopted, rejected, objected, no_quorum, elected, not_elected
    question: str
    majority: str  # simple, two_thirds
    at: datetime
    yes: int
    no: int
    abstain: int
    required: int
    reached: bool
    in_favour: tuple[str, ...]  # delegation names
    against: tuple[str, ...]
    abstaining: tuple[str, ...]
    candidates: tuple[Tallied, ...]
    elected: str | None
    objections: tuple[str, ...]


Entry = Statement | Proceeding | Outcome | Decision


@dataclass(frozen=True)
class Item:
    number: str
    title: str


@dataclass(frozen=True)
class Section:
    """A run of the meeting under one agenda item (``None``: before the first one)."""

    item: Item | None
    continued: bool  # the item was taken up earlier in the meeting
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Header:
    conference: str
    venue: str
    meeting: str
    symbol: str
    scheduled: datetime
    opened: datetime | None
    closed: datetime | None
    presiding: tuple[Person, ...]
    agenda: tuple[Item, ...]


@dataclass(frozen=True)
class Shift:
    """An interpreter live in a booth; ``handover``: taken over from the previous one at
    that very moment."""

    person: Person
    began: datetime
    ended: datetime | None
    handover: bool


@dataclass(frozen=True)
class Relay:
    """A booth interpreting another booth's channel instead of the floor."""

    source: str  # the relayed booth's language
    began: datetime
    ended: datetime | None


@dataclass(frozen=True)
class Booth:
    """The booth log of one interpretation booth (the record's annex)."""

    language: str
    shifts: tuple[Shift, ...]
    relays: tuple[Relay, ...]


@dataclass(frozen=True)
class Record:
    header: Header
    attendance: tuple[Attendee, ...]
    sections: tuple[Section, ...]
    languages: tuple[str, ...]  # every language the transcript is available in
    booths: tuple[Booth, ...] = ()  # records issued before interpretation have none

    def statements(self) -> Iterator[Statement]:
        for section in self.sections:
            for entry in section.entries:
                if isinstance(entry, Statement):
                    yield entry


def record_to_json(record: Record) -> dict[str, JSON]:
    return {"schema": SCHEMA, "record": _encode(record)}


def _encode(value: object) -> JSON:
    if is_dataclass(value) and not isinstance(value, type):
        out = {part.name: _encode(getattr(value, part.name)) for part in fields(value)}
        if isinstance(value, Statement | Proceeding | Outcome | Decision):
            out["type"] = value.type
        return out
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _encode(item) for key, item in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"{type(value).__name__} has no JSON form in a record")


class _Fields:
    """Typed reads of one JSON object of a stored record (which we wrote: a mismatch is a
    bug or a damaged database, not user input)."""

    def __init__(self, value: JSON) -> None:
        if not isinstance(value, dict):
            raise ValueError(f"a record part must be an object, not {value!r}")
        self.data = value

    def string(self, name: str) -> str:
        value = self.data[name]
        if not isinstance(value, str):
            raise ValueError(f"{name} must be a string, not {value!r}")
        return value

    def opt_string(self, name: str) -> str | None:
        return None if self.data[name] is None else self.string(name)

    def integer(self, name: str) -> int:
        value = self.data[name]
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{name} must be an integer, not {value!r}")
        return value

    def opt_integer(self, name: str) -> int | None:
        return None if self.data[name] is None else self.integer(name)

    def flag(self, name: str) -> bool:
        value = self.data[name]
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false, not {value!r}")
        return value

    def moment(self, name: str) -> datetime:
        return datetime.fromisoformat(self.string(name))

    def opt_moment(self, name: str) -> datetime | None:
        return None if self.data[name] is None else self.moment(name)

    def items(self, name: str) -> list[JSON]:
        value = self.data[name]
        if not isinstance(value, list):
            raise ValueError(f"{name} must be a list, not {value!r}")
        return value

    def strings(self, name: str) -> tuple[str, ...]:
        return tuple(_Fields({"s": item}).string("s") for item in self.items(name))

    def by_language(self, name: str) -> dict[str, str]:
        value = _Fields(self.data[name])
        return {key: value.string(key) for key in value.data}


def record_from_json(value: JSON) -> Record:
    stored = _Fields(value)
    if stored.integer("schema") != SCHEMA:
        raise ValueError(f"unknown record schema {stored.data['schema']!r}")
    record = _Fields(stored.data["record"])
    return Record(
        header=_header(record.data["header"]),
        attendance=tuple(_attendee(attendee) for attendee in record.items("attendance")),
        sections=tuple(_section(section) for section in record.items("sections")),
        languages=record.strings("languages"),
        booths=tuple(_booth(booth) for booth in record.items("booths"))
        if "booths" in record.data
        else (),
    )


def _booth(value: JSON) -> Booth:
    booth = _Fields(value)
    shifts = [_Fields(shift) for shift in booth.items("shifts")]
    relays = [_Fields(relay) for relay in booth.items("relays")]
    return Booth(
        language=booth.string("language"),
        shifts=tuple(
            Shift(
                person=_person(shift.data["person"]),
                began=shift.moment("began"),
                ended=shift.opt_moment("ended"),
                handover=shift.flag("handover"),
            )
            for shift in shifts
        ),
        relays=tuple(
            Relay(relay.string("source"), relay.moment("began"), relay.opt_moment("ended"))
            for relay in relays
        ),
    )


def _person(value: JSON) -> Person:
    person = _Fields(value)
    return Person(
        participant=person.opt_integer("participant"),
        name=person.string("name"),
        role=person.string("role"),
        delegation=person.opt_string("delegation"),
        code=person.opt_string("code"),
        delegation_id=person.opt_integer("delegation_id"),
        observer=person.flag("observer"),
    )


def _item(value: JSON) -> Item:
    item = _Fields(value)
    return Item(number=item.string("number"), title=item.string("title"))


def _header(value: JSON) -> Header:
    header = _Fields(value)
    return Header(
        conference=header.string("conference"),
        venue=header.string("venue"),
        meeting=header.string("meeting"),
        symbol=header.string("symbol"),
        scheduled=header.moment("scheduled"),
        opened=header.opt_moment("opened"),
        closed=header.opt_moment("closed"),
        presiding=tuple(_person(person) for person in header.items("presiding")),
        agenda=tuple(_item(item) for item in header.items("agenda")),
    )


def _attendee(value: JSON) -> Attendee:
    attendee = _Fields(value)
    stays = [_Fields(stay) for stay in attendee.items("stays")]
    return Attendee(
        person=_person(attendee.data["person"]),
        stays=tuple(
            Stay(joined=stay.moment("joined"), left=stay.opt_moment("left")) for stay in stays
        ),
    )


def _passage(value: JSON) -> Passage:
    passage = _Fields(value)
    return Passage(
        segment=passage.integer("segment"),
        language=passage.string("language"),
        texts=passage.by_language("texts"),
        corrected=passage.strings("corrected"),
        at=passage.moment("at"),
    )


def _entry(value: JSON) -> Entry:
    entry = _Fields(value)
    kind = entry.string("type")
    if kind == Statement.type:
        return Statement(
            turn=entry.integer("turn"),
            kind=entry.string("kind"),
            person=_person(entry.data["person"]),
            at=entry.moment("at"),
            ended_at=entry.opt_moment("ended_at"),
            language=entry.opt_string("language"),
            passages=tuple(_passage(passage) for passage in entry.items("passages")),
            # Records stored before interpretation had none.
            interpretations=entry.by_language("interpretations")
            if "interpretations" in entry.data
            else {},
        )
    if kind == Proceeding.type:
        return Proceeding(kind=entry.string("kind"), at=entry.moment("at"))
    if kind == Outcome.type:
        return Outcome(
            kind=entry.string("kind"),
            at=entry.moment("at"),
            document=entry.string("document"),
            proposal=entry.opt_integer("proposal"),
            sponsors=entry.strings("sponsors"),
            clause=entry.string("clause"),
            words=entry.string("words"),
        )
    if kind == Decision.type:
        return _decision(entry)
    raise ValueError(f"unknown record entry {kind!r}")


def _decision(entry: _Fields) -> Decision:
    candidates = [_Fields(candidate) for candidate in entry.items("candidates")]
    return Decision(
        kind=entry.string("kind"),
        outcome=entry.string("outcome"),
        question=entry.string("question"),
        majority=entry.string("majority"),
        at=entry.moment("at"),
        yes=entry.integer("yes"),
        no=entry.integer("no"),
        abstain=entry.integer("abstain"),
        required=entry.integer("required"),
        reached=entry.flag("reached"),
        in_favour=entry.strings("in_favour"),
        against=entry.strings("against"),
        abstaining=entry.strings("abstaining"),
        candidates=tuple(Tallied(c.string("name"), c.integer("votes")) for c in candidates),
        elected=entry.opt_string("elected"),
        objections=entry.strings("objections"),
    )


def _section(value: JSON) -> Section:
    section = _Fields(value)
    heading = section.data["item"]
    return Section(
        item=None if heading is None else _item(heading),
        continued=section.flag("continued"),
        entries=tuple(_entry(entry) for entry in section.items("entries")),
    )
