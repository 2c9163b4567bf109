"""The floor and its speaking timer: the presiding officers give the floor (the speaker
leaves the speakers' list) or take it back, and start and stop the timer."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.common.errors import Conflict, InvalidInput
from server.conferences.models import Meeting, Participant
from server.conferences.roles import check_may_take_floor, check_presiding

from ..events import FloorGranted, TimerStarted, TimerStopped
from ..models import FloorTurn, RoomEvent, RoomState, SpeakerEntry
from ..selectors import participant_ref, timer_state
from .room import attendee, check_in_session, event_append, room_lock
from .speakers import Kind, speakers_changed


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
    if holder is not None:
        check_may_take_floor(holder)
    with transaction.atomic():
        state = room_lock(meeting)
        check_in_session(meeting)
        events = []
        entry = (
            SpeakerEntry.objects.filter(meeting=meeting, participant=holder).first()
            if holder
            else None
        )
        if entry is not None:
            entry.delete()
            events.append(speakers_changed(state, meeting, actor))
        kind = entry.kind if entry is not None else Kind.SPEAKER
        events.append(floor_set(state, actor, holder, kind=kind))
        return events


def floor_set(
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
    granted = FloorGranted(
        holder=participant_ref(holder) if holder else None,
        since=state.floor_since.isoformat() if state.floor_since else None,
        timer=timer_state(state),
    )
    event = event_append(state=state, payload=granted, actor=actor)
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
        raise InvalidInput(_("The speaking time limit is between 1 and 3600 seconds."))
    with transaction.atomic():
        state = room_lock(meeting)
        if state.timer_started_at is not None:
            raise Conflict(_("The timer is already running."))
        if limit is not None:
            state.timer_limit_seconds = limit
        state.timer_started_at = timezone.now()
        state.save()
        started = TimerStarted(timer=timer_state(state))
        return event_append(state=state, payload=started, actor=actor)


def timer_stop(*, actor: Participant, meeting: Meeting) -> RoomEvent:
    check_presiding(actor)
    with transaction.atomic():
        state = room_lock(meeting)
        if state.timer_started_at is None:
            raise Conflict(_("The timer is not running."))
        state.timer_elapsed_seconds += (timezone.now() - state.timer_started_at).total_seconds()
        state.timer_started_at = None
        state.save()
        stopped = TimerStopped(timer=timer_state(state))
        return event_append(state=state, payload=stopped, actor=actor)
