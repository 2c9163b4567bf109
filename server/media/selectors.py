"""What a participant's page needs to see and hear the floor (``GET /meetings/<id>/media/``,
docs/media.md, "The media description")."""

from datetime import UTC, datetime
from typing import TypedDict

from django.conf import settings

from server.conferences.models import Meeting, Participant
from server.conferences.roles import is_member_delegate
from server.rooms.models import RoomState

from .rooms import media_room
from .tokens import room_token


class FloorRef(TypedDict):
    participant: int
    name: str
    delegation: str | None


class CameraRef(TypedDict):
    id: int
    publish: bool


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
    }
