"""A change in the making: authorise where it happens, lock, check versions, then log it.

Each change runs in one transaction that locks the meeting's room and then the text, logs
one hashed ``NegotiationEvent``, updates the projection tables from it (``state.apply``)
and appends a room event ``negotiation.<kind>`` through the rooms' sequenced path, which
broadcasts it after commit. Nothing is ever updated in the log: corrections are new events.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from server.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.common.json_types import JSON
from server.conferences.models import Meeting, Participant
from server.conferences.roles import is_secretariat, may_attend
from server.rooms.models import RoomEvent, RoomState
from server.rooms.services import event_append, room_lock

from .. import projection, selectors
from ..chain import GENESIS, EventRecord, chain_hash, leaf_hash
from ..content import ContentError
from ..events import NegotiationChange
from ..models import ClauseEvent, NegotiationEvent, NegotiationText
from ..operations import live_clause
from ..permissions import may_read
from ..state import EventKind, LogEntry, TextState, apply

Transcript = tuple[float, float] | None
MAX_NOTE = 4000


class StaleVersion(Conflict):
    """The change was based on a version that is no longer current."""

    def __init__(self, what: StrOrPromise, base: int, changes: list[str]) -> None:
        super().__init__(
            _("{what} changed since version {base}: {listed}. Reload and retry."),
            what=what,
            base=base,
            listed="; ".join(changes) or _("(nothing visible)"),
        )
        self.changes = changes


@dataclass
class Change:
    """A change in the making: who makes it, where, and the locked text's state."""

    actor: Participant
    meeting: Meeting | None
    room: RoomState | None
    text: NegotiationText
    state: TextState
    transcript: Transcript


@contextmanager
def changing(
    text: NegotiationText, actor: Participant, meeting: Meeting | None, transcript: Transcript
) -> Iterator[Change]:
    _check_where(text, actor, meeting)
    _check_transcript(transcript)
    with transaction.atomic():
        room = room_lock(meeting) if meeting is not None else None
        locked = NegotiationText.objects.select_for_update().get(pk=text.pk)
        yield Change(actor, meeting, room, locked, selectors.text_state(locked), transcript)


def _check_where(text: NegotiationText, actor: Participant, meeting: Meeting | None) -> None:
    if not may_read(actor, text):
        raise NotFound(_("No text {text_id} in your conference."), text_id=text.pk)
    if text.session_id is not None and meeting is not None and meeting.pk != text.session_id:
        raise Forbidden(_("This text is negotiated in its closed session only."))
    if meeting is None:
        if not is_secretariat(actor):
            raise InvalidInput(_("Texts are negotiated in a meeting: name the meeting."))
        return
    if meeting.conference_id != text.conference_id or not may_attend(actor, meeting):
        raise Forbidden(_("You do not attend this meeting of the text's conference."))
    meeting.refresh_from_db(fields=["status"])
    if meeting.status != Meeting.Status.OPEN:
        raise Conflict(
            _("The meeting is {status}, not open."), status=meeting.get_status_display().lower()
        )


def _check_transcript(transcript: Transcript) -> None:
    if transcript is not None and not 0 <= transcript[0] <= transcript[1]:
        raise InvalidInput(_("A transcript range runs from a time to a later one (seconds)."))


def record(
    change: Change, kind: str, payload: dict[str, JSON], concerns: Iterable[int] = ()
) -> NegotiationEvent:
    """Log one event: projection, hash chain, clause index and room event."""
    text, index = change.text, change.state.version
    touched = apply(change.state, LogEntry(index, kind, payload))
    projection.update(text, change.state, touched)
    entry = EventRecord(
        text=text.pk,
        index=index,
        kind=kind,
        payload=payload,
        actor=change.actor.pk,
        delegation=change.actor.delegation_id,
        meeting=change.meeting.pk if change.meeting else None,
        agenda_item=change.room.agenda_item_id if change.room else None,
        transcript_from=change.transcript[0] if change.transcript else None,
        transcript_to=change.transcript[1] if change.transcript else None,
        created_at=timezone.now(),
    )
    leaf = leaf_hash(entry)
    head = chain_hash(bytes.fromhex(text.head_hash) if text.head_hash else GENESIS, leaf)
    room_event = _announce(change, entry, head.hex())
    event = NegotiationEvent.objects.create(
        text=text,
        index=index,
        kind=kind,
        payload=payload,
        actor=change.actor,
        delegation_id=entry.delegation,
        meeting=change.meeting,
        agenda_item_id=entry.agenda_item,
        transcript_from=entry.transcript_from,
        transcript_to=entry.transcript_to,
        created_at=entry.created_at,
        leaf_hash=leaf.hex(),
        chain_hash=head.hex(),
        room_event=room_event,
    )
    text.event_count, text.head_hash = index + 1, head.hex()
    text.structure_version = change.state.structure_version
    text.save(update_fields=["event_count", "head_hash", "structure_version"])
    keys = set(concerns) | touched.clauses
    ClauseEvent.objects.bulk_create(
        ClauseEvent(text=text, clause_key=key, event=event) for key in sorted(keys)
    )
    return event


def _announce(change: Change, entry: EventRecord, head: str) -> RoomEvent | None:
    if change.room is None:
        return None
    delegation = change.actor.delegation
    announced = NegotiationChange(
        text=entry.text,
        index=entry.index,
        kind=EventKind(entry.kind),
        head=head,
        delegation=delegation.code if delegation else None,
        payload=entry.payload,
    )
    return event_append(state=change.room, payload=announced, actor=change.actor)


def check_clause_version(change: Change, key: int, base_version: int) -> None:
    current = change.state.clauses[key].version
    if base_version != current:
        changes = selectors.changes_since(change.text, base_version, clause=key)
        raise StaleVersion(format_lazy(_("Clause {key}"), key=key), base_version, changes)


def check_structure_version(change: Change, base_version: int) -> None:
    if base_version < change.state.structure_version:
        changes = selectors.changes_since(change.text, base_version, structural=True)
        raise StaleVersion(_("The text's structure"), base_version, changes)


def check_proposal_version(change: Change, key: int, base_version: int) -> None:
    current = change.state.proposals[key].version
    if base_version != current:
        changes = selectors.changes_since(change.text, base_version, proposal=key)
        raise StaleVersion(format_lazy(_("Proposal {key}"), key=key), base_version, changes)


def clause_key(change: Change, key: int) -> int:
    """The key of a live clause of the text, or not found."""
    try:
        return live_clause(change.state, key)
    except ContentError as exc:
        raise NotFound(exc.args[0]) from exc


def proposal_key(change: Change, key: int) -> int:
    """The key of a proposal on the text, or not found."""
    if key not in change.state.proposals:
        raise NotFound(_("No proposal {key} on this text."), key=key)
    return key


def proposal_concerns(change: Change, key: int) -> list[int]:
    """The clauses whose history shows this proposal."""
    proposal = change.state.proposals[key]
    return operation_concerns(proposal.operation, proposal.clause)


def operation_concerns(operation: dict[str, JSON], clause: int | None) -> list[int]:
    """The clauses a proposed operation concerns: its sources and its clause."""
    sources = operation.get("sources")
    keys = [k for k in sources if isinstance(k, int)] if isinstance(sources, list) else []
    return [*keys, *([clause] if clause is not None else [])]
