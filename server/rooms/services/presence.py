"""Who is in the room: socket connections opened, closed, kept alive and swept, and the
``presence.joined`` / ``presence.left`` events when a participant's first socket opens or
last one closes. Other apps follow presence with ``presence_hook`` (interpretation: an
interpreter in the room staffs their booth)."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from server.conferences.models import Meeting, Participant

from ..events import PresenceJoined, PresenceLeft
from ..models import RoomConnection, RoomState
from ..selectors import participant_ref
from .room import event_append, room_lock

PresenceHook = Callable[[RoomState, Participant, bool], None]
# Called under the room's lock, in the transaction that appends ``presence.joined`` (True)
# or ``presence.left`` (False), after it.
PRESENCE_HOOKS: list[PresenceHook] = []


def presence_hook(hook: PresenceHook) -> PresenceHook:
    PRESENCE_HOOKS.append(hook)
    return hook


def _presence_changed(state: RoomState, participant: Participant, present: bool) -> None:
    for hook in PRESENCE_HOOKS:
        hook(state, participant, present)


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
            joined = PresenceJoined(participant=participant_ref(participant))
            event_append(state=state, payload=joined, actor=participant)
            _presence_changed(state, participant, True)


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
        left = PresenceLeft(participant=participant_ref(participant))
        event_append(state=state, payload=left, actor=participant)
        _presence_changed(state, participant, False)


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
