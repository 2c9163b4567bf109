"""Reads for the minutes: the record of a meeting assembled from room events, floor turns,
transcript segments (their translations and corrections) and negotiation events; the
minutes of a meeting; the corrections audit. No writes here. Rooms, captions and negotiation
are read only through their selectors.

``meeting_record`` runs a fixed number of queries whatever the length of the meeting (one
more per negotiation text changed in it).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from server.captions.selectors import interpretations, spoken_languages, spoken_segments
from server.conferences.models import Delegation, Meeting, Participant
from server.conferences.roles import PRESIDING_ROLES, is_interpreter, is_presiding
from server.interpretation.selectors import meeting_booth_log
from server.negotiation.diff import Run, word_diff
from server.negotiation.selectors import meeting_outcomes
from server.rooms.events import (
    AgendaSwitched,
    FloorGranted,
    MeetingStatusChanged,
    PresenceJoined,
    PresenceLeft,
)
from server.rooms.selectors import Happening, floor_turns, meeting_happenings
from server.votes.selectors import meeting_decisions

from .models import Minutes, SegmentRevision, StatementSummary
from .record import (
    Attendee,
    Booth,
    Decision,
    Entry,
    Header,
    Item,
    Outcome,
    Passage,
    Person,
    Proceeding,
    Record,
    Relay,
    Section,
    Shift,
    Statement,
    Stay,
    Tallied,
    record_from_json,
)

# The events whose actor presided over the meeting.
PRESIDING_EVENTS = (AgendaSwitched, MeetingStatusChanged, FloorGranted)
RECORDED_EVENTS = (PresenceJoined, PresenceLeft, *PRESIDING_EVENTS)
RULING = "ruling"


# The record -------------------------------------------------------------------------------


def minutes_record(minutes: Minutes) -> Record:
    """What the minutes say: as issued, or (a draft) as the platform holds it now."""
    if minutes.record is not None:
        return record_from_json(minutes.record)
    return meeting_record(minutes.meeting)


def meeting_record(meeting: Meeting) -> Record:
    meeting = Meeting.objects.select_related("conference").get(pk=meeting.pk)
    items = {item.pk: Item(item.number, item.title) for item in meeting.agenda_items.all()}
    events = meeting_happenings(meeting, RECORDED_EVENTS)
    proceedings = _proceedings(events)
    statements = _statements(meeting)
    timeline = sorted(
        [*proceedings, *statements, *_outcomes(meeting), *_decisions(meeting)],
        key=lambda placed: placed.at,
    )
    opened = [placed.entry.at for placed in proceedings if placed.entry.kind == "opened"]
    closed = [placed.entry.at for placed in proceedings if placed.entry.kind == "closed"]
    header = Header(
        conference=meeting.conference.title,
        venue=meeting.conference.venue,
        meeting=meeting.title,
        symbol=meeting.symbol,
        scheduled=meeting.scheduled_start,
        opened=opened[0] if opened else None,
        closed=closed[-1] if closed else None,
        presiding=_presiding(meeting, events),
        agenda=tuple(items.values()),
    )
    sections = _sections(timeline, items)
    languages = {
        language
        for section in sections
        for entry in section.entries
        if isinstance(entry, Statement)
        for passage in entry.passages
        for language in passage.texts
    }
    return Record(
        header=header,
        attendance=_attendance(events),
        sections=sections,
        languages=tuple(sorted(languages)),
        booths=_booths(meeting),
    )


def _booths(meeting: Meeting) -> tuple[Booth, ...]:
    """The booth log: who interpreted in each booth when, handovers and relays."""
    return tuple(
        Booth(
            language=log.booth,
            shifts=tuple(
                Shift(
                    person_of(shift.interpreter, shift.interpreter.delegation),
                    shift.began,
                    shift.ended,
                    shift.handover,
                )
                for shift in log.shifts
            ),
            relays=tuple(Relay(r.source, r.began, r.ended) for r in log.relays),
        )
        for log in meeting_booth_log(meeting)
    )


@dataclass(frozen=True)
class _Placed:
    """An entry of the record, with the agenda item it came under."""

    entry: Entry
    item: int | None

    @property
    def at(self) -> datetime:
        return self.entry.at


def _sections(timeline: list[_Placed], items: dict[int, Item]) -> tuple[Section, ...]:
    """Consecutive entries under the same agenda item form a section; an item taken up again
    later is "continued"."""
    runs: list[tuple[int | None, list[Entry]]] = []
    for placed in timeline:
        if runs and runs[-1][0] == placed.item:
            runs[-1][1].append(placed.entry)
        else:
            runs.append((placed.item, [placed.entry]))
    sections, seen = [], set()
    for item_id, entries in runs:
        item = items.get(item_id) if item_id is not None else None
        sections.append(Section(item, item_id in seen, tuple(entries)))
        seen.add(item_id)
    return tuple(sections)


def person_of(participant: Participant, delegation: Delegation | None) -> Person:
    return Person(
        participant=participant.pk,
        name=participant.display_name,
        role=participant.role,
        delegation=delegation.name if delegation else None,
        code=delegation.code if delegation else None,
        delegation_id=delegation.pk if delegation else None,
        observer=delegation is not None and delegation.kind == Delegation.Kind.OBSERVER,
    )


def _presiding(meeting: Meeting, events: list[Happening]) -> tuple[Person, ...]:
    """The presiding officers who ran the meeting, in order; else the conference's chair."""
    found: dict[int, Person] = {}
    for event in events:
        actor = event.actor
        if not isinstance(event.payload, PRESIDING_EVENTS) or actor is None or actor.pk in found:
            continue
        if is_presiding(actor):
            found[actor.pk] = person_of(actor, actor.delegation)
    if found:
        return tuple(found.values())
    chairs = Participant.objects.filter(
        conference_id=meeting.conference_id, role=Participant.Role.CHAIR
    ).select_related("delegation")
    return tuple(person_of(chair, chair.delegation) for chair in chairs)


