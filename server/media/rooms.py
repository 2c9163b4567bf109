"""Janus rooms are Plenary's: created at run time for each meeting (never ``permanent``),
with signed tokens and a secret of the server's, and created again when Janus restarted.

A meeting's rooms are numbered ``meeting * ROOM_CHANNELS + channel``: channel 0 carries the
floor (a VideoRoom room); each interpretation booth's channel (``Booth.channel``, 1 to 99) a
booth's AudioBridge room and its Streaming mountpoint (``channels``)."""

import asyncio
from collections.abc import Iterable

from server.conferences.models import Meeting
from server.interpretation.models import Booth

from .admin import JanusAdmin
from .channels import ChannelAdmin

ROOM_CHANNELS = 100
FLOOR_CHANNEL = 0


def media_room(meeting_id: int, channel: int = FLOOR_CHANNEL) -> int:
    return meeting_id * ROOM_CHANNELS + channel


def booth_rooms(meeting_id: int) -> list[int]:
    """The booth rooms (and channel mountpoints) of a meeting: one per booth of its
    conference."""
    booths = Booth.objects.filter(conference__meetings=meeting_id)
    return [media_room(meeting_id, channel) for channel in booths.values_list("channel", flat=True)]


async def room_ensure(
    meeting_id: int, admin: JanusAdmin | None = None, booths: Iterable[int] = ()
) -> int:
    """The meeting's floor room, and the channels of ``booths`` (``booth_rooms``), created
    in Janus where they are not there yet; returns the floor room."""
    room = media_room(meeting_id)
    janus = admin or JanusAdmin()
    await janus.room_create(room)
    await ChannelAdmin(janus).channels_ensure(booths)
    return room


def meetings_in_session() -> list[int]:
    live = [Meeting.Status.OPEN, Meeting.Status.SUSPENDED]
    return list(Meeting.objects.filter(status__in=live).values_list("pk", flat=True))


def rooms_recreate(admin: JanusAdmin | None = None) -> int:
    """Create the rooms and channels of the meetings in session again (a Janus that
    restarted has none); returns how many floor rooms were missing."""
    meetings = meetings_in_session()
    booths = [room for meeting in meetings for room in booth_rooms(meeting)]

    async def create_all() -> list[bool]:
        janus = admin or JanusAdmin()
        floors = await asyncio.gather(*(janus.room_create(media_room(m)) for m in meetings))
        await ChannelAdmin(janus).channels_ensure(booths)
        return floors

    return sum(asyncio.run(create_all()))
