"""The room socket as an AsyncAPI 3 document: every client message with its ``data``
schema (the operations' declared input) and every server message with its payload (the
event registry, ``EVENT_PAYLOADS``, and the messages' types)."""

from server.captions import events as caption_events
from server.common.schemas import Operation
from server.rooms import messages
from server.rooms.actions import ACTIONS
from server.rooms.events import EVENT_PAYLOADS, PROTOCOL_VERSION, ParticipantRef
from server.rooms.schemas import SOCKET_ONLY
from server.rooms.selectors import Snapshot

from .jsonschema import Components, Schema

UNSEQUENCED: dict[str, object] = {
    "snapshot": Snapshot,
    "synced": messages.Synced,
    "sealed": messages.Sealed,
    "ack": messages.Ack,
    "pong": messages.Pong,
    "events": messages.EventsPage,
    "error": messages.ErrorMessage,
    "you.changed": messages.YouChanged,
    "batch": messages.Batch,
    caption_events.CaptionEvent.DRAFT: caption_events.CaptionDraft,
    caption_events.CaptionEvent.STATUS: caption_events.CaptionStatus,
}
"""Server messages that are not room events → their whole form."""


def client_messages() -> dict[str, type[Operation]]:
    """Every message type a client may send → the schema of its ``data``."""
    return SOCKET_ONLY | {name: action.schema for name, action in sorted(ACTIONS.items())}


def server_messages() -> list[str]:
    return sorted([*EVENT_PAYLOADS, *UNSEQUENCED])


def _client_message(components: Components, name: str, schema: type[Operation]) -> Schema:
    """The message's whole form, named by its type in ``components.schemas``."""
    components.schemas[name] = {
        "type": "object",
        "properties": {
            "type": {"const": name},
            "id": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]},
            "data": components.model(schema),
        },
        "required": ["type"],
    }
    return components.ref(name)


def _event(components: Components, name: str, payload: object) -> Schema:
    return {
        "type": "object",
        "properties": {
            "v": {"const": PROTOCOL_VERSION},
            "type": {"const": name},
            "seq": {"type": "integer", "minimum": 1},
            "ts": {"type": "string", "format": "date-time"},
            "actor": {"anyOf": [components.of(ParticipantRef), {"type": "null"}]},
            "data": components.of(payload),
        },
        "required": ["v", "type", "seq", "ts", "data"],
    }


def _message(name: str, payload: Schema, summary: str) -> Schema:
    return {"name": name, "title": name, "summary": summary, "payload": payload}


def _refs(names: list[str]) -> list[Schema]:
    return [{"$ref": f"#/channels/room/messages/{name}"} for name in names]


def asyncapi_document() -> Schema:
    components = Components()
    sent = {
        name: _message(name, _client_message(components, name, schema), schema.__doc__ or name)
        for name, schema in client_messages().items()
    }
    received = {
        name: _message(name, _event(components, name, payload), "A room event (sequenced).")
        for name, payload in EVENT_PAYLOADS.items()
    } | {
        name: _message(name, components.of(whole), "Not sequenced, not stored.")
        for name, whole in UNSEQUENCED.items()
    }
    components.schemas["ClientMessage"] = {
        "description": "Any client message: a union discriminated by `type`.",
        "oneOf": [components.ref(name) for name in sorted(sent)],
        "discriminator": {
            "propertyName": "type",
            "mapping": {name: components.ref(name)["$ref"] for name in sorted(sent)},
        },
    }
    all_messages = dict(sorted((sent | received).items()))
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Plenary room socket",
            "version": str(PROTOCOL_VERSION),
            "description": "One WebSocket per meeting room; JSON text frames. Prose: "
            "docs/protocol.md.",
        },
        "channels": {
            "room": {
                "address": "/ws/meetings/{meeting_id}/",
                "parameters": {"meeting_id": {"description": "The meeting's id."}},
                "messages": {
                    name: {"$ref": f"#/components/messages/{name}"} for name in all_messages
                },
            }
        },
        "operations": {
            "clientMessage": {
                "action": "receive",
                "channel": {"$ref": "#/channels/room"},
                "summary": "What a client sends.",
                "messages": _refs(sorted(sent)),
            },
            "serverMessage": {
                "action": "send",
                "channel": {"$ref": "#/channels/room"},
                "summary": "What the server sends.",
                "messages": _refs(sorted(received)),
            },
        },
        "components": {"messages": all_messages, "schemas": components.schemas},
    }
