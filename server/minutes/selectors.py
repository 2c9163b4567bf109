"""Reads for the minutes: the record of a meeting assembled from room events, floor turns,
transcript segments (their translations and corrections) and negotiation events; the
minutes of a meeting; the corrections audit. No writes here.

``meeting_record`` runs a fixed number of queries whatever the length of the meeting (one
more per negotiation text changed in it).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from server.captions.models import TranscriptSegment
from server.conferences.models import Delegation, Meeting, Participant
from server.negotiation.content import JSON, plain
from server.negotiation.diff import Run, word_diff
from server.negotiation.models import NegotiationEvent, NegotiationText
from server.negotiation.numbering import reading_order
from server.negotiation.selectors import log_entries, proposal_summary
from server.negotiation.state import (
    AGREED_STATUSES,
    EventKind,
    TextState,
    apply,
)
from server.rooms.events import EventType
from server.rooms.models import FloorTurn, RoomEvent, SpeakerEntry
from server.rooms.permissions import PRESIDING_ROLES

from .models import Minutes, SegmentRevision, StatementSummary
from .record import (
    Attendee,
    Entry,
    Header,
    Item,
    Outcome,
    Passage,
    Person,
    Proceeding,
    Record,
    Section,
    Statement,
    Stay,
    record_from_json,
)

RECORDED_EVENTS = (
    EventType.PRESENCE_JOINED,
    EventType.PRESENCE_LEFT,
    EventType.AGENDA_SWITCHED,
    EventType.MEETING_STATUS,
    EventType.FLOOR_GRANTED,
)
OUTCOME_KINDS = (
    EventKind.PROPOSAL_TABLED,
    EventKind.PROPOSAL_ACCEPTED,
    EventKind.PROPOSAL_REJECTED,
    EventKind.PROPOSAL_WITHDRAWN,
    EventKind.PROPOSAL_MERGED,
    EventKind.CLAUSE_STATUS,
)
# The events whose actor presided over the meeting.
PRESIDING_EVENTS = (EventType.AGENDA_SWITCHED, EventType.MEETING_STATUS, EventType.FLOOR_GRANTED)
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
    events = list(
        RoomEvent.objects.filter(meeting=meeting, type__in=RECORDED_EVENTS)
        .select_related("actor__delegation")
        .order_by("seq")
    )
    proceedings = _proceedings(events)
    statements = _statements(meeting)
    timeline = sorted(
        [*proceedings, *statements, *_outcomes(meeting)], key=lambda placed: placed.at
    )
    opened = [p.entry.at for p in proceedings if p.entry.kind == "opened"]
    closed = [p.entry.at for p in proceedings if p.entry.kind == "closed"]
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


def _presiding(meeting: Meeting, events: list[RoomEvent]) -> tuple[Person, ...]:
    """The presiding officers who ran the meeting, in order; else the conference's chair."""
    found: dict[int, Person] = {}
    for event in events:
        actor = event.actor
        if event.type not in PRESIDING_EVENTS or actor is None or actor.pk in found:
            continue
        if actor.role in PRESIDING_ROLES:
            found[actor.pk] = person_of(actor, actor.delegation)
    if found:
        return tuple(found.values())
    chairs = Participant.objects.filter(
        conference_id=meeting.conference_id, role=Participant.Role.CHAIR
    ).select_related("delegation")
    return tuple(person_of(chair, chair.delegation) for chair in chairs)


def _attendance(events: list[RoomEvent]) -> tuple[Attendee, ...]:
    people: dict[int, Person] = {}
    stays: dict[int, list[Stay]] = {}
    for event in events:
        actor = event.actor
        if actor is None:
            continue
        if event.type == EventType.PRESENCE_JOINED:
            people.setdefault(actor.pk, person_of(actor, actor.delegation))
            stays.setdefault(actor.pk, []).append(Stay(event.created_at, None))
        elif event.type == EventType.PRESENCE_LEFT and stays.get(actor.pk):
            joined = stays[actor.pk][-1].joined
            stays[actor.pk][-1] = Stay(joined, event.created_at)
    attendees = [Attendee(people[pk], tuple(stays[pk])) for pk in people]
    return tuple(sorted(attendees, key=lambda a: attendance_order(a.person)))


