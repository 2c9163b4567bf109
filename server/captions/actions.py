"""Room actions of the captions module (docs/protocol.md, "Captions")."""

from server.conferences.models import Meeting, Participant
from server.rooms.actions import ActionResult, register

from . import services
from .schemas import CaptionsLanguage


@register("captions.language", CaptionsLanguage)
def captions_language(actor: Participant, meeting: Meeting, data: CaptionsLanguage) -> ActionResult:
    services.caption_language_pick(actor=actor, meeting=meeting, language=data.language)
    return None
