"""Every change to a room goes through here: authorise, validate, write, append the event.

Each service runs in one transaction that first locks the room's ``RoomState`` row, so
changes to one room are serialised and sequence numbers are gap-free. The event is
broadcast only after the transaction commits (``transaction.on_commit``).
"""

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from server.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.conferences.models import AgendaItem, Delegation, Meeting, Participant
from server.conferences.roles import check_presiding, may_attend

from .events import (
    AgendaPayload,
    ChatPayload,
    EventType,
    FloorPayload,
    HandPayload,
    MeetingStatusPayload,
    PresencePayload,
    SpeakersPayload,
    TimerPayload,
    group_name,
)
from .models import FloorTurn, RaisedHand, RoomConnection, RoomEvent, RoomState, SpeakerEntry
from .permissions import check_delegation_member
from .selectors import agenda_ref, layer_event, participant_ref, speakers_ref, timer_state

logger = logging.getLogger(__name__)

MAX_CHAT_CHARS = 4000


def room_lock(meeting: Meeting) -> RoomState:
    """Lock the room for the rest of the current transaction (creating its state row)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("room_lock() must run inside transaction.atomic()")
    RoomState.objects.get_or_create(meeting=meeting)
    return RoomState.objects.select_for_update().get(meeting=meeting)


def event_append(
    *,
    state: RoomState,
    type: str,
    data: Mapping[str, object],
    actor: Participant | None,
    audience: Delegation | None = None,
) -> RoomEvent:
    """Write the room's next event; broadcast it once the transaction commits.

    ``state`` must be the row returned by ``room_lock`` in this transaction. Other apps
    (captions, negotiation) append their events through this function too.
    """
    state.last_seq += 1
    RoomState.objects.filter(pk=state.pk).update(last_seq=state.last_seq)
    event = RoomEvent.objects.create(
        meeting_id=state.pk,
        seq=state.last_seq,
        type=type,
        data=dict(data),
        actor=actor,
        audience=audience,
        created_at=timezone.now(),
    )
    transaction.on_commit(lambda: event_broadcast(event))
    return event


def event_broadcast(event: RoomEvent) -> None:
    """Send one committed event to every server process that has clients in the room.

    The event is stored whatever happens here: if the layer fails (Redis is down), the
    action still succeeded, and each process delivers the event from the database when the
    layer is back or its next event reveals the gap (``hub.RoomFanout.catch_up``)."""
    layer = get_channel_layer()
    assert layer is not None, "CHANNEL_LAYERS must be configured"
    try:
        async_to_sync(layer.group_send)(group_name(event.meeting_id), layer_event(event))
    except Exception as exc:
        logger.warning(
            "room %s: broadcasting event %d failed (%s); it is delivered from the database",
            event.meeting_id,
            event.seq,
            type(exc).__name__,
        )


# Presence ---------------------------------------------------------------------------------


def connection_open(
    *, meeting: Meeting, participant: Participant, channel_name: str, server_id: str
) -> None:
    with transaction.atomic():
        state = room_lock(meeting)
        first = not RoomConnection.objects.filter(meeting=meeting, participant=participant).exists()
        now = timezone.now()
        RoomConnection.objects.create(
            channel_name=channel_name,
            meeting=meeting,
            participant=participant,
            server_id=server_id,
            opened_at=now,
            last_seen=now,
        )
        if first:
            payload: PresencePayload = {"participant": participant_ref(participant)}
            event_append(
                state=state, type=EventType.PRESENCE_JOINED, data=payload, actor=participant
            )


def connection_close(*, channel_name: str) -> None:
    connection = RoomConnection.objects.filter(channel_name=channel_name).first()
    if connection is None:
        return
    with transaction.atomic():
        state = room_lock(connection.meeting)
        _connections_drop(state, RoomConnection.objects.filter(pk=connection.pk))


def _connections_drop(state: RoomState, connections: QuerySet[RoomConnection]) -> None:
    participant_ids = set(connections.values_list("participant_id", flat=True))
    connections.delete()
    still_here = set(
        RoomConnection.objects.filter(
            meeting_id=state.pk, participant_id__in=participant_ids
        ).values_list("participant_id", flat=True)
    )
    gone = Participant.objects.filter(pk__in=participant_ids - still_here).select_related(
        "delegation"
    )
    for participant in gone:
        payload: PresencePayload = {"participant": participant_ref(participant)}
        event_append(state=state, type=EventType.PRESENCE_LEFT, data=payload, actor=participant)


def connections_heartbeat(*, server_id: str) -> None:
    RoomConnection.objects.filter(server_id=server_id).update(last_seen=timezone.now())


def connections_sweep(*, now: datetime | None = None) -> int:
    """Drop connections of server processes that stopped heart-beating (crash, restart)."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.ROOM_CONNECTION_STALE_SECONDS)
    stale = RoomConnection.objects.filter(last_seen__lt=cutoff)
    meeting_ids = set(stale.values_list("meeting_id", flat=True))
    dropped = 0
    for meeting in Meeting.objects.filter(pk__in=meeting_ids):
        with transaction.atomic():
            state = room_lock(meeting)
            room_stale = RoomConnection.objects.filter(meeting=meeting, last_seen__lt=cutoff)
            dropped += room_stale.count()
            _connections_drop(state, room_stale)
    return dropped


