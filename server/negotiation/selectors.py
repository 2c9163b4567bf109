"""Reads of negotiation texts: current state, the text at any event or date, clause
histories, open brackets and proposals, counts, and the chain check. No writes here."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from server.common.json_types import JSON
from server.conferences.models import Meeting, Participant
from server.conferences.roles import is_staff

from . import projection
from .chain import ChainReport, EventRecord, StoredEvent, chain_check
from .content import Bracket, Content, Options, counts, from_json, marks, markup, plain
from .diff import ClauseDiff, Run, deadline, text_diff, word_diff
from .models import ClauseEvent, NegotiationEvent, NegotiationText
from .state import (
    AGREED_STATUSES,
    ClauseStatus,
    EventKind,
    LogEntry,
    Placed,
    Position,
    Proposal,
    ProposalState,
    Target,
    TextState,
    apply,
    reading_order,
    replay,
)

CHANGES_LISTED = 10
UNSOUND = (
    "Warning: this text does not match its record (the stored text differs from the "
    "event log), so it is not the verified text; the secretariat should run "
    "plenary negotiation verify."
)


def text_state(text: NegotiationText) -> TextState:
    return projection.load(text)


def participant_in(
    user: AbstractBaseUser | AnonymousUser, text: NegotiationText
) -> Participant | None:
    if not user.is_authenticated:
        return None
    return (
        Participant.objects.select_related("delegation")
        .filter(user_id=user.pk, conference_id=text.conference_id)
        .first()
    )


def texts_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[NegotiationText]:
    """The texts ``user`` may read (``permissions.may_read``), in all their conferences."""
    readable = Q(pk__in=[])
    for participant in Participant.objects.filter(user_id=user.pk or 0):
        here = Q(conference_id=participant.conference_id)
        if not is_staff(participant):
            open_to_all = Q(session__isnull=True) | ~Q(session__kind=Meeting.Kind.CLOSED)
            admitted = Q(session__admitted_delegations=participant.delegation_id)
            here &= open_to_all | admitted if participant.delegation_id else open_to_all
        readable |= here
    texts = NegotiationText.objects.filter(readable).distinct()
    return texts.select_related("conference")


def text_find(reference: str) -> NegotiationText | None:
    """A text by its id or its short name."""
    if reference.isdigit():
        return NegotiationText.objects.filter(pk=int(reference)).first()
    return NegotiationText.objects.filter(slug=reference).first()


# The log ----------------------------------------------------------------------------------


def log_entries(
    text: NegotiationText, *, until: int | None = None, moment: datetime | None = None
) -> Iterator[LogEntry]:
    """The text's events in order, up to and including index ``until`` or time ``moment``."""
    events = NegotiationEvent.objects.filter(text=text).order_by("index")
    if until is not None:
        events = events.filter(index__lte=until)
    if moment is not None:
        events = events.filter(created_at__lte=moment)
    for index, kind, payload in events.values_list("index", "kind", "payload").iterator(2000):
        yield LogEntry(index, kind, payload)


def text_as_of(
    text: NegotiationText, *, until: int | None = None, moment: datetime | None = None
) -> TextState:
    """The whole text as it stood after event ``until`` (or at ``moment``)."""
    return replay(log_entries(text, until=until, moment=moment))


def projection_difference(text: NegotiationText) -> str | None:
    """The first way the projection tables differ from the log replayed (None: same)."""
    return projection.difference(text_as_of(text), text_state(text))


@lru_cache(maxsize=4)
def _replayed(text_id: int, events: int, head: str) -> TextState:
    """The text replayed from its log at one version (append-only: a version never
    changes, so each process replays it once). Read only: callers must not change it."""
    return text_as_of(NegotiationText(pk=text_id))


def projection_sound(text: NegotiationText, state: TextState) -> bool:
    """Whether ``state``, loaded from the projection tables, is what the log says: pages and
    exports show the head as the record's only when it is."""
    replayed = _replayed(text.pk, text.event_count, text.head_hash)
    return projection.difference(replayed, state) is None


def chain_verify(text: NegotiationText) -> ChainReport:
    fields = (
        "index",
        "kind",
        "payload",
        "actor_id",
        "delegation_id",
        "meeting_id",
        "agenda_item_id",
        "transcript_from",
        "transcript_to",
        "created_at",
        "leaf_hash",
        "chain_hash",
    )
    rows = NegotiationEvent.objects.filter(text=text).order_by("index").values_list(*fields)

    def stored() -> Iterator[StoredEvent]:
        for row in rows.iterator(5000):
            record = EventRecord(text.pk, *row[:10])
            yield StoredEvent(record, row[10], row[11])

    count, head = NegotiationText.objects.values_list("event_count", "head_hash").get(pk=text.pk)
    return chain_check(stored(), expected_count=count, expected_head=head)


