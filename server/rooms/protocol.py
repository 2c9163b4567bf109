"""Parsing of client messages: each field checked for presence and type, with an error
that names the problem (docs/protocol.md, "Errors"). Every string and integer in a message
is checked once, as it is decoded (``server.common.values``)."""

from dataclasses import dataclass

from server.common.errors import ProtocolError
from server.common.values import json_decode


@dataclass(frozen=True)
class ClientMessage:
    type: str
    id: str | int | None
    data: dict[str, object]


def parse(text: str) -> ClientMessage:
    raw = json_decode(text, "")
    if not isinstance(raw, dict):
        raise ProtocolError("bad_message", "A message must be a JSON object.")
    kind = raw.get("type")
    if not isinstance(kind, str) or not kind:
        raise ProtocolError("bad_message", "A message needs a string field 'type'.")
    message_id = raw.get("id")
    if message_id is not None and (
        isinstance(message_id, bool) or not isinstance(message_id, str | int)
    ):
        raise ProtocolError("bad_message", "The field 'id' must be a string or an integer.")
    data = raw.get("data", {})
    if not isinstance(data, dict):
        raise ProtocolError("bad_message", "The field 'data' must be a JSON object.")
    return ClientMessage(kind, message_id, data)


def _field(data: dict[str, object], name: str) -> object:
    if name not in data:
        raise ProtocolError("missing_field", f"The field 'data.{name}' is required.")
    return data[name]


def _wrong(name: str, expected: str, value: object) -> ProtocolError:
    return ProtocolError(
        "wrong_type", f"The field 'data.{name}' must be {expected}, not {type(value).__name__}."
    )


def get_str(data: dict[str, object], name: str) -> str:
    value = _field(data, name)
    if not isinstance(value, str):
        raise _wrong(name, "a string", value)
    return value


def get_int(data: dict[str, object], name: str) -> int:
    value = _field(data, name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong(name, "an integer", value)
    return value


def get_optional_int(data: dict[str, object], name: str) -> int | None:
    return None if data.get(name) is None else get_int(data, name)


def get_int_list(data: dict[str, object], name: str) -> list[int]:
    value = _field(data, name)
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise _wrong(name, "a list of integers", value)
    return list(value)


def get_choice(data: dict[str, object], name: str, choices: tuple[str, ...], default: str) -> str:
    value = data.get(name, default)
    if not isinstance(value, str) or value not in choices:
        raise ProtocolError(
            "wrong_type", f"The field 'data.{name}' must be one of: {', '.join(choices)}."
        )
    return value