# Chat and hands ---------------------------------------------------------------------------


def chat_send(*, actor: Participant, meeting: Meeting, text: str, scope: str) -> RoomEvent:
    """Chat to the whole meeting, or (``scope="delegation"``) to one's own delegation only."""
    if scope not in ("meeting", "delegation"):
        raise InvalidInput("The chat scope is 'meeting' or 'delegation'.")
    text = text.strip()
    if not text:
        raise InvalidInput("A chat message cannot be empty.")
    if len(text) > MAX_CHAT_CHARS:
        raise InvalidInput(f"A chat message is at most {MAX_CHAT_CHARS} characters.")
    audience = None
    if scope == "delegation":
        check_delegation_member(actor)
        audience = actor.delegation
    payload: ChatPayload = {
        "scope": "delegation" if audience else "meeting",
        "text": text,
        "delegation": audience.code if audience else None,
    }
    with transaction.atomic():
        state = room_lock(meeting)
        return event_append(
            state=state, type=EventType.CHAT_MESSAGE, data=payload, actor=actor, audience=audience
        )


def hand_raise(*, actor: Participant, meeting: Meeting) -> RoomEvent | None:
    with transaction.atomic():
        state = room_lock(meeting)
        _, created = RaisedHand.objects.get_or_create(
            meeting=meeting, participant=actor, defaults={"raised_at": timezone.now()}
        )
        if not created:
            return None
        payload: HandPayload = {"participant": participant_ref(actor)}
        return event_append(state=state, type=EventType.HAND_RAISED, data=payload, actor=actor)


def hand_lower(
    *, actor: Participant, meeting: Meeting, participant: Participant | None = None
) -> RoomEvent | None:
    """Lower one's own hand, or (presiding officers) someone else's."""
    target = participant or actor
    if target.pk != actor.pk:
        check_presiding(actor)
    with transaction.atomic():
        state = room_lock(meeting)
        deleted, _ = RaisedHand.objects.filter(meeting=meeting, participant=target).delete()
        if not deleted:
            return None
        payload: HandPayload = {"participant": participant_ref(target)}
        return event_append(state=state, type=EventType.HAND_LOWERED, data=payload, actor=actor)


# Speakers' list ---------------------------------------------------------------------------

Kind = SpeakerEntry.Kind


def _speakers_changed(state: RoomState, meeting: Meeting, actor: Participant) -> RoomEvent:
    payload: SpeakersPayload = {"speakers": speakers_ref(meeting)}
    return event_append(state=state, type=EventType.SPEAKERS_CHANGED, data=payload, actor=actor)


def _inscribe(meeting: Meeting, participant: Participant, kind: str) -> None:
    """Points of order go to the front of the list; everything else to the end."""
    bounds = SpeakerEntry.objects.filter(meeting=meeting).aggregate(
        first=Min("position"), last=Max("position")
    )
    if kind == Kind.POINT_OF_ORDER:
        position = (bounds["first"] or 0) - 1
    else:
        position = (bounds["last"] or 0) + 1
    SpeakerEntry.objects.create(
        meeting=meeting,
        participant=participant,
        kind=kind,
        position=position,
        added_at=timezone.now(),
    )


def _check_kind(kind: str) -> None:
    if kind not in Kind.values:
        raise InvalidInput(f"Unknown speaker kind {kind!r}; use one of {', '.join(Kind.values)}.")


def _check_in_session(meeting: Meeting) -> None:
    meeting.refresh_from_db(fields=["status"])
    if meeting.status != Meeting.Status.OPEN:
        raise Conflict(f"The meeting is {meeting.get_status_display().lower()}, not open.")