def _event_line(event: NegotiationEvent) -> str:
    who = event.actor.display_name if event.actor else "?"
    if event.delegation:
        who += f", {event.delegation.code}"
    return f"event {event.index} {event.kind} by {who} at {event.created_at:%H:%M:%S}"


def changes_since(
    text: NegotiationText,
    base: int,
    *,
    clause: int | None = None,
    proposal: int | None = None,
    structural: bool = False,
) -> list[str]:
    """What changed after event ``base``: about a clause, a proposal or the text's
    structure; one line per event, the latest ``CHANGES_LISTED`` of them."""
    events = NegotiationEvent.objects.filter(text=text, index__gt=base).select_related(
        "actor", "delegation"
    )
    if clause is not None:
        linked = ClauseEvent.objects.filter(text=text, clause_key=clause).values("event_id")
        events = events.filter(pk__in=linked)
    recent = list(events.order_by("-index")[: CHANGES_LISTED * 20])
    if proposal is not None:
        recent = [e for e in recent if _concerns_proposal(e.payload, proposal)]
    if structural:
        recent = [e for e in recent if _is_structural(e.payload)]
    return [_event_line(e) for e in reversed(recent[:CHANGES_LISTED])]


def _concerns_proposal(payload: JSON, key: int) -> bool:
    if not isinstance(payload, dict):
        return False
    return payload.get("proposal") == key or (
        payload.get("target") == Target.PROPOSAL and payload.get("id") == key
    )


def _is_structural(payload: JSON) -> bool:
    effects = payload.get("effects") if isinstance(payload, dict) else None
    return isinstance(effects, list) and any(
        isinstance(e, dict)
        and (e.get("op") in {"create", "move"} or e.get("status") == ClauseStatus.DELETED)
        for e in effects
    )


# Clause history ---------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    event: NegotiationEvent
    summary: str
    content: Content | None = None  # the clause's words after this event, if it changed them
    diff: list[Run] = field(default_factory=list)


def clause_history(text: NegotiationText, key: int) -> list[HistoryEntry]:
    """Everything that happened to a clause, in order: who proposed, supported, opposed or
    changed what, with each change of its words as a word-level diff."""
    linked = ClauseEvent.objects.filter(text=text, clause_key=key).values("event_id")
    events = (
        NegotiationEvent.objects.filter(pk__in=linked)
        .select_related("actor", "delegation", "meeting", "agenda_item")
        .order_by("index")
    )
    entries, words, until = [], "", deadline()
    for event in events:
        entry = HistoryEntry(event, event_summary(event.kind, event.payload, key))
        after = _content_after(event.payload, key)
        if after is not None:
            entry.content = after
            entry.diff = word_diff(words, markup(after), until=until)
            words = markup(after)
        entries.append(entry)
    return entries


def _content_after(payload: JSON, key: int) -> Content | None:
    effects = payload.get("effects") if isinstance(payload, dict) else None
    found = None
    for effect in effects if isinstance(effects, list) else []:
        if isinstance(effect, dict) and effect.get("clause") == key and "content" in effect:
            found = from_json(effect["content"])
    return found


def clause_versions(text: NegotiationText, key: int) -> list[tuple[int, Content]]:
    """(event index, words) for each version of a clause's words."""
    return [(e.event.index, e.content) for e in clause_history(text, key) if e.content is not None]


def clause_at(text: NegotiationText, key: int, index: int) -> Content:
    """A clause's words as they stood after event ``index`` (empty before it existed)."""
    words: Content = ()
    for at, content in clause_versions(text, key):
        if at > index:
            break
        words = content
    return words


def _effects_summary(payload: dict[str, JSON], key: int) -> str:
    effects = payload.get("effects")
    for effect in effects if isinstance(effects, list) else []:
        if not isinstance(effect, dict) or effect.get("clause") != key:
            continue
        op = effect.get("op")
        if op == "create":
            merged = effect.get("merged_from")
            return f"entered the text (merging clauses {merged})" if merged else "entered the text"
        if op == "status":
            return f"status: {str(effect.get('status')).replace('_', ' ')}"
        if op == "move":
            return "moved"
        if op == "label":
            return f"numbered {effect.get('label') or '(automatically)'} by the secretariat"
        return "words changed"
    return ""