def _attendance(events: list[Happening]) -> tuple[Attendee, ...]:
    people: dict[int, Person] = {}
    stays: dict[int, list[Stay]] = {}
    for event in events:
        actor = event.actor
        if actor is None or is_interpreter(actor):  # in the booth log instead
            continue
        if isinstance(event.payload, PresenceJoined):
            people.setdefault(actor.pk, person_of(actor, actor.delegation))
            stays.setdefault(actor.pk, []).append(Stay(event.at, None))
        elif isinstance(event.payload, PresenceLeft) and stays.get(actor.pk):
            joined = stays[actor.pk][-1].joined
            stays[actor.pk][-1] = Stay(joined, event.at)
    attendees = [Attendee(people[pk], tuple(stays[pk])) for pk in people]
    return tuple(sorted(attendees, key=lambda attendee: attendance_order(attendee.person)))


def attendance_order(person: Person) -> tuple[int, str, str]:
    """The bureau first, then delegations by name, observers, and the secretariat last."""
    if person.role in PRESIDING_ROLES:
        group = 0
    elif person.role == Participant.Role.SECRETARIAT:
        group = 3
    else:
        group = 2 if person.observer else 1
    return group, person.delegation or "", person.name


def _proceedings(events: list[Happening]) -> list[_Placed]:
    """Openings, suspensions, resumptions and closure, each under the agenda item current
    when it happened."""
    placed: list[_Placed] = []
    item: int | None = None
    for event in events:
        payload = event.payload
        if isinstance(payload, AgendaSwitched):
            item = payload.item["id"] if payload.item else None
        elif isinstance(payload, MeetingStatusChanged):
            kind = _status_change(payload.status, payload.previous)
            placed.append(_Placed(Proceeding(kind, event.at), item))
    return placed


def _status_change(status: str, previous: str) -> str:
    if status == Meeting.Status.OPEN:
        return "resumed" if previous == Meeting.Status.SUSPENDED else "opened"
    return "suspended" if status == Meeting.Status.SUSPENDED else "closed"


# Statements -------------------------------------------------------------------------------


def _statements(meeting: Meeting) -> list[_Placed]:
    """One statement per floor turn, with its final (not superseded) segments in order. A
    presiding officer's turn right after a point of order is the ruling on it."""
    passages = _passages(meeting)
    interpreted = interpretations(meeting)
    placed: list[_Placed] = []
    after_point_of_order = False
    for turn in floor_turns(meeting):
        said = passages.get(turn.id, [])
        kind = turn.kind
        if is_presiding(turn.participant) and after_point_of_order:
            kind = RULING
        statement = Statement(
            turn=turn.id,
            kind=kind,
            person=person_of(turn.participant, turn.delegation),
            at=turn.started_at,
            ended_at=turn.ended_at,
            language=_main_language(said),
            passages=tuple(said),
            interpretations=interpreted.get(turn.id, {}),
        )
        placed.append(_Placed(statement, turn.agenda_item_id))
        after_point_of_order = turn.point_of_order
    return placed


def _main_language(passages: list[Passage]) -> str | None:
    counts = Counter(passage.language for passage in passages)
    return counts.most_common(1)[0][0] if counts else None


