"""The room's media operations: the chair mutes the floor holder. Janus is told by the
floor holder's signalling proxy, which sees the event (``consumers``)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from server.common.errors import Conflict
from server.conferences.models import Meeting, Participant
from server.conferences.roles import check_presiding
from server.rooms.models import RoomEvent
from server.rooms.selectors import participant_ref
from server.rooms.services import event_append, room_lock
from server.rooms.services.room import check_in_session

from .events import MediaMuted


def media_mute(*, actor: Participant, meeting: Meeting, mute: bool) -> RoomEvent:
    """Mute (``mute=False``: unmute) the floor holder's microphone for every listener."""
    check_presiding(actor)
    with transaction.atomic():
        state = room_lock(meeting)
        check_in_session(meeting)
        holder = state.floor_holder
        if holder is None:
            raise Conflict(_("Nobody holds the floor: there is no microphone to mute."))
        muted = MediaMuted(participant=participant_ref(holder), muted=mute)
        return event_append(state=state, payload=muted, actor=actor)