def event_summary(kind: str, payload: JSON, key: int | None = None) -> str:
    """One line that says what an event did (about clause ``key``, if given)."""
    p = payload if isinstance(payload, dict) else {}
    effects = _effects_summary(p, key) if key is not None else ""
    if kind == EventKind.PROPOSAL_TABLED:
        sponsors = ", ".join([str(p.get("sponsor")), *_codes(p.get("cosponsors"))])
        what = str(p.get("kind")).replace("_", " ")
        invited = ", ".join(_codes(p.get("invited")))
        inviting = f", inviting {invited} to co-sponsor" if invited else ""
        return f"{sponsors} proposed to {what} (proposal {p.get('proposal')}){inviting}"
    if kind == EventKind.COSPONSOR_ACCEPTED:
        return f"{p.get('delegation')} co-sponsors proposal {p.get('proposal')}"
    if kind == EventKind.COSPONSOR_DECLINED:
        return f"{p.get('delegation')} declined to co-sponsor proposal {p.get('proposal')}"
    if kind == EventKind.POSITION_TAKEN:
        comment = f": {p.get('comment')}" if p.get("comment") else ""
        return f"{p.get('delegation')} {p.get('stance')}s {p.get('target')} {p.get('id')}{comment}"
    if kind.startswith("proposal."):
        into = f" into proposal {p.get('into')}" if p.get("into") else ""
        return f"proposal {p.get('proposal')} {p.get('state')}{into}" + (
            f"; {effects}" if effects else ""
        )
    if kind == EventKind.CLAUSE_CORRECTED:
        return f"secretariat corrected a typo: {p.get('old')!r} → {p.get('new')!r}"
    if kind == EventKind.CORRECTION_NOTED:
        return f"correction to event {p.get('event')}: {p.get('note')}"
    return effects or kind.replace(".", " ")


def _codes(value: JSON) -> list[str]:
    return [str(code) for code in value] if isinstance(value, list) else []


# Lists and counts -------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenMark:
    placed: Placed
    mark: Bracket | Options


def open_brackets(state: TextState) -> list[OpenMark]:
    """Every bracket and option group still in the text, in reading order."""
    return [
        OpenMark(placed, mark)
        for placed in reading_order(state)
        for mark in marks(placed.clause.content)
    ]


def open_proposals(state: TextState) -> list[Proposal]:
    return [p for p in state.proposals.values() if p.state == ProposalState.TABLED]


def agreed_clauses(state: TextState) -> list[Placed]:
    return [p for p in reading_order(state) if p.clause.status in AGREED_STATUSES]


@dataclass(frozen=True)
class TextCounts:
    clauses: int
    agreed: int
    brackets: int
    option_groups: int
    options: int
    open_proposals: int


def text_counts(state: TextState) -> TextCounts:
    placed = reading_order(state)
    totals = [counts(p.clause.content) for p in placed]
    return TextCounts(
        clauses=len(placed),
        agreed=sum(1 for p in placed if p.clause.status in AGREED_STATUSES),
        brackets=sum(t[0] for t in totals),
        option_groups=sum(t[1] for t in totals),
        options=sum(t[2] for t in totals),
        open_proposals=len(open_proposals(state)),
    )


def positions_on(state: TextState, target: str, key: int) -> list[Position]:
    return sorted(
        (p for p in state.positions.values() if p.target == target and p.target_key == key),
        key=lambda p: p.delegation,
    )


# The compilation: the text with its proposals and positions, clause by clause -------------


@dataclass(frozen=True)
class ClauseView:
    placed: Placed
    proposals: list[Proposal]
    positions: list[Position]


@dataclass(frozen=True)
class Compilation:
    clauses: list[ClauseView]
    new_clauses: list[Proposal]  # open proposals to insert or merge clauses
    counts: TextCounts
    state: TextState


def compilation(state: TextState) -> Compilation:
    proposals: dict[int | None, list[Proposal]] = {}
    for proposal in open_proposals(state):
        proposals.setdefault(proposal.clause, []).append(proposal)
    positions: dict[int, list[Position]] = {}
    for position in sorted(state.positions.values(), key=lambda p: p.delegation):
        if position.target == Target.CLAUSE:
            positions.setdefault(position.target_key, []).append(position)
    views = [
        ClauseView(
            placed, proposals.get(placed.clause.key, []), positions.get(placed.clause.key, [])
        )
        for placed in reading_order(state)
    ]
    return Compilation(views, proposals.get(None, []), text_counts(state), state)


def text_diff_between(text: NegotiationText, older: int, newer: int) -> list[ClauseDiff]:
    """The whole text after event ``newer`` against the text after event ``older``."""
    return text_diff(text_as_of(text, until=older), text_as_of(text, until=newer))


