"""A clause's history, event by event, with word-level diffs; and one line saying what an
event did, for histories and for live pages: read in the active language, never stored."""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from server.common.json_types import JSON

from ..content import Content, from_json, markup
from ..diff import Run, deadline, word_diff
from ..models import ClauseEvent, NegotiationEvent, NegotiationText
from ..numbering import reading_order
from ..readable import readable_word
from ..state import EventKind, ProposalState, Stance, Target, TextState


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
            if merged:
                return _("entered the text (merging clauses {clauses})").format(clauses=merged)
            return _("entered the text")
        if op == "status":
            status = readable_word(str(effect.get("status")))
            # Translators: {status}: a clause's status ("under discussion").
            return _("status: {status}").format(status=status)
        if op == "move":
            return pgettext("a clause", "moved")
        if op == "label":
            label = effect.get("label")
            if label:
                return _("numbered {label} by the secretariat").format(label=label)
            return _("numbered (automatically) by the secretariat")
        return _("words changed")
    return ""


# A delegation's position, one sentence per stance and target.
POSITIONS: dict[tuple[str, str], Promise] = {
    (Stance.SUPPORT, Target.CLAUSE): gettext_lazy("{delegation} supports clause {key}"),
    (Stance.SUPPORT, Target.PROPOSAL): gettext_lazy("{delegation} supports proposal {key}"),
    (Stance.OPPOSE, Target.CLAUSE): gettext_lazy("{delegation} opposes clause {key}"),
    (Stance.OPPOSE, Target.PROPOSAL): gettext_lazy("{delegation} opposes proposal {key}"),
    (Stance.RESERVE, Target.CLAUSE): gettext_lazy(
        "{delegation} reserves its position on clause {key}"
    ),
    (Stance.RESERVE, Target.PROPOSAL): gettext_lazy(
        "{delegation} reserves its position on proposal {key}"
    ),
    (Stance.FLEXIBLE, Target.CLAUSE): gettext_lazy("{delegation} is flexible on clause {key}"),
    (Stance.FLEXIBLE, Target.PROPOSAL): gettext_lazy("{delegation} is flexible on proposal {key}"),
}

# A proposal closed, one sentence per state (merged: see _closed).
CLOSED: dict[str, Promise] = {
    ProposalState.ACCEPTED: gettext_lazy("proposal {proposal} accepted"),
    ProposalState.REJECTED: gettext_lazy("proposal {proposal} rejected"),
    ProposalState.WITHDRAWN: gettext_lazy("proposal {proposal} withdrawn"),
    ProposalState.MERGED: gettext_lazy("proposal {proposal} merged"),
}


def event_summary(kind: str, payload: JSON, key: int | None = None) -> str:
    """One line that says what an event did (about clause ``key``, if given), in the active
    language."""
    p = payload if isinstance(payload, dict) else {}
    effects = _effects_summary(p, key) if key is not None else ""
    said = _said(kind, p, effects)
    return said if said is not None else effects or kind.replace(".", " ")


def _said(kind: str, p: dict[str, JSON], effects: str) -> str | None:
    if kind == EventKind.PROPOSAL_TABLED:
        return _tabled(p)
    if kind == EventKind.COSPONSOR_ACCEPTED:
        return _("{delegation} co-sponsors proposal {proposal}").format(
            delegation=p.get("delegation"), proposal=p.get("proposal")
        )
    if kind == EventKind.COSPONSOR_DECLINED:
        return _("{delegation} declined to co-sponsor proposal {proposal}").format(
            delegation=p.get("delegation"), proposal=p.get("proposal")
        )
    if kind == EventKind.POSITION_TAKEN:
        return _position(p)
    if kind.startswith("proposal."):
        closed = _closed(p)
        if closed is None or not effects:
            return closed
        # Translators: {closed}: "proposal 1 accepted"; {effects}: what it did to the clause.
        return _("{closed}; {effects}").format(closed=closed, effects=effects)
    if kind == EventKind.CLAUSE_CORRECTED:
        return _("secretariat corrected a typo: {old} → {new}").format(
            old=repr(p.get("old")), new=repr(p.get("new"))
        )
    if kind == EventKind.CORRECTION_NOTED:
        return _("correction to event {event}: {note}").format(
            event=p.get("event"), note=p.get("note")
        )
    return None


def _tabled(p: dict[str, JSON]) -> str:
    sponsors = ", ".join([str(p.get("sponsor")), *_codes(p.get("cosponsors"))])
    what = readable_word(str(p.get("kind")))
    invited = ", ".join(_codes(p.get("invited")))
    if invited:
        return _(
            # Translators: {sponsors}, {invited}: delegation codes; {what}: a kind of proposal
            # ("replace", "bracket add"), as the proposal kinds are translated.
            "{sponsors} proposed to {what} (proposal {proposal}), inviting {invited} to co-sponsor"
        ).format(sponsors=sponsors, what=what, proposal=p.get("proposal"), invited=invited)
    # Translators: {sponsors}: delegation codes; {what}: a kind of proposal ("replace").
    return _("{sponsors} proposed to {what} (proposal {proposal})").format(
        sponsors=sponsors, what=what, proposal=p.get("proposal")
    )


def _position(p: dict[str, JSON]) -> str | None:
    sentence = POSITIONS.get((str(p.get("stance")), str(p.get("target"))))
    if sentence is None:
        return None
    position = str(sentence).format(delegation=p.get("delegation"), key=p.get("id"))
    if not p.get("comment"):
        return position
    # Translators: {position}: "KEN opposes clause 3"; {comment}: the delegation's words.
    return _("{position}: {comment}").format(position=position, comment=p.get("comment"))


def _closed(p: dict[str, JSON]) -> str | None:
    if p.get("into"):
        return _("proposal {proposal} merged into proposal {into}").format(
            proposal=p.get("proposal"), into=p.get("into")
        )
    sentence = CLOSED.get(str(p.get("state")))
    return str(sentence).format(proposal=p.get("proposal")) if sentence is not None else None


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
        # Translators: {number}: the clause's number ("PP3"); {summary}: what happened to it.
        line = _("clause {number}: {summary}").format(number=numbers.get(key, key), summary=line)
    line = line[:1].upper() + line[1:]
    count = event.index + 1 - since
    if count == 1:
        return line
    return ngettext(
        "{count} change, the latest: {summary}", "{count} changes, the latest: {summary}", count
    ).format(count=count, summary=line)


def _codes(value: JSON) -> list[str]:
    return [str(code) for code in value] if isinstance(value, list) else []
