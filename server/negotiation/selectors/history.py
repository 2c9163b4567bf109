"""A clause's history, event by event, with word-level diffs; and one line saying what an
event did, for histories and for live pages."""

from dataclasses import dataclass, field

from server.common.json_types import JSON

from ..content import Content, from_json, markup
from ..diff import Run, deadline, word_diff
from ..models import ClauseEvent, NegotiationEvent, NegotiationText
from ..numbering import reading_order
from ..state import EventKind, TextState


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


CLAUSE_EVENTS = frozenset(
    {
        EventKind.CLAUSE_ADDED,
        EventKind.CLAUSE_STATUS,
        EventKind.CLAUSE_CORRECTED,
        EventKind.CLAUSE_NUMBERED,
    }
)


def change_announcement(text: NegotiationText, state: TextState, since: int) -> str:
    """One line for a live page whose copy of the text had its first ``since`` events:
    what the latest event did (and how many came), a clause named by its number now."""
    latest = NegotiationEvent.objects.filter(text=text, index__gte=since).order_by("-index")
    event = latest.first()
    if event is None:
        return ""
    keys = ClauseEvent.objects.filter(event=event).values_list("clause_key", flat=True)
    key = min(keys, default=None)
    line = event_summary(event.kind, event.payload, key)
    if key is not None and event.kind in CLAUSE_EVENTS:
        numbers = {placed.clause.key: placed.number for placed in reading_order(state)}
        line = f"clause {numbers.get(key, key)}: {line}"
    count = event.index + 1 - since
    return (f"{count} changes, the latest: " if count > 1 else "") + line[:1].upper() + line[1:]


def _codes(value: JSON) -> list[str]:
    return [str(code) for code in value] if isinstance(value, list) else []
