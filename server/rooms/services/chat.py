"""Chat to the whole meeting or within one's own delegation."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from server.common.errors import InvalidInput
from server.conferences.models import Meeting, Participant

from ..events import ChatMessage
from ..models import RoomEvent
from ..permissions import check_delegation_member
from .room import event_append, room_lock

MAX_CHAT_CHARS = 4000


def chat_send(*, actor: Participant, meeting: Meeting, text: str, scope: str) -> RoomEvent:
    """Chat to the whole meeting, or (``scope="delegation"``) to one's own delegation only."""
    if scope not in ("meeting", "delegation"):
        raise InvalidInput(_("The chat scope is 'meeting' or 'delegation'."))
    text = text.strip()
    if not text:
        raise InvalidInput(_("A chat message cannot be empty."))
    if len(text) > MAX_CHAT_CHARS:
        raise InvalidInput(
            _("A chat message is at most {max_chat_chars} characters."),
            max_chat_chars=MAX_CHAT_CHARS,
        )
    audience = None
    if scope == "delegation":
        check_delegation_member(actor)
        audience = actor.delegation
    message = ChatMessage(
        scope="delegation" if audience else "meeting",
        text=text,
        delegation=audience.code if audience else None,
    )
    with transaction.atomic():
        state = room_lock(meeting)
        return event_append(state=state, payload=message, actor=actor, audience=audience)
