"""The room's lock and event log, and the checks every family of operations shares.

Each service runs in one transaction that first locks the room's ``RoomState`` row, so
changes to one room are serialised and sequence numbers are gap-free. The event is
broadcast only after the transaction commits (``transaction.on_commit``).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.common.errors import Conflict, NotFound
from server.conferences.models import Delegation, Meeting, Participant
from server.conferences.roles import may_attend

from ..events import EventPayload, group_name, payload_check
from ..models import RoomEvent, RoomState
from ..selectors import layer_event

logger = logging.getLogger(__name__)


def room_lock(meeting: Meeting) -> RoomState:
    """Lock the room for the rest of the current transaction (creating its state row)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("room_lock() must run inside transaction.atomic()")
    RoomState.objects.get_or_create(meeting=meeting)
    return RoomState.objects.select_for_update().get(meeting=meeting)


def event_append(
    *,
    state: RoomState,
    payload: EventPayload,
    actor: Participant | None,
    audience: Delegation | None = None,
) -> RoomEvent:
    """Write the room's next event; broadcast it once the transaction commits.

    ``state`` must be the row returned by ``room_lock`` in this transaction. Other apps
    (captions, negotiation) append their events through this function too. The payload's
    class is registered for its type (``events.EVENT_PAYLOADS``); one that is not, or whose
    fields do not have their declared types, is a ``TypeError``.
    """
    payload_check(payload)
    state.last_seq += 1
    RoomState.objects.filter(pk=state.pk).update(last_seq=state.last_seq)
    event = RoomEvent.objects.create(
        meeting_id=state.pk,
        seq=state.last_seq,
        type=payload.event_type,
        data=payload.to_data(),
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


def attendee(meeting: Meeting, participant_id: int) -> Participant:
    participant = (
        Participant.objects.select_related("delegation")
        .filter(pk=participant_id, conference_id=meeting.conference_id)
        .first()
    )
    if participant is None or not may_attend(participant, meeting):
        raise NotFound(
            _("No participant {participant_id} in this meeting."), participant_id=participant_id
        )
    return participant


def check_in_session(meeting: Meeting) -> None:
    meeting.refresh_from_db(fields=["status"])
    if meeting.status != Meeting.Status.OPEN:
        raise Conflict(
            _("The meeting is {status}, not open."), status=meeting.get_status_display().lower()
        )
