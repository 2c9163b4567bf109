"""What a meeting decided, for its record: the minutes read negotiation only through these."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import translation

from server.common.json_types import JSON
from server.conferences.models import Meeting

from ..content import plain
from ..models import NegotiationEvent, NegotiationText
from ..numbering import reading_order
from ..state import AGREED_STATUSES, EventKind, TextState, apply
from .reading import proposal_summary
from .texts import log_entries

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
    # Issued minutes store it (``record_to_json``): in its English, whoever issues them.
    with translation.override(None):
        summary = proposal_summary(proposal)
    return MeetingOutcome(kind, at, item, text.title, key, sponsors, clause, summary)


def _status_effect(payload: dict[str, JSON]) -> tuple[int | None, str]:
    effects = payload.get("effects")
    first = effects[0] if isinstance(effects, list) and effects else None
    if not isinstance(first, dict):
        return None, ""
    key, status = first.get("clause"), first.get("status")
    return (key if isinstance(key, int) else None), str(status)
