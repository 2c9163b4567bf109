"""Janus rooms are Plenary's: created at run time for each meeting (never ``permanent``),
with signed tokens and a secret of the server's, and created again when Janus restarted.

A meeting's rooms are numbered ``meeting * ROOM_CHANNELS + channel``: channel 0 carries the
floor; other channels (interpretation) get their own rooms beside it."""

import asyncio

from server.conferences.models import Meeting

from .admin import JanusAdmin

ROOM_CHANNELS = 100
FLOOR_CHANNEL = 0


def media_room(meeting_id: int, channel: int = FLOOR_CHANNEL) -> int:
    return meeting_id * ROOM_CHANNELS + channel


async def room_ensure(meeting_id: int, admin: JanusAdmin | None = None) -> int:
    """The meeting's floor room, created in Janus where it is not there yet."""
    room = media_room(meeting_id)
    await (admin or JanusAdmin()).room_create(room)
    return room


def meetings_in_session() -> list[int]:
    live = [Meeting.Status.OPEN, Meeting.Status.SUSPENDED]
    return list(Meeting.objects.filter(status__in=live).values_list("pk", flat=True))


def rooms_recreate(admin: JanusAdmin | None = None) -> int:
    """Create the rooms of the meetings in session again (a Janus that restarted has none);
    returns how many were missing."""
    meetings = meetings_in_session()

    async def create_all() -> list[bool]:
        janus = admin or JanusAdmin()
        return await asyncio.gather(*(janus.room_create(media_room(m)) for m in meetings))

    return sum(asyncio.run(create_all()))
