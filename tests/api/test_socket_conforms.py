"""What the room socket really sends is what /api/protocol/ publishes: each message a
session receives (snapshot, pong, ack, events, the room events, error, a replay and its
synced) has exactly the fields its published payload schema names, of their types."""

from collections.abc import Iterator

import pytest
from channels.layers import channel_layers

from server.api.asyncapi import asyncapi_document
from server.conferences.models import Meeting
from tests.api.reading import Json, as_dict, as_list
from tests.support.room_sockets import Connect

pytestmark = [pytest.mark.django_db(transaction=True)]

DOCUMENT = asyncapi_document()
MESSAGES = as_dict(as_dict(DOCUMENT["components"])["messages"])
TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": list,
}


@pytest.fixture
def layer() -> Iterator[str]:
    """The in-process layer only: what is sent does not depend on the layer."""
    channel_layers.backends.clear()
    yield "memory"
    channel_layers.backends.clear()


def resolved(schema: Json) -> Json:
    while "$ref" in schema:
        node: object = DOCUMENT
        for part in str(schema["$ref"]).removeprefix("#/").split("/"):
            node = as_dict(node)[part]
        schema = as_dict(node)
    return schema


def mismatches(value: object, schema: Json, where: str) -> list[str]:
    """Where ``value`` departs from ``schema`` (the forms the documents use)."""
    schema = resolved(schema)
    if "anyOf" in schema:
        options = [as_dict(option) for option in as_list(schema["anyOf"])]
        fits = any(not mismatches(value, option, where) for option in options)
        return [] if fits else [f"{where}: {value!r} fits no option"]
    if "const" in schema and value != schema["const"]:
        return [f"{where}: {value!r} is not the constant"]
    if "enum" in schema and value not in as_list(schema["enum"]):
        return [f"{where}: {value!r} is not among its values"]
    kind = str(schema.get("type"))
    if kind == "null" and value is not None:
        return [f"{where}: {value!r} is not null"]
    if kind == "object":
        return _object_mismatches(value, schema, where)
    if kind in TYPES and (
        not isinstance(value, TYPES[kind]) or isinstance(value, bool) != (kind == "boolean")
    ):
        return [f"{where}: {value!r} is not {kind}"]
    if kind == "array" and isinstance(value, list) and isinstance(schema.get("items"), dict):
        items = as_dict(schema["items"])
        return [m for n, item in enumerate(value) for m in mismatches(item, items, f"{where}[{n}]")]
    return []


def _object_mismatches(value: object, schema: Json, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: {value!r} is not an object"]
    properties = as_dict(schema.get("properties", {}))
    if not properties:
        return []
    found = [f"{where}.{key}: missing" for key in as_list(schema["required"]) if key not in value]
    found += [f"{where}.{key}: not published" for key in value if key not in properties]
    for key, inner in value.items():
        if key in properties:
            found += mismatches(inner, as_dict(properties[key]), f"{where}.{key}")
    return found


def published(message: Json) -> list[str]:
    kind = str(message["type"])
    if kind not in MESSAGES:
        return [f"{kind}: not published"]
    return mismatches(message, as_dict(as_dict(MESSAGES[kind])["payload"]), kind)


async def test_what_a_session_receives_is_what_the_protocol_document_says(
    connect: Connect, plenary: Meeting
) -> None:
    chair = await connect("chair", plenary)
    received = [await chair.receive_until("snapshot")]
    operations: list[tuple[str, dict[str, object]]] = [
        ("ping", {}),
        ("chat.send", {"text": "Conforming"}),
        ("hand.raise", {}),
        ("timer.start", {"limit": 60}),
        ("events.fetch", {"after": 0, "until": 3}),
        ("chat.send", {}),
    ]
    for kind, data in operations:
        await chair.send(kind, data)
        received.append(await chair.receive())
        while received[-1]["type"] not in {"pong", "ack", "events", "error"}:
            received.append(await chair.receive())
    again = await connect("chair", plenary, last_seq=0)
    received.append(await again.receive())
    received.append(await again.receive_until("synced"))
    kinds = {message["type"] for message in received}
    assert {"snapshot", "pong", "ack", "events", "error", "chat.message", "synced"} <= kinds
    assert [m for message in received for m in published(message)] == []
