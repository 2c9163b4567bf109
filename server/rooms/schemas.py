"""The input of each room operation (docs/protocol.md, "Client messages"), declared once for
the socket and ``POST /api/meetings/<id>/actions/<type>`` alike."""

from typing import Literal

from django.utils.translation import gettext_lazy as _
from pydantic import model_validator

from server.common.errors import ProtocolError
from server.common.schemas import Integer, NoInput, Operation, Text

SpeakerKind = Literal[
    "speaker", "point_of_order", "right_of_reply", "explanation_before", "explanation_after"
]
"""The values of ``SpeakerEntry.Kind`` (tests/rooms/test_schemas.py holds them equal)."""


class ChatSend(Operation):
    text: Text
    scope: Literal["meeting", "delegation"] = "meeting"


class HandLower(Operation):
    participant: Integer | None = None
    """Whose hand: the sender's own when absent (presiding officers may lower others')."""


class FloorRequest(Operation):
    kind: SpeakerKind = "speaker"


class SpeakersAdd(Operation):
    participant: Integer
    kind: SpeakerKind = "speaker"


class SpeakersRemove(Operation):
    entry: Integer


class SpeakersReorder(Operation):
    entries: list[Integer]


class FloorGive(Operation):
    participant: Integer | None = None
    """None takes the floor back; absent too."""


class TimerStart(Operation):
    limit: Integer | None = None
    """Seconds; None for no limit."""


class AgendaSwitch(Operation):
    item: Integer


class EventsFetch(Operation):
    """The events after ``after`` up to ``until``, socket only (HTTP has
    ``GET /api/meetings/<id>/events``)."""

    after: Integer
    until: Integer

    @model_validator(mode="after")
    def _ordered(self) -> "EventsFetch":
        if self.until < self.after:
            raise ProtocolError("wrong_type", _("'until' must not be less than 'after'."))
        return self


SOCKET_ONLY: dict[str, type[Operation]] = {"ping": NoInput, "events.fetch": EventsFetch}
"""Messages the consumer answers itself, not room actions."""
