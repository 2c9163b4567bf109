"""Raised hands: a participant raises and lowers their own; the presiding officers may
lower anyone's."""

from django.db import transaction
from django.utils import timezone

from server.conferences.models import Meeting, Participant
from server.conferences.roles import check_may_take_floor, check_presiding

from ..events import HandLowered, HandRaised
from ..models import RaisedHand, RoomEvent
from ..selectors import participant_ref
from .room import event_append, room_lock


def hand_raise(*, actor: Participant, meeting: Meeting) -> RoomEvent | None:
    check_may_take_floor(actor)
    with transaction.atomic():
        state = room_lock(meeting)
        _, created = RaisedHand.objects.get_or_create(
            meeting=meeting, participant=actor, defaults={"raised_at": timezone.now()}
        )
        if not created:
            return None
        raised = HandRaised(participant=participant_ref(actor))
        return event_append(state=state, payload=raised, actor=actor)


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
        lowered = HandLowered(participant=participant_ref(target))
        return event_append(state=state, payload=lowered, actor=actor)
