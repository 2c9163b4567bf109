"""Room actions of the media module (docs/protocol.md, "Media")."""

from server.conferences.models import Meeting, Participant
from server.rooms.actions import ActionResult, register

from . import services
from .schemas import MediaMute


@register("media.mute", MediaMute)
def media_mute(actor: Participant, meeting: Meeting, data: MediaMute) -> ActionResult:
    return services.media_mute(actor=actor, meeting=meeting, mute=data.mute)