def floor_request(*, actor: Participant, meeting: Meeting, kind: str) -> RoomEvent:
    """A participant asks to be inscribed on the speakers' list."""
    _check_kind(kind)
    if actor.role == Participant.Role.OBSERVER and kind != Kind.SPEAKER:
        raise Forbidden("Observers may not raise points of order or reply.")
    with transaction.atomic():
        state = room_lock(meeting)
        _check_in_session(meeting)
        if SpeakerEntry.objects.filter(meeting=meeting, participant=actor, kind=kind).exists():
            raise Conflict("You are already on the speakers' list for this.")
        _inscribe(meeting, actor, kind)
        return _speakers_changed(state, meeting, actor)


def floor_withdraw(*, actor: Participant, meeting: Meeting) -> RoomEvent:
    with transaction.atomic():
        state = room_lock(meeting)
        deleted, _ = SpeakerEntry.objects.filter(meeting=meeting, participant=actor).delete()
        if not deleted:
            raise Conflict("You are not on the speakers' list.")
        return _speakers_changed(state, meeting, actor)


def attendee(meeting: Meeting, participant_id: int) -> Participant:
    participant = (
        Participant.objects.select_related("delegation")
        .filter(pk=participant_id, conference_id=meeting.conference_id)
        .first()
    )
    if participant is None or not may_attend(participant, meeting):
        raise NotFound(f"No participant {participant_id} in this meeting.")
    return participant


def speakers_add(
    *, actor: Participant, meeting: Meeting, participant_id: int, kind: str
) -> RoomEvent:
    check_presiding(actor)
    _check_kind(kind)
    participant = attendee(meeting, participant_id)
    with transaction.atomic():
        state = room_lock(meeting)
        _inscribe(meeting, participant, kind)
        return _speakers_changed(state, meeting, actor)


def speakers_remove(*, actor: Participant, meeting: Meeting, entry_id: int) -> RoomEvent:
    check_presiding(actor)
    with transaction.atomic():
        state = room_lock(meeting)
        deleted, _ = SpeakerEntry.objects.filter(meeting=meeting, pk=entry_id).delete()
        if not deleted:
            raise NotFound(f"No entry {entry_id} on the speakers' list.")
        return _speakers_changed(state, meeting, actor)


def speakers_reorder(*, actor: Participant, meeting: Meeting, entry_ids: list[int]) -> RoomEvent:
    """Set the whole order; the list given must name every entry exactly once."""
    check_presiding(actor)
    with transaction.atomic():
        state = room_lock(meeting)
        entries = {e.pk: e for e in SpeakerEntry.objects.filter(meeting=meeting)}
        if sorted(entry_ids) != sorted(entries):
            raise Conflict(
                "The new order must list every current entry once; the list has changed "
                f"meanwhile (current entries: {sorted(entries)})."
            )
        for position, entry_id in enumerate(entry_ids, start=1):
            entries[entry_id].position = position
        SpeakerEntry.objects.bulk_update(entries.values(), ["position"])
        return _speakers_changed(state, meeting, actor)


# Floor and timer --------------------------------------------------------------------------


def _timer_reset(state: RoomState, limit: int | None, *, running: bool) -> None:
    state.timer_limit_seconds = limit
    state.timer_elapsed_seconds = 0.0
    state.timer_started_at = timezone.now() if running else None


def floor_give(
    *, actor: Participant, meeting: Meeting, participant_id: int | None
) -> list[RoomEvent]:
    """Give the floor (``None`` takes it back). The speaker leaves the list and their timer
    starts with the meeting's speaking time; points of order are not timed."""
    check_presiding(actor)
    holder = attendee(meeting, participant_id) if participant_id is not None else None
    with transaction.atomic():
        state = room_lock(meeting)
        _check_in_session(meeting)
        events = []
        entry = (
            SpeakerEntry.objects.filter(meeting=meeting, participant=holder).first()
            if holder
            else None
        )
        if entry is not None:
            entry.delete()
            events.append(_speakers_changed(state, meeting, actor))
        kind = entry.kind if entry is not None else Kind.SPEAKER
        events.append(_floor_set(state, actor, holder, kind=kind))
        return events


