"""What a participant's page needs to see and hear the floor (``GET /meetings/<id>/media/``,
docs/media.md, "The media description")."""

from datetime import UTC, datetime
from typing import TypedDict

from django.conf import settings

from server.conferences.models import Meeting, Participant
from server.conferences.roles import is_member_delegate
from server.interpretation.models import Booth
from server.interpretation.selectors import booths_live
from server.rooms.models import RoomState

from .rooms import media_room
from .signalling import Channels, Publisher
from .tokens import room_token


class FloorRef(TypedDict):
    participant: int
    name: str
    delegation: str | None


class CameraRef(TypedDict):
    id: int
    publish: bool


class ChannelRef(TypedDict):
    language: str
    mountpoint: int  # the Streaming mountpoint listeners watch (and ``switch`` between)
    booth_room: int  # the AudioBridge room the booth's interpreters speak into
    interpreter: bool  # whether this participant is one of the booth's interpreters


class MediaOffer(TypedDict):
    v: int
    socket: str
    room: int
    token: str
    expires: str
    publish: bool
    publisher: int | None
    floor: FloorRef | None
    ice_servers: list[object]
    gallery: bool
    camera: CameraRef | None
    gallery_tiles: int
    channels: list[ChannelRef]


# Cameras of the gallery are publishers beside the floor's, their ids above every
# participant's id (a participant's camera and floor feeds differ: no wait on a handover).
CAMERA_IDS = 1 << 32


def publisher_id(participant: Participant) -> int:
    """The Janus publisher id Plenary gives a participant: subscribers find the floor's
    feed by it."""
    return participant.pk


def camera_publisher_id(participant: Participant) -> int:
    """The Janus publisher id of a participant's gallery camera."""
    return CAMERA_IDS + participant.pk


def is_camera_id(publisher: int) -> bool:
    return publisher >= CAMERA_IDS


def camera_may_publish(participant: Participant) -> bool:
    """Delegates of member delegations show their camera in the gallery; others watch it."""
    return is_member_delegate(participant)


def camera_for(meeting: Meeting, participant: Participant) -> CameraRef | None:
    """The participant's place in the gallery: None where the conference has none (the
    setting read afresh: turning the gallery off refuses new cameras at once)."""
    gallery = (
        Meeting.objects.filter(pk=meeting.pk).values_list("conference__camera_gallery", flat=True)
    ).first()
    if not gallery:
        return None
    return {"id": camera_publisher_id(participant), "publish": camera_may_publish(participant)}


def publisher_display(participant: Participant) -> str:
    delegation = participant.delegation
    return (
        f"{participant.display_name} — {delegation.name}"
        if delegation
        else participant.display_name
    )


def floor_holder(meeting: Meeting) -> Participant | None:
    """Who may publish in the meeting's room now: the floor holder of a meeting in session."""
    state = (
        RoomState.objects.select_related("floor_holder__delegation")
        .filter(meeting_id=meeting.pk, meeting__status=Meeting.Status.OPEN)  # as it is now
        .first()
    )
    return state.floor_holder if state is not None else None


def meeting_channels(meeting: Meeting, participant: Participant) -> list[ChannelRef]:
    """The meeting's interpretation channels, by booth channel (docs/media.md,
    "Interpretation")."""
    booths = Booth.objects.filter(conference_id=meeting.conference_id).order_by("channel")
    mine = set(booths.filter(interpreters=participant).values_list("pk", flat=True))
    return [
        {
            "language": booth.language,
            "mountpoint": media_room(meeting.pk, booth.channel),
            "booth_room": media_room(meeting.pk, booth.channel),
            "interpreter": booth.pk in mine,
        }
        for booth in booths
    ]


def channel_access(meeting: Meeting, participant: Participant) -> Channels:
    """What the signalling proxy lets this participant do with interpretation now: watch
    the meeting's channels; speak in the booths they are assigned to, as themselves."""
    channels = meeting_channels(meeting, participant)
    booths = frozenset(c["booth_room"] for c in channels if c["interpreter"])
    interpreter = Publisher(participant.pk, publisher_display(participant)) if booths else None
    return Channels(frozenset(c["mountpoint"] for c in channels), booths, interpreter)


def booth_voice(meeting: Meeting, participant: Participant) -> dict[int, bool]:
    """For each booth room of the meeting: whether ``participant`` is heard there now (they
    hold its live microphone and have not coughed it off)."""
    return {
        media_room(meeting.pk, booth.channel): booth.live == participant.pk and not booth.muted
        for booth in booths_live(meeting)
    }


def live_channels(meeting: Meeting) -> dict[int, str]:
    """The booth rooms of the meeting whose booth has a live holder → the booth's language
    (their audio of each floor turn is recorded), while the meeting is open (as it is
    now: a suspended meeting records nothing)."""
    if not Meeting.objects.filter(pk=meeting.pk, status=Meeting.Status.OPEN).exists():
        return {}
    return {
        media_room(meeting.pk, booth.channel): booth.language
        for booth in booths_live(meeting)
        if booth.live is not None
    }


def media_offer(meeting: Meeting, participant: Participant) -> MediaOffer:
    holder = floor_holder(meeting)
    room = media_room(meeting.pk)
    token = room_token(room)
    publish = holder is not None and holder.pk == participant.pk
    floor: FloorRef | None = None
    if holder is not None:
        delegation = holder.delegation
        floor = {
            "participant": holder.pk,
            "name": holder.display_name,
            "delegation": delegation.name if delegation else None,
        }
    return {
        "v": 1,
        "socket": f"/ws/meetings/{meeting.pk}/media/",
        "room": room,
        "token": token.text,
        "expires": datetime.fromtimestamp(token.expires, UTC).isoformat(),
        "publish": publish,
        "publisher": publisher_id(participant) if publish else None,
        "floor": floor,
        "ice_servers": list(settings.ICE_SERVERS),
        "gallery": meeting.conference.camera_gallery,
        "camera": camera_for(meeting, participant),
        "gallery_tiles": settings.MEDIA_GALLERY_TILES,
        "channels": meeting_channels(meeting, participant),
    }
