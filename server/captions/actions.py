"""Room actions of the captions module (docs/protocol.md, "Captions")."""

from server.common.errors import ProtocolError
from server.conferences.models import Meeting, Participant
from server.rooms.actions import ActionResult, register

from . import services


@register("captions.language")
def captions_language(
    actor: Participant, meeting: Meeting, data: dict[str, object]
) -> ActionResult:
    language = data.get("language")
    if language is not None and not isinstance(language, str):
        raise ProtocolError("wrong_type", "The field 'data.language' must be a string or null.")
    services.caption_language_pick(actor=actor, meeting=meeting, language=language)
    return None
