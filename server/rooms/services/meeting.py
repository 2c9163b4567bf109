"""The meeting as a whole: the agenda item under discussion and the meeting's status (open,
suspended, resumed, closed)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from server.common.errors import Conflict, InvalidInput, NotFound
from server.conferences.models import AgendaItem, Meeting, Participant
from server.conferences.roles import check_presiding

from ..events import AgendaSwitched, MeetingStatusChanged
from ..models import RoomEvent
from ..selectors import agenda_ref
from .floor import floor_set
from .room import event_append, room_lock
from .speakers import Kind


def agenda_switch(*, actor: Participant, meeting: Meeting, item_id: int) -> RoomEvent:
    check_presiding(actor)
    item = AgendaItem.objects.filter(meeting=meeting, pk=item_id).first()
    if item is None:
        raise NotFound(_("No agenda item {item_id} in this meeting."), item_id=item_id)
    with transaction.atomic():
        state = room_lock(meeting)
        state.agenda_item = item
        state.save(update_fields=["agenda_item"])
        switched = AgendaSwitched(item=agenda_ref(item))
        return event_append(state=state, payload=switched, actor=actor)


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
        raise InvalidInput(_("Unknown meeting action {action!r}."), action=action)
    sources, target = TRANSITIONS[action]
    with transaction.atomic():
        state = room_lock(meeting)
        meeting.refresh_from_db(fields=["status"])
        previous = meeting.status
        if previous not in sources:
            raise Conflict(
                _("Cannot {action} a meeting that is {previous}."), action=action, previous=previous
            )
        meeting.status = target
        meeting.save(update_fields=["status"])
        changed = MeetingStatusChanged(status=target, previous=previous)
        event = event_append(state=state, payload=changed, actor=actor)
        if target == Status.CLOSED and state.floor_holder_id is not None:
            floor_set(state, actor, None, kind=Kind.SPEAKER)
        return event