def attendance_order(person: Person) -> tuple[int, str, str]:
    """The bureau first, then delegations by name, observers, and the secretariat last."""
    if person.role in PRESIDING_ROLES:
        group = 0
    elif person.role == Participant.Role.SECRETARIAT:
        group = 3
    else:
        group = 2 if person.observer else 1
    return group, person.delegation or "", person.name


def _proceedings(events: list[RoomEvent]) -> list[_Placed]:
    """Openings, suspensions, resumptions and closure, each under the agenda item current
    when it happened."""
    placed, item = [], None
    for event in events:
        data = event.data
        if event.type == EventType.AGENDA_SWITCHED:
            switched = data.get("item")
            item = switched.get("id") if isinstance(switched, dict) else None
        elif event.type == EventType.MEETING_STATUS:
            kind = _status_change(str(data.get("status")), str(data.get("previous")))
            placed.append(_Placed(Proceeding(kind, event.created_at), item))
    return placed


def _status_change(status: str, previous: str) -> str:
    if status == Meeting.Status.OPEN:
        return "resumed" if previous == Meeting.Status.SUSPENDED else "opened"
    return "suspended" if status == Meeting.Status.SUSPENDED else "closed"


# Statements -------------------------------------------------------------------------------


def _statements(meeting: Meeting) -> list[_Placed]:
    """One statement per floor turn, with its final (not superseded) segments in order. A
    presiding officer's turn right after a point of order is the ruling on it."""
    turns = FloorTurn.objects.filter(meeting=meeting).select_related("participant", "delegation")
    passages = _passages(meeting)
    placed: list[_Placed] = []
    previous_kind = None
    for turn in turns.order_by("started_at", "id"):
        said = passages.get(turn.pk, [])
        kind = turn.kind
        presiding = turn.participant.role in PRESIDING_ROLES
        if presiding and previous_kind == SpeakerEntry.Kind.POINT_OF_ORDER:
            kind = RULING
        statement = Statement(
            turn=turn.pk,
            kind=kind,
            person=person_of(turn.participant, turn.delegation),
            at=turn.started_at,
            ended_at=turn.ended_at,
            language=_main_language(said),
            passages=tuple(said),
        )
        placed.append(_Placed(statement, turn.agenda_item_id))
        previous_kind = turn.kind
    return placed


def _main_language(passages: list[Passage]) -> str | None:
    counts = Counter(passage.language for passage in passages)
    return counts.most_common(1)[0][0] if counts else None


def _passages(meeting: Meeting) -> dict[int, list[Passage]]:
    """Final segments by floor turn, each with its current text in every language."""
    segments = (
        TranscriptSegment.objects.filter(meeting=meeting, superseded=False)
        .prefetch_related(
            "translations", Prefetch("revisions", SegmentRevision.objects.order_by("at", "id"))
        )
        .order_by("turn_id", "started_at", "id")
    )
    by_turn: dict[int, list[Passage]] = {}
    for segment in segments:
        texts = {segment.language: segment.text}
        texts.update({t.language: t.text for t in segment.translations.all()})
        corrected = []
        for revision in segment.revisions.all():
            texts[revision.language] = revision.text
            corrected.append(revision.language)
        passage = Passage(
            segment=segment.pk,
            language=segment.language,
            texts=texts,
            corrected=tuple(sorted(set(corrected))),
            at=segment.started_at,
        )
        by_turn.setdefault(segment.turn_id, []).append(passage)
    return by_turn


# Negotiation outcomes ---------------------------------------------------------------------