def _floor_set(
    state: RoomState, actor: Participant, holder: Participant | None, *, kind: str
) -> RoomEvent:
    """Hand the floor over: the current turn ends, the holder's (if any) begins. Points of
    order are not timed."""
    now = timezone.now()
    if state.floor_turn_id is not None:
        FloorTurn.objects.filter(pk=state.floor_turn_id).update(ended_at=now)
    timed = holder is not None and kind != Kind.POINT_OF_ORDER
    state.floor_holder = holder
    state.floor_since = now if holder else None
    _timer_reset(state, state.meeting.speaking_time_seconds if timed else None, running=timed)
    payload: FloorPayload = {
        "holder": participant_ref(holder) if holder else None,
        "since": state.floor_since.isoformat() if state.floor_since else None,
        "timer": timer_state(state),
    }
    event = event_append(state=state, type=EventType.FLOOR_GRANTED, data=payload, actor=actor)
    state.floor_turn = (
        FloorTurn.objects.create(
            meeting_id=state.pk,
            participant=holder,
            delegation_id=holder.delegation_id,
            agenda_item_id=state.agenda_item_id,
            kind=kind,
            started_at=now,
            granted_seq=event.seq,
        )
        if holder
        else None
    )
    state.save()
    return event


def timer_start(*, actor: Participant, meeting: Meeting, limit: int | None) -> RoomEvent:
    """Start (or resume) the speaking timer; a new ``limit`` in seconds replaces the old."""
    check_presiding(actor)
    if limit is not None and not 1 <= limit <= 3600:
        raise InvalidInput("The speaking time limit is between 1 and 3600 seconds.")
    with transaction.atomic():
        state = room_lock(meeting)
        if state.timer_started_at is not None:
            raise Conflict("The timer is already running.")
        if limit is not None:
            state.timer_limit_seconds = limit
        state.timer_started_at = timezone.now()
        state.save()
        payload: TimerPayload = {"timer": timer_state(state)}
        return event_append(state=state, type=EventType.TIMER_STARTED, data=payload, actor=actor)


def timer_stop(*, actor: Participant, meeting: Meeting) -> RoomEvent:
    check_presiding(actor)
    with transaction.atomic():
        state = room_lock(meeting)
        if state.timer_started_at is None:
            raise Conflict("The timer is not running.")
        state.timer_elapsed_seconds += (timezone.now() - state.timer_started_at).total_seconds()
        state.timer_started_at = None
        state.save()
        payload: TimerPayload = {"timer": timer_state(state)}
        return event_append(state=state, type=EventType.TIMER_STOPPED, data=payload, actor=actor)


# Agenda and meeting status ----------------------------------------------------------------


def agenda_switch(*, actor: Participant, meeting: Meeting, item_id: int) -> RoomEvent:
    check_presiding(actor)
    item = AgendaItem.objects.filter(meeting=meeting, pk=item_id).first()
    if item is None:
        raise NotFound(f"No agenda item {item_id} in this meeting.")
    with transaction.atomic():
        state = room_lock(meeting)
        state.agenda_item = item
        state.save(update_fields=["agenda_item"])
        payload: AgendaPayload = {"item": agenda_ref(item)}
        return event_append(state=state, type=EventType.AGENDA_SWITCHED, data=payload, actor=actor)


Status = Meeting.Status
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "open": (frozenset({Status.SCHEDULED}), Status.OPEN),
    "suspend": (frozenset({Status.OPEN}), Status.SUSPENDED),
    "resume": (frozenset({Status.SUSPENDED}), Status.OPEN),
    "close": (frozenset({Status.OPEN, Status.SUSPENDED}), Status.CLOSED),
}


def meeting_transition(*, actor: Participant, meeting: Meeting, action: str) -> RoomEvent:
    check_presiding(actor)
    if action not in TRANSITIONS:
        raise InvalidInput(f"Unknown meeting action {action!r}.")
    sources, target = TRANSITIONS[action]
    with transaction.atomic():
        state = room_lock(meeting)
        meeting.refresh_from_db(fields=["status"])
        previous = meeting.status
        if previous not in sources:
            raise Conflict(f"Cannot {action} a meeting that is {previous}.")
        meeting.status = target
        meeting.save(update_fields=["status"])
        payload: MeetingStatusPayload = {"status": target, "previous": previous}
        event = event_append(state=state, type=EventType.MEETING_STATUS, data=payload, actor=actor)
        if target == Status.CLOSED and state.floor_holder_id is not None:
            _floor_set(state, actor, None, kind=Kind.SPEAKER)
        return event
