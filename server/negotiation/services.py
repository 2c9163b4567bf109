"""Every change to a negotiation text goes through here: authorise, check the version the
change was based on, validate, then log it.

Each change runs in one transaction that locks the meeting's room and then the text, logs
one hashed ``NegotiationEvent``, updates the projection tables from it (``state.apply``)
and appends a room event ``negotiation.<kind>`` through the rooms' sequenced path, which
broadcasts it after commit. Nothing is ever updated in the log: corrections are new events.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from server.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.common.json_types import JSON
from server.conferences.models import Meeting, Participant
from server.conferences.roles import check_presiding, check_secretariat, is_secretariat, may_attend
from server.rooms.models import RoomEvent, RoomState
from server.rooms.services import event_append, room_lock

from . import content as c
from . import projection, selectors
from .chain import GENESIS, EventRecord, chain_hash, leaf_hash
from .content import MAX_MARKUP, ContentError
from .events import NegotiationRoomEvent, room_event_type
from .models import ClauseEvent, NegotiationEvent, NegotiationText
from .operations import (
    CLAUSE_KINDS,
    STRUCTURE_CHANGES,
    Effect,
    Proposed,
    creation,
    live_clause,
    operation_clean,
    operation_effects,
)
from .permissions import check_delegation, check_drafting, may_read
from .state import (
    AGREED_STATUSES,
    ClauseStatus,
    EventKind,
    LogEntry,
    ProposalKind,
    ProposalState,
    Stance,
    Target,
    TextState,
    apply,
)

Transcript = tuple[float, float] | None
MAX_NOTE = 4000


class StaleVersion(Conflict):
    """The change was based on a version that is no longer current."""

    def __init__(self, what: str, base: int, changes: list[str]) -> None:
        listed = "; ".join(changes) or "(nothing visible)"
        super().__init__(f"{what} changed since version {base}: {listed}. Reload and retry.")
        self.changes = changes


@dataclass
class _Change:
    """A change in the making: who makes it, where, and the locked text's state."""

    actor: Participant
    meeting: Meeting | None
    room: RoomState | None
    text: NegotiationText
    state: TextState
    transcript: Transcript


@contextmanager
def _changing(
    text: NegotiationText, actor: Participant, meeting: Meeting | None, transcript: Transcript
) -> Iterator[_Change]:
    _check_where(text, actor, meeting)
    _check_transcript(transcript)
    with transaction.atomic():
        room = room_lock(meeting) if meeting is not None else None
        locked = NegotiationText.objects.select_for_update().get(pk=text.pk)
        yield _Change(actor, meeting, room, locked, selectors.text_state(locked), transcript)


def _check_where(text: NegotiationText, actor: Participant, meeting: Meeting | None) -> None:
    if not may_read(actor, text):
        raise NotFound(f"No text {text.pk} in your conference.")
    if text.session_id is not None and meeting is not None and meeting.pk != text.session_id:
        raise Forbidden("This text is negotiated in its closed session only.")
    if meeting is None:
        if not is_secretariat(actor):
            raise InvalidInput("Texts are negotiated in a meeting: name the meeting.")
        return
    if meeting.conference_id != text.conference_id or not may_attend(actor, meeting):
        raise Forbidden("You do not attend this meeting of the text's conference.")
    meeting.refresh_from_db(fields=["status"])
    if meeting.status != Meeting.Status.OPEN:
        raise Conflict(f"The meeting is {meeting.get_status_display().lower()}, not open.")


def _check_transcript(transcript: Transcript) -> None:
    if transcript is not None and not 0 <= transcript[0] <= transcript[1]:
        raise InvalidInput("A transcript range runs from a time to a later one (seconds).")