def _passages(meeting: Meeting) -> dict[int, list[Passage]]:
    """Final segments by floor turn, each with its current text in every language."""
    revisions: dict[int, list[SegmentRevision]] = {}
    for revision in SegmentRevision.objects.filter(segment__meeting=meeting).order_by("at", "id"):
        revisions.setdefault(revision.segment_id, []).append(revision)
    by_turn: dict[int, list[Passage]] = {}
    for segment in spoken_segments(meeting):
        texts = dict(segment.texts)
        corrected = []
        for revision in revisions.get(segment.id, []):
            texts[revision.language] = revision.text
            corrected.append(revision.language)
        passage = Passage(
            segment=segment.id,
            language=segment.language,
            texts=texts,
            corrected=tuple(sorted(set(corrected))),
            at=segment.started_at,
        )
        by_turn.setdefault(segment.turn_id, []).append(passage)
    return by_turn


# Negotiation outcomes ---------------------------------------------------------------------


def _outcomes(meeting: Meeting) -> list[_Placed]:
    """Proposals tabled and decided, and clauses agreed, in this meeting."""
    return [
        _Placed(
            Outcome(
                kind=outcome.kind,
                at=outcome.at,
                document=outcome.title,
                proposal=outcome.proposal,
                sponsors=outcome.sponsors,
                clause=outcome.clause,
                words=outcome.words,
            ),
            outcome.agenda_item_id,
        )
        for outcome in meeting_outcomes(meeting)
    ]


def _decisions(meeting: Meeting) -> list[_Placed]:
    """Decisions taken, and votes' results, in this meeting."""
    placed = []
    for taken in meeting_decisions(meeting):
        result = taken.result
        decision = Decision(
            kind=taken.kind,
            outcome=result["outcome"],
            question=taken.question,
            majority=taken.majority,
            at=taken.at,
            yes=result["yes"],
            no=result["no"],
            abstain=result["abstain"],
            required=result["required"],
            reached=result["reached"],
            in_favour=tuple(result["in_favour"]),
            against=tuple(result["against"]),
            abstaining=tuple(result["abstaining"]),
            candidates=tuple(Tallied(c["name"], c["votes"]) for c in result["candidates"]),
            elected=result["elected"],
            objections=tuple(result["objections"]),
        )
        placed.append(_Placed(decision, taken.agenda_item_id))
    return placed


# Minutes, summaries and the audit ---------------------------------------------------------


def minutes_of(meeting: Meeting) -> list[Minutes]:
    return list(
        Minutes.objects.filter(meeting=meeting).select_related("meeting", "created_by", "issued_by")
    )


def latest_versions(minutes: Iterable[Minutes]) -> list[Minutes]:
    """The latest version of each form and language."""
    latest: dict[tuple[str, str], Minutes] = {}
    for version in minutes:
        key = (version.form, version.language)
        if key not in latest or version.version > latest[key].version:
            latest[key] = version
    return list(latest.values())


def issued_latest(meeting: Meeting) -> Minutes | None:
    """Issued minutes that hold the meeting's transcript as it is: the latest version of some
    form and language, issued. While there are, the transcript cannot be corrected (reopening
    them makes corrections possible again)."""
    latest = latest_versions(Minutes.objects.filter(meeting=meeting).select_related("meeting"))
    return next((version for version in latest if version.state == Minutes.State.ISSUED), None)


def versions_of(minutes: Minutes) -> list[Minutes]:
    """Every version of the minutes' form and language, the first first."""
    return list(
        Minutes.objects.filter(
            meeting_id=minutes.meeting_id, form=minutes.form, language=minutes.language
        ).select_related("meeting", "created_by", "issued_by")
    )


def corrigendum_of(minutes: Minutes) -> Minutes | None:
    """The version that reopened these minutes, if any."""
    return Minutes.objects.filter(corrigendum_of=minutes).select_related("meeting").first()


def record_languages(record: Record, minutes: Minutes) -> list[str]:
    """The languages the minutes can be laid out in: the transcript's and their own."""
    return sorted({*record.languages, minutes.language})


def meeting_languages(meeting: Meeting) -> list[str]:
    """Languages to write minutes in: those of the transcript and those the conference's
    participants read."""
    read = Participant.objects.filter(conference_id=meeting.conference_id).values_list(
        "preferred_language", flat=True
    )
    return sorted({*spoken_languages(meeting), *read})


def summaries_of(minutes: Minutes) -> dict[int, StatementSummary]:
    summaries = StatementSummary.objects.filter(minutes=minutes).select_related("updated_by")
    return {summary.turn_id: summary for summary in summaries}


@dataclass(frozen=True)
class Correction:
    revision: SegmentRevision
    diff: list[Run]


def corrections_in(meeting: Meeting) -> list[Correction]:
    """Every correction of the meeting's transcript, oldest first, with what it changed."""
    revisions = (
        SegmentRevision.objects.filter(segment__meeting=meeting)
        .select_related("by", "segment__speaker", "segment__delegation")
        .order_by("at", "id")
    )
    return [
        Correction(revision, word_diff(revision.previous, revision.text)) for revision in revisions
    ]
