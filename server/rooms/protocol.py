"""The room socket's own close code, and the parsing of a client message's envelope
(``type``, ``id``, ``data``), with an error that names the problem (docs/protocol.md,
"Errors"). Every string and integer in a message is checked once, as it is decoded
(``server.common.values``); each operation's ``data`` is then read by its declared schema
(``server.common.schemas``)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from server.common.errors import ProtocolError
from server.common.values import json_decode

# Closed for falling too far behind (server/rooms/hub.py): reconnect with ``last_seq``.
CLOSE_TOO_SLOW = 4408


@dataclass(frozen=True)
class ClientMessage:
    type: str
    id: str | int | None
    data: dict[str, object]


def parse(text: str) -> ClientMessage:
    raw = json_decode(text, "")
    if not isinstance(raw, dict):
        raise ProtocolError("bad_message", _("A message must be a JSON object."))
    kind = raw.get("type")
    if not isinstance(kind, str) or not kind:
        raise ProtocolError("bad_message", _("A message needs a string field 'type'."))
    message_id = raw.get("id")
    if message_id is not None and (
        isinstance(message_id, bool) or not isinstance(message_id, str | int)
    ):
        raise ProtocolError("bad_message", _("The field 'id' must be a string or an integer."))
    data = raw.get("data", {})
    if not isinstance(data, dict):
        raise ProtocolError("bad_message", _("The field 'data' must be a JSON object."))
    return ClientMessage(kind, message_id, data)