def _record(
    change: _Change, kind: str, payload: dict[str, JSON], concerns: Iterable[int] = ()
) -> NegotiationEvent:
    """Log one event: projection, hash chain, clause index and room event."""
    text, index = change.text, change.state.version
    touched = apply(change.state, LogEntry(index, kind, payload))
    projection.update(text, change.state, touched)
    record = EventRecord(
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
    leaf = leaf_hash(record)
    head = chain_hash(bytes.fromhex(text.head_hash) if text.head_hash else GENESIS, leaf)
    room_event = _announce(change, record, head.hex())
    event = NegotiationEvent.objects.create(
        text=text,
        index=index,
        kind=kind,
        payload=payload,
        actor=change.actor,
        delegation_id=record.delegation,
        meeting=change.meeting,
        agenda_item_id=record.agenda_item,
        transcript_from=record.transcript_from,
        transcript_to=record.transcript_to,
        created_at=record.created_at,
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


def _announce(change: _Change, record: EventRecord, head: str) -> RoomEvent | None:
    if change.room is None:
        return None
    delegation = change.actor.delegation
    data: NegotiationRoomEvent = {
        "text": record.text,
        "index": record.index,
        "kind": record.kind,
        "head": head,
        "delegation": delegation.code if delegation else None,
        "payload": record.payload,
    }
    return event_append(
        state=change.room, type=room_event_type(record.kind), data=data, actor=change.actor
    )


# Versions ---------------------------------------------------------------------------------


def _check_clause_version(change: _Change, key: int, base_version: int) -> None:
    current = change.state.clauses[key].version
    if base_version != current:
        changes = selectors.changes_since(change.text, base_version, clause=key)
        raise StaleVersion(f"Clause {key}", base_version, changes)


def _check_structure_version(change: _Change, base_version: int) -> None:
    if base_version < change.state.structure_version:
        changes = selectors.changes_since(change.text, base_version, structural=True)
        raise StaleVersion("The text's structure", base_version, changes)


def _check_proposal_version(change: _Change, key: int, base_version: int) -> None:
    current = change.state.proposals[key].version
    if base_version != current:
        changes = selectors.changes_since(change.text, base_version, proposal=key)
        raise StaleVersion(f"Proposal {key}", base_version, changes)


def _clause(change: _Change, key: int) -> int:
    try:
        return live_clause(change.state, key)
    except ContentError as exc:
        raise NotFound(exc.args[0]) from exc


def _proposal(change: _Change, key: int) -> int:
    if key not in change.state.proposals:
        raise NotFound(f"No proposal {key} on this text.")
    return key


# Setting up -------------------------------------------------------------------------------


def text_create(
    *,
    actor: Participant,
    slug: str,
    title: str,
    language: str = "en",
    all_or_nothing: bool = True,
    meeting: Meeting | None = None,
    session: Meeting | None = None,
) -> NegotiationText:
    """A new text. One set up in a closed session (``meeting``, or ``session`` named)
    belongs to it: only those who may attend it read the text, and it changes there."""
    check_drafting(actor)
    if not title.strip() or not slug.strip():
        raise InvalidInput("A text needs a title and a short name.")
    if session is None and meeting is not None and meeting.kind == Meeting.Kind.CLOSED:
        session = meeting
    _check_session(actor, session, meeting)
    if NegotiationText.objects.filter(conference_id=actor.conference_id, slug=slug).exists():
        raise Conflict(f"The conference already has a text called {slug!r}.")
    payload: dict[str, JSON] = {
        "slug": slug,
        "title": title.strip(),
        "language": language,
        "all_or_nothing": all_or_nothing,
    }
    with transaction.atomic():
        text = NegotiationText.objects.create(
            conference_id=actor.conference_id,
            slug=slug,
            title=title.strip(),
            language=language,
            all_or_nothing=all_or_nothing,
            session=session,
            created_at=timezone.now(),
        )
        with _changing(text, actor, meeting, None) as change:
            _record(change, EventKind.TEXT_CREATED, payload)
    return change.text


def _check_session(actor: Participant, session: Meeting | None, meeting: Meeting | None) -> None:
    if session is None:
        return
    if session.conference_id != actor.conference_id or session.kind != Meeting.Kind.CLOSED:
        raise InvalidInput("A text's session is a closed session of its conference.")
    if meeting is not None and meeting.pk != session.pk:
        raise InvalidInput("A text of a closed session is set up in that session.")


def clause_add(
    *,
    actor: Participant,
    text: NegotiationText,
    kind: str,
    markup: str,
    base_version: int,
    parent: int | None = None,
    after: int | None = None,
    meeting: Meeting | None = None,
    transcript: Transcript = None,
) -> NegotiationEvent:
    """The secretariat or a presiding officer adds a clause directly (the chair's draft)."""
    check_drafting(actor)
    _check_markup(markup)
    with _changing(text, actor, meeting, transcript) as change:
        _check_structure_version(change, base_version)
        effect = _valid(lambda: creation(change.state, kind, parent, after, c.parse(markup)))
        return _record(change, EventKind.CLAUSE_ADDED, {"effects": [effect]})


def _check_markup(markup: str) -> None:
    if not markup.strip():
        raise InvalidInput("The text of a clause cannot be empty.")
    if len(markup) > MAX_MARKUP:
        raise InvalidInput(f"A clause is at most {MAX_MARKUP} characters.")


def _valid(build: Callable[[], Effect]) -> Effect:
    try:
        return build()
    except ContentError as exc:
        raise InvalidInput(exc.args[0]) from exc


# Proposals --------------------------------------------------------------------------------


def proposal_table(
    *,
    actor: Participant,
    meeting: Meeting | None,
    text: NegotiationText,
    kind: str,
    operation: dict[str, object],
    base_version: int,
    clause: int | None = None,
    rationale: str = "",
    cosponsors: Iterable[str] = (),
    transcript: Transcript = None,
) -> NegotiationEvent:
    """A delegation (the main sponsor) proposes a change, with a rationale, and may invite
    other delegations to co-sponsor it: each becomes a co-sponsor only when one of its
    members accepts (``cosponsor_accept``).

    ``base_version`` is the clause's version for a proposal on a clause, the text's
    structure version for an insertion, merger or move."""
    sponsor = check_delegation(actor)
    clean = operation_clean(kind, operation)
    invited = _cosponsors(text, sponsor.code, cosponsors)
    if len(rationale) > MAX_NOTE:
        raise InvalidInput(f"A rationale is at most {MAX_NOTE} characters.")
    with _changing(text, actor, meeting, transcript) as change:
        key = _proposal_target(change, kind, clause, base_version)
        _effects_or(InvalidInput, change.state, Proposed(kind, key, clean, (sponsor.code,)))
        payload: dict[str, JSON] = {
            "proposal": change.state.next_proposal_key(),
            "kind": kind,
            "clause": key,
            "sponsor": sponsor.code,
            "cosponsors": [],
            "invited": list(invited),
            "rationale": rationale.strip(),
            "operation": clean,
            "base_version": base_version,
        }
        concerns = _proposal_concerns(clean, key)
        return _record(change, EventKind.PROPOSAL_TABLED, payload, concerns)


def _cosponsors(text: NegotiationText, sponsor: str, codes: Iterable[str]) -> list[str]:
    wanted = sorted(set(codes) - {sponsor})
    known = set(
        text.conference.delegations.filter(code__in=wanted)
        .exclude(kind="observer")
        .values_list("code", flat=True)
    )
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise InvalidInput(f"No negotiating delegation {', '.join(unknown)} here.")
    return wanted


def _proposal_target(change: _Change, kind: str, clause: int | None, base: int) -> int | None:
    if kind in CLAUSE_KINDS:
        if clause is None:
            raise InvalidInput(f"A proposal to {kind.replace('_', ' ')} names its clause.")
        key = _clause(change, clause)
        if kind == ProposalKind.MOVE:
            _check_structure_version(change, base)
        else:
            _check_clause_version(change, key, base)
        return key
    _check_structure_version(change, base)
    return None


def _proposal_concerns(operation: dict[str, JSON], key: int | None) -> list[int]:
    """The clauses whose history shows this proposal."""
    sources = operation.get("sources")
    keys = [k for k in sources if isinstance(k, int)] if isinstance(sources, list) else []
    return [*keys, *([key] if key is not None else [])]


def _effects_or(
    error: type[InvalidInput] | type[Conflict], state: TextState, proposed: Proposed
) -> list[Effect]:
    try:
        return operation_effects(state, proposed)
    except ContentError as exc:
        raise error(exc.args[0]) from exc


def _open_proposal(change: _Change, key: int, base_version: int) -> int:
    key = _proposal(change, key)
    _check_proposal_version(change, key, base_version)
    proposal = change.state.proposals[key]
    if proposal.state != ProposalState.TABLED:
        raise Conflict(f"Proposal {key} is {proposal.state}, no longer tabled.")
    return key


def _close(
    change: _Change, key: int, state: str, extra: dict[str, JSON], effects: list[Effect]
) -> NegotiationEvent:
    kind = {
        ProposalState.ACCEPTED: EventKind.PROPOSAL_ACCEPTED,
        ProposalState.REJECTED: EventKind.PROPOSAL_REJECTED,
        ProposalState.WITHDRAWN: EventKind.PROPOSAL_WITHDRAWN,
        ProposalState.MERGED: EventKind.PROPOSAL_MERGED,
    }[ProposalState(state)]
    proposal = change.state.proposals[key]
    payload: dict[str, JSON] = {"proposal": key, "state": state, **extra, "effects": [*effects]}
    return _record(change, kind, payload, _proposal_concerns(proposal.operation, proposal.clause))


def proposal_accept(
    *,
    actor: Participant,
    meeting: Meeting,
    text: NegotiationText,
    proposal: int,
    base_version: int,
    transcript: Transcript = None,
) -> NegotiationEvent:
    """A presiding officer accepts a proposal into the text. It must still apply to the
    text as it stands; if the text moved on so that it no longer does, this is a conflict
    naming what changed."""
    check_presiding(actor)
    with _changing(text, actor, meeting, transcript) as change:
        key = _open_proposal(change, proposal, base_version)
        p = change.state.proposals[key]
        proposed = Proposed(p.kind, p.clause, p.operation, (p.sponsor, *p.cosponsors))
        try:
            effects = operation_effects(change.state, proposed)
        except ContentError as exc:
            clause = p.clause if p.kind not in STRUCTURE_CHANGES else None
            changes = selectors.changes_since(change.text, p.tabled, clause=clause)
            raise StaleVersion(f"The text ({exc.args[0]})", p.tabled, changes) from exc
        return _close(change, key, ProposalState.ACCEPTED, {}, effects)


def proposal_reject(
    *,
    actor: Participant,
    meeting: Meeting,
    text: NegotiationText,
    proposal: int,
    base_version: int,
    reason: str = "",
    transcript: Transcript = None,
) -> NegotiationEvent:
    check_presiding(actor)
    with _changing(text, actor, meeting, transcript) as change:
        key = _open_proposal(change, proposal, base_version)
        return _close(change, key, ProposalState.REJECTED, {"reason": reason.strip()}, [])


def proposal_withdraw(
    *,
    actor: Participant,
    meeting: Meeting,
    text: NegotiationText,
    proposal: int,
    base_version: int,
    transcript: Transcript = None,
) -> NegotiationEvent:
    """The main sponsor withdraws its proposal."""
    delegation = check_delegation(actor)
    with _changing(text, actor, meeting, transcript) as change:
        key = _open_proposal(change, proposal, base_version)
        if change.state.proposals[key].sponsor != delegation.code:
            raise Forbidden("Only the main sponsor may withdraw a proposal.")
        return _close(change, key, ProposalState.WITHDRAWN, {}, [])


def proposal_merge(
    *,
    actor: Participant,
    meeting: Meeting,
    text: NegotiationText,
    proposal: int,
    into: int,
    base_version: int,
    transcript: Transcript = None,
) -> NegotiationEvent:
    """A presiding officer folds a proposal into another tabled one (which goes on)."""
    check_presiding(actor)
    with _changing(text, actor, meeting, transcript) as change:
        key = _open_proposal(change, proposal, base_version)
        target = _proposal(change, into)
        if target == key or change.state.proposals[target].state != ProposalState.TABLED:
            raise Conflict(f"Proposal {into} is not another tabled proposal.")
        return _close(change, key, ProposalState.MERGED, {"into": target}, [])


def cosponsor_accept(
    *, actor: Participant, meeting: Meeting, text: NegotiationText, proposal: int
) -> NegotiationEvent:
    """A member of a delegation invited to co-sponsor a tabled proposal accepts: from now
    on the delegation is a co-sponsor (and shares the attribution of what it adds)."""
    return _cosponsor_answer(actor, meeting, text, proposal, EventKind.COSPONSOR_ACCEPTED)


def cosponsor_decline(
    *, actor: Participant, meeting: Meeting, text: NegotiationText, proposal: int
) -> NegotiationEvent:
    """A member of a delegation invited to co-sponsor a proposal declines."""
    return _cosponsor_answer(actor, meeting, text, proposal, EventKind.COSPONSOR_DECLINED)


def _cosponsor_answer(
    actor: Participant, meeting: Meeting, text: NegotiationText, proposal: int, kind: str
) -> NegotiationEvent:
    code = check_delegation(actor).code
    with _changing(text, actor, meeting, None) as change:
        key = _proposal(change, proposal)
        p = change.state.proposals[key]
        if code in p.cosponsors or code in p.declined:
            answer = "accepted" if code in p.cosponsors else "declined"
            raise Conflict(f"{code} already {answer} to co-sponsor proposal {key}.")
        if code not in p.invited:
            raise Forbidden(f"{code} was not invited to co-sponsor proposal {key}.")
        if p.state != ProposalState.TABLED:
            raise Conflict(f"Proposal {key} is {p.state}, no longer tabled.")
        payload: dict[str, JSON] = {"proposal": key, "delegation": code}
        return _record(change, kind, payload, _proposal_concerns(p.operation, p.clause))


# Positions --------------------------------------------------------------------------------


def position_take(
    *,
    actor: Participant,
    meeting: Meeting,
    text: NegotiationText,
    target: str,
    key: int,
    stance: str,
    base_version: int,
    comment: str = "",
    transcript: Transcript = None,
) -> NegotiationEvent:
    """A delegation's position on a clause or a proposal; a change of position is logged
    like any other change."""
    delegation = check_delegation(actor)
    if stance not in frozenset(Stance):
        raise InvalidInput(f"A position is one of: {', '.join(Stance)}.")
    if len(comment) > MAX_NOTE:
        raise InvalidInput(f"A comment is at most {MAX_NOTE} characters.")
    with _changing(text, actor, meeting, transcript) as change:
        concerns = _position_target(change, target, key, base_version)
        payload: dict[str, JSON] = {
            "target": target,
            "id": key,
            "delegation": delegation.code,
            "stance": stance,
            "comment": comment.strip(),
        }
        return _record(change, EventKind.POSITION_TAKEN, payload, concerns)


def _position_target(change: _Change, target: str, key: int, base_version: int) -> list[int]:
    if target == Target.CLAUSE:
        _check_clause_version(change, _clause(change, key), base_version)
        return [key]
    if target == Target.PROPOSAL:
        _check_proposal_version(change, _proposal(change, key), base_version)
        proposal = change.state.proposals[key]
        return _proposal_concerns(proposal.operation, proposal.clause)
    raise InvalidInput("A position is taken on a 'clause' or a 'proposal'.")


# Status and editorial fixes ---------------------------------------------------------------


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
        raise InvalidInput("Clauses are deleted by accepting a proposal to delete them.")
    with _changing(text, actor, meeting, transcript) as change:
        key = _clause(change, clause)
        _check_clause_version(change, key, base_version)
        current = change.state.clauses[key]
        if status in AGREED_STATUSES and not c.is_clean(current.content):
            raise Conflict(f"Clause {key} still has brackets or options; it cannot be agreed.")
        if status == current.status:
            raise Conflict(f"Clause {key} is already {status.replace('_', ' ')}.")
        payload: dict[str, JSON] = {
            "previous": current.status,
            "effects": [{"op": "status", "clause": key, "status": status}],
        }
        return _record(change, EventKind.CLAUSE_STATUS, payload)


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
    if any(ch in c.RESERVED for ch in old + new) or len(old) > 80 or len(new) > 80:
        raise InvalidInput("A typo fix replaces a few plain words (no brackets or options).")
    with _changing(text, actor, meeting, None) as change:
        key = _clause(change, clause)
        _check_clause_version(change, key, base_version)
        current = change.state.clauses[key].content
        try:
            fixed = c.span_replace(current, None, old, (new,))
        except ContentError as exc:
            raise InvalidInput(exc.args[0]) from exc
        payload: dict[str, JSON] = {
            "correction": "typo",
            "old": old,
            "new": new,
            "note": note.strip(),
            "effects": [{"op": "content", "clause": key, "content": c.to_json(fixed)}],
        }
        return _record(change, EventKind.CLAUSE_CORRECTED, payload)


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
        raise InvalidInput("A number is at most 16 characters.")
    with _changing(text, actor, meeting, None) as change:
        key = _clause(change, clause)
        _check_clause_version(change, key, base_version)
        payload: dict[str, JSON] = {
            "correction": "numbering",
            "effects": [{"op": "label", "clause": key, "label": label.strip()}],
        }
        return _record(change, EventKind.CLAUSE_NUMBERED, payload)


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
        raise InvalidInput(f"A correction needs a note of at most {MAX_NOTE} characters.")
    with _changing(text, actor, meeting, None) as change:
        if not 0 <= event < change.state.version:
            raise NotFound(f"No event {event} on this text.")
        payload: dict[str, JSON] = {"event": event, "note": note.strip()}
        return _record(change, EventKind.CORRECTION_NOTED, payload)
