"""A clause's status, and the secretariat's editorial fixes (typos, numbering, notes on the
record), each recorded as a new event."""

from django.utils.translation import gettext_lazy as _

from server.common.errors import Conflict, InvalidInput, NotFound
from server.common.json_types import JSON
from server.conferences.models import Meeting, Participant
from server.conferences.roles import check_presiding, check_secretariat

from ..content import RESERVED, ContentError, is_clean, to_json
from ..edits import span_replace
from ..models import NegotiationEvent, NegotiationText
from ..permissions import check_drafting
from ..selectors import clause_adoption_problem
from ..state import AGREED_STATUSES, ClauseStatus, EventKind
from .changes import (
    MAX_NOTE,
    Change,
    Transcript,
    changing,
    check_clause_version,
    clause_key,
    record,
)


def clause_status_set(
    *,
    actor: Participant,
    meeting: Meeting,
    text: NegotiationText,
    clause: int,
    status: str,
    base_version: int,
    transcript: Transcript = None,
) -> NegotiationEvent:
    """A presiding officer moves a clause along: proposed, under discussion, bracketed,
    agreed ad referendum, agreed. A clause with brackets or options cannot be agreed."""
    check_presiding(actor)
    if status not in frozenset(ClauseStatus) or status == ClauseStatus.DELETED:
        raise InvalidInput(_("Clauses are deleted by accepting a proposal to delete them."))
    with changing(text, actor, meeting, transcript) as change:
        key = _current_clause(change, clause, base_version)
        current = change.state.clauses[key]
        if status in AGREED_STATUSES and not is_clean(current.content):
            raise Conflict(
                _("Clause {key} still has brackets or options; it cannot be agreed."), key=key
            )
        if status == current.status:
            raise Conflict(
                _("Clause {key} is already {status}."), key=key, status=status.replace("_", " ")
            )
        payload: dict[str, JSON] = {
            "previous": current.status,
            "effects": [{"op": "status", "clause": key, "status": status}],
        }
        return record(change, EventKind.CLAUSE_STATUS, payload)


def clause_adopt(
    *,
    actor: Participant,
    meeting: Meeting,
    text: NegotiationText,
    clause: int,
    decision: dict[str, JSON],
) -> NegotiationEvent:
    """The meeting adopted the clause (without a vote, or by a vote): it becomes agreed, and
    the event cites the ``decision`` (its id, kind, room event and result: server/votes)."""
    check_presiding(actor)
    with changing(text, actor, meeting, None) as change:
        key = clause_key(change, clause)
        problem = clause_adoption_problem(change.state, key)
        if problem is not None:
            raise Conflict(problem)
        payload: dict[str, JSON] = {
            "previous": change.state.clauses[key].status,
            "decision": decision,
            "effects": [{"op": "status", "clause": key, "status": ClauseStatus.AGREED}],
        }
        return record(change, EventKind.CLAUSE_STATUS, payload)


def _current_clause(change: Change, clause: int, base_version: int) -> int:
    key = clause_key(change, clause)
    check_clause_version(change, key, base_version)
    return key


def clause_correct(
    *,
    actor: Participant,
    meeting: Meeting | None,
    text: NegotiationText,
    clause: int,
    old: str,
    new: str,
    base_version: int,
    note: str = "",
) -> NegotiationEvent:
    """The secretariat fixes a typo: plain words for plain words, recorded as a correction."""
    check_secretariat(actor)
    if any(ch in RESERVED for ch in old + new) or len(old) > 80 or len(new) > 80:
        raise InvalidInput(_("A typo fix replaces a few plain words (no brackets or options)."))
    with changing(text, actor, meeting, None) as change:
        key = _current_clause(change, clause, base_version)
        current = change.state.clauses[key].content
        try:
            fixed = span_replace(current, None, old, (new,))
        except ContentError as exc:
            raise InvalidInput(exc.args[0]) from exc
        payload: dict[str, JSON] = {
            "correction": "typo",
            "old": old,
            "new": new,
            "note": note.strip(),
            "effects": [{"op": "content", "clause": key, "content": to_json(fixed)}],
        }
        return record(change, EventKind.CLAUSE_CORRECTED, payload)


def clause_number(
    *,
    actor: Participant,
    meeting: Meeting | None,
    text: NegotiationText,
    clause: int,
    label: str,
    base_version: int,
) -> NegotiationEvent:
    """The secretariat fixes a clause's displayed number (e.g. "4 bis"); an empty label goes
    back to automatic numbering."""
    check_secretariat(actor)
    if len(label) > 16:
        raise InvalidInput(_("A number is at most 16 characters."))
    with changing(text, actor, meeting, None) as change:
        key = _current_clause(change, clause, base_version)
        payload: dict[str, JSON] = {
            "correction": "numbering",
            "effects": [{"op": "label", "clause": key, "label": label.strip()}],
        }
        return record(change, EventKind.CLAUSE_NUMBERED, payload)


def correction_note(
    *,
    actor: Participant,
    meeting: Meeting | None,
    text: NegotiationText,
    event: int,
    note: str,
) -> NegotiationEvent:
    """A correction to the record of an earlier event (its attribution, its meeting…): a
    new event that refers to it, since logged events never change."""
    check_drafting(actor)
    if not note.strip() or len(note) > MAX_NOTE:
        raise InvalidInput(
            _("A correction needs a note of at most {max_note} characters."), max_note=MAX_NOTE
        )
    with changing(text, actor, meeting, None) as change:
        if not 0 <= event < change.state.version:
            raise NotFound(_("No event {event} on this text."), event=event)
        payload: dict[str, JSON] = {"event": event, "note": note.strip()}
        return record(change, EventKind.CORRECTION_NOTED, payload)