def proposal_summary(proposal: Proposal) -> str:
    """What a proposal asks for, in words: "replace “in 2028” with “in 2027”"."""
    op = proposal.operation
    quoted = {name: f"“{value}”" for name, value in op.items() if isinstance(value, str)}
    where = f" in bracket/option {op['target']}" if op.get("target") else ""
    described = {
        "insert": f"insert a new {op.get('kind')}: {quoted.get('words')}",
        "delete": "delete the clause",
        "replace": f"replace {quoted.get('old')} with {quoted.get('new')}{where}",
        "bracket_add": f"bracket {quoted.get('span', 'the whole clause')}{where}",
        "bracket_remove": f"remove bracket {op.get('bracket')}",
        "option_add": f"add the option {quoted.get('words')}"
        + (
            f" to option group {op['group']}"
            if op.get("group")
            else f" to {quoted.get('span', 'the clause')}"
        ),
        "option_choose": f"keep option {op.get('alternative')} of group {op.get('group')}",
        "merge": f"merge clauses {op.get('sources')} into: {quoted.get('words')}",
        "move": f"move the clause under {op.get('parent') or 'the text'}"
        f" after {op.get('after') or '(first)'}",
    }
    return described.get(proposal.kind, proposal.kind)


# What a meeting decided, for its record (the minutes read negotiation only through these)

OUTCOME_KINDS = (
    EventKind.PROPOSAL_TABLED,
    EventKind.PROPOSAL_ACCEPTED,
    EventKind.PROPOSAL_REJECTED,
    EventKind.PROPOSAL_WITHDRAWN,
    EventKind.PROPOSAL_MERGED,
    EventKind.CLAUSE_STATUS,
)


@dataclass(frozen=True)
class MeetingOutcome:
    """A proposal tabled, accepted, rejected, withdrawn or merged, or a clause agreed, in a
    meeting: each clause and proposal as it stood at the time."""

    kind: str  # tabled, accepted, rejected, withdrawn, merged, agreed, agreed_ad_ref
    at: datetime
    agenda_item_id: int | None
    title: str  # the negotiation text's
    proposal: int | None
    sponsors: tuple[str, ...]  # delegation codes, the main sponsor first
    clause: str  # the clause's number as the text read then ("" if none)
    words: str  # what the proposal asks for, or the agreed clause's words


def meeting_outcomes(meeting: Meeting) -> list[MeetingOutcome]:
    """The outcomes of the meeting, text by text. Each text's log is replayed once, up to its
    last event in this meeting: one query, and one more per text changed in it."""
    events = (
        NegotiationEvent.objects.filter(meeting=meeting, kind__in=OUTCOME_KINDS)
        .select_related("text")
        .order_by("text_id", "index")
    )
    by_text: dict[int, list[NegotiationEvent]] = {}
    for event in events:
        by_text.setdefault(event.text_id, []).append(event)
    outcomes: list[MeetingOutcome] = []
    for text_events in by_text.values():
        outcomes.extend(_text_outcomes(text_events[0].text, text_events))
    return outcomes


def _text_outcomes(text: NegotiationText, events: list[NegotiationEvent]) -> list[MeetingOutcome]:
    wanted = {event.index: event for event in events}
    state, outcomes = TextState(), []
    for entry in log_entries(text, until=max(wanted)):
        event = wanted.get(entry.index)
        numbers = _numbers(state) if event is not None else {}
        apply(state, entry)
        outcome = _outcome(text, state, numbers, event) if event is not None else None
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


def _numbers(state: TextState) -> dict[int, str]:
    return {placed.clause.key: placed.number for placed in reading_order(state)}


def _outcome(
    text: NegotiationText, state: TextState, numbers: dict[int, str], event: NegotiationEvent
) -> MeetingOutcome | None:
    payload = event.payload if isinstance(event.payload, dict) else {}
    at, item = event.created_at, event.agenda_item_id
    if event.kind == EventKind.CLAUSE_STATUS:
        key, status = _status_effect(payload)
        if key is None or status not in AGREED_STATUSES:
            return None
        words = plain(state.clauses[key].content)
        return MeetingOutcome(status, at, item, text.title, None, (), numbers.get(key, ""), words)
    key = payload.get("proposal")
    if not isinstance(key, int) or key not in state.proposals:
        return None
    proposal = state.proposals[key]
    kind = "tabled" if event.kind == EventKind.PROPOSAL_TABLED else proposal.state
    clause = numbers.get(proposal.clause, "") if proposal.clause is not None else ""
    sponsors = (proposal.sponsor, *proposal.cosponsors)
    summary = proposal_summary(proposal)
    return MeetingOutcome(kind, at, item, text.title, key, sponsors, clause, summary)


def _status_effect(payload: dict[str, JSON]) -> tuple[int | None, str]:
    effects = payload.get("effects")
    first = effects[0] if isinstance(effects, list) and effects else None
    if not isinstance(first, dict):
        return None, ""
    key, status = first.get("clause"), first.get("status")
    return (key if isinstance(key, int) else None), str(status)