def _outcomes(meeting: Meeting) -> list[_Placed]:
    """Proposals tabled and decided, and clauses agreed, in this meeting. Each text's log is
    replayed once, up to its last event here, to read each clause and proposal as they stood
    at the time."""
    events = (
        NegotiationEvent.objects.filter(meeting=meeting, kind__in=OUTCOME_KINDS)
        .select_related("text")
        .order_by("text_id", "index")
    )
    by_text: dict[int, list[NegotiationEvent]] = {}
    for event in events:
        by_text.setdefault(event.text_id, []).append(event)
    placed: list[_Placed] = []
    for text_events in by_text.values():
        placed.extend(_text_outcomes(text_events[0].text, text_events))
    return placed


def _text_outcomes(text: NegotiationText, events: list[NegotiationEvent]) -> list[_Placed]:
    wanted = {event.index: event for event in events}
    state, placed = TextState(), []
    for entry in log_entries(text, until=max(wanted)):
        event = wanted.get(entry.index)
        numbers = _numbers(state) if event is not None else {}
        apply(state, entry)
        outcome = _outcome(text, state, numbers, event) if event is not None else None
        if event is not None and outcome is not None:
            placed.append(_Placed(outcome, event.agenda_item_id))
    return placed


def _numbers(state: TextState) -> dict[int, str]:
    return {placed.clause.key: placed.number for placed in reading_order(state)}


def _outcome(
    text: NegotiationText, state: TextState, numbers: dict[int, str], event: NegotiationEvent
) -> Outcome | None:
    payload = event.payload if isinstance(event.payload, dict) else {}
    if event.kind == EventKind.CLAUSE_STATUS:
        key, status = _status_effect(payload)
        if key is None or status not in AGREED_STATUSES:
            return None
        words = plain(state.clauses[key].content)
        return Outcome(status, event.created_at, text.title, None, (), numbers.get(key, ""), words)
    key = payload.get("proposal")
    if not isinstance(key, int) or key not in state.proposals:
        return None
    proposal = state.proposals[key]
    kind = "tabled" if event.kind == EventKind.PROPOSAL_TABLED else proposal.state
    clause = numbers.get(proposal.clause, "") if proposal.clause is not None else ""
    sponsors = (proposal.sponsor, *proposal.cosponsors)
    summary = proposal_summary(proposal)
    return Outcome(kind, event.created_at, text.title, key, sponsors, clause, summary)


def _status_effect(payload: dict[str, JSON]) -> tuple[int | None, str]:
    effects = payload.get("effects")
    first = effects[0] if isinstance(effects, list) and effects else None
    if not isinstance(first, dict):
        return None, ""
    key, status = first.get("clause"), first.get("status")
    return (key if isinstance(key, int) else None), str(status)


# Minutes, summaries and the audit ---------------------------------------------------------


def minutes_of(meeting: Meeting) -> list[Minutes]:
    return list(
        Minutes.objects.filter(meeting=meeting).select_related("meeting", "created_by", "issued_by")
    )


def latest_versions(minutes: Iterable[Minutes]) -> list[Minutes]:
    """The latest version of each form and language."""
    latest: dict[tuple[str, str], Minutes] = {}
    for m in minutes:
        key = (m.form, m.language)
        if key not in latest or m.version > latest[key].version:
            latest[key] = m
    return list(latest.values())


def issued_latest(meeting: Meeting) -> Minutes | None:
    """Issued minutes that hold the meeting's transcript as it is: the latest version of some
    form and language, issued. While there are, the transcript cannot be corrected (reopening
    them makes corrections possible again)."""
    latest = latest_versions(Minutes.objects.filter(meeting=meeting).select_related("meeting"))
    return next((m for m in latest if m.state == Minutes.State.ISSUED), None)


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
    spoken = TranscriptSegment.objects.filter(meeting=meeting).values_list("language", flat=True)
    read = Participant.objects.filter(conference_id=meeting.conference_id).values_list(
        "preferred_language", flat=True
    )
    return sorted({*spoken, *read})


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
    return [Correction(r, word_diff(r.previous, r.text)) for r in revisions]
