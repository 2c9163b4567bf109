"""The HTTP API as an OpenAPI 3.1 document: each room operation's action endpoint with its
declared input, the events endpoint, the negotiation and minutes pages, exports and forms,
and these documents. Paths and path parameters come from the URL configuration; every
route a client may call is declared in ``ROUTES`` (a test holds the two equal)."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

from server.common.values import INTEGER_MAX
from server.minutes import exports as minutes_exports
from server.negotiation import exports as negotiation_exports
from server.rooms.actions import ACTIONS
from server.rooms.events import PROTOCOL_VERSION, WireEvent

from .jsonschema import Components, Schema

SEQUENCE: Schema = {"type": "integer", "minimum": 0, "maximum": INTEGER_MAX}
TEXT: Schema = {"type": "string"}


@dataclass(frozen=True)
class Route:
    summary: str
    methods: tuple[str, ...] = ("get",)
    query: dict[str, Schema] = field(default_factory=dict)
    form: dict[str, Schema] = field(default_factory=dict)
    """The fields of a POST form (``application/x-www-form-urlencoded``)."""
    formats: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Path parameters that take one of a few values."""
    public: bool = False
    forbidden: bool = False
    """A page some participants may not open (403), besides forms, which all may refuse."""


ROUTES: dict[str, Route] = {
    "meeting-list": Route("My meetings and the texts of their conferences (page)."),
    "meeting-room": Route("A meeting's room (page; the room runs over its socket)."),
    "meeting-interpret": Route(
        "The interpreter's console of a meeting (page; interpreters of its booths only).",
        forbidden=True,
    ),
    "meeting-media": Route(
        "How to see and hear the meeting's floor: a Janus room, a short-lived token (JSON)."
    ),
    "protocol-constants": Route("The protocol's constants for clients.", public=True),
    "interface-language": Route(
        "Choose the interface's language: the participant's own setting once logged in, the"
        " browser's cookie before; then back to ``next`` (a page of this site).",
        methods=("post",),
        form={"language": TEXT, "next": TEXT},
    ),
    "javascript-catalog": Route(
        "The pages' translations in the page's language (a script).", public=True
    ),
    "api-schema": Route("This document.", public=True),
    "api-protocol": Route("The room socket as an AsyncAPI document.", public=True),
    "meeting-events": Route(
        "The events a client missed (at most 1000).",
        query={"after": SEQUENCE, "until": SEQUENCE},
    ),
    "negotiation-texts": Route("The negotiation texts I may read (page)."),
    "negotiation-text": Route(
        "A text (page), as it stands or after event ``at``.",
        query={"meeting": SEQUENCE, "at": SEQUENCE},
    ),
    "negotiation-body": Route("A text's body (HTML fragment)."),
    "negotiation-diff": Route(
        "The text after event ``to`` against the text after event ``from`` (page).",
        query={"from": SEQUENCE, "to": SEQUENCE},
    ),
    "negotiation-receipt": Route("A receipt for the text's record as it stands (JSON)."),
    "negotiation-clause": Route("A clause's history (page)."),
    "negotiation-history-export": Route(
        "A clause's history as a document.", formats={"fmt": negotiation_exports.FORMATS}
    ),
    "negotiation-export": Route(
        "The text as a document.",
        formats={"document": negotiation_exports.DOCUMENTS, "fmt": negotiation_exports.FORMATS},
    ),
    "minutes-meeting": Route(
        "A meeting's minutes (page); POST starts a draft.",
        methods=("get", "post"),
        form={"form": TEXT, "language": TEXT},
    ),
    "glossary": Route("The conference's glossary (page).", query={"q": TEXT}),
    "glossary-term-save": Route(
        "Add or change a term (the secretariat); one ``equivalent-<language>`` field each.",
        methods=("post",),
        form={"term_id": SEQUENCE, "language": TEXT, "term": TEXT},
    ),
    "glossary-term-delete": Route(
        "Remove a term (the secretariat).", methods=("post",), form={"term_id": SEQUENCE}
    ),
    "minutes-page": Route("A draft or issued record (page)."),
    "minutes-audit": Route("The record's corrections and decisions (page)."),
    "minutes-export": Route("The record as a document.", formats={"fmt": minutes_exports.FORMATS}),
    "minutes-issue": Route("Issue the record.", methods=("post",)),
    "minutes-reopen": Route("Reopen an issued record.", methods=("post",), form={"reason": TEXT}),
    "minutes-summary": Route(
        "Save a turn's summary.", methods=("post",), form={"turn": SEQUENCE, "text": TEXT}
    ),
    "minutes-summary-draft": Route(
        "Draft a turn's summary from its transcript.", methods=("post",), form={"turn": SEQUENCE}
    ),
    "minutes-correct": Route(
        "Correct a transcript segment.",
        methods=("post",),
        form={"language": TEXT, "text": TEXT, "reason": TEXT, "view": TEXT},
    ),
}
"""Every route a client calls, by URL name, but the room actions (one path per operation)
and the accounts' and the admin's own pages."""

ACTION_ROUTE = "meeting-action"
NOT_PUBLISHED = ("admin:", "login", "logout", "password")
_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def url_routes() -> Iterator[tuple[str, str, dict[str, str]]]:
    """(URL name, path template, path parameter → converter) for every named route."""

    def walk(
        patterns: list[URLPattern | URLResolver], prefix: str, space: str
    ) -> Iterator[tuple[str, str, dict[str, str]]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{space}{pattern.namespace}:" if pattern.namespace else space
                yield from walk(pattern.url_patterns, route, inner)
            elif pattern.name:
                converters = {name: kind or "str" for kind, name in _PARAMETER.findall(route)}
                yield space + pattern.name, "/" + _PARAMETER.sub(r"{\2}", route), converters

    yield from walk(get_resolver().url_patterns, "", "")


def published_routes() -> Iterator[tuple[str, str, dict[str, str]]]:
    return (r for r in url_routes() if not r[0].startswith(NOT_PUBLISHED))


def _path_parameters(
    converters: dict[str, str], formats: dict[str, tuple[str, ...]]
) -> list[Schema]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "enum": list(formats[name])}
            if name in formats
            else SEQUENCE
            if kind == "int"
            else TEXT,
        }
        for name, kind in converters.items()
        if name != "action"
    ]


_ERROR: Schema = {
    "type": "object",
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
    "required": ["code", "message"],
}
_REFUSALS = {
    "400": "Input refused: `missing_field`, `wrong_type`, `invalid`, `bad_json`, `bad_message`.",
    "403": "`forbidden`: not this participant's right, or a closed session.",
    "404": "`not_found`: no such meeting, or not a participant.",
    "409": "`conflict`: the state does not allow it now.",
    "429": "`rate_limited`: the user's budget, shared with their sockets (`Retry-After`).",
}


def _action_operations(
    components: Components, template: str, converters: dict[str, str]
) -> dict[str, Schema]:
    paths: dict[str, Schema] = {}
    for name, action in sorted(ACTIONS.items()):
        paths[template.replace("{action}", name)] = {
            "post": {
                "operationId": "action_" + name.replace(".", "_"),
                "summary": f"Room operation `{name}`, as the socket message of that type.",
                "tags": [name.split(".")[0]],
                "parameters": _path_parameters(converters, {}),
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": components.model(action.schema)}},
                },
                "responses": {
                    "200": {
                        "description": "Done: the events it caused.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"seqs": {"type": "array", "items": SEQUENCE}},
                                    "required": ["seqs"],
                                }
                            }
                        },
                    },
                    **{
                        status: {
                            "description": text,
                            "content": {"application/json": {"schema": components.ref("Error")}},
                        }
                        for status, text in _REFUSALS.items()
                    },
                },
            }
        }
    return paths


def _page_responses(route: Route, method: str, has_path_parameters: bool) -> Schema:
    """What a page, export or form answers: besides success, the refusals it can give."""
    responses: Schema = {
        "200": {"description": "OK"},
        "302": {"description": "Not logged in (to the login page), or a form's way back."},
    }
    if route.query or route.form or method == "post":
        responses["400"] = {"description": "A value the server refuses, with the reason."}
    if method == "post" or route.forbidden:
        responses["403"] = {"description": "Not the user's to do."}
    if has_path_parameters:
        responses["404"] = {"description": "No such record, or not one the user may read."}
    return responses


def _operation(name: str, route: Route, method: str, converters: dict[str, str]) -> Schema:
    operation: Schema = {
        "operationId": f"{method}_{name.replace('-', '_')}",
        "summary": route.summary,
        "tags": [name.split("-")[0]],
        "parameters": _path_parameters(converters, route.formats)
        + [
            {"name": key, "in": "query", "required": False, "schema": schema}
            for key, schema in route.query.items()
        ],
        "responses": _page_responses(route, method, bool(converters)),
    }
    if route.public:
        operation["security"] = []
        operation["responses"] = {"200": {"description": "OK"}}
    if method == "post":
        operation["requestBody"] = {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": route.form}
                }
            }
        }
    return operation


def openapi_document() -> Schema:
    components = Components()
    components.schemas["Error"] = _ERROR
    paths: dict[str, Schema] = {}
    for name, template, converters in published_routes():
        if name == ACTION_ROUTE:
            paths |= _action_operations(components, template, converters)
            continue
        route = ROUTES[name]
        paths[template] = {m: _operation(name, route, m, converters) for m in route.methods}
    events = paths["/api/meetings/{meeting_id}/events"]["get"]
    assert isinstance(events, dict)
    events["responses"]["200"] = {
        "description": "The events after ``after``, up to ``until``.",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"events": {"type": "array", "items": components.of(WireEvent)}},
                }
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Plenary HTTP API",
            "version": str(PROTOCOL_VERSION),
            "description": "Session cookie and CSRF token as for any form; prose: "
            "docs/protocol.md. The room socket: /api/protocol/ (AsyncAPI).",
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": components.schemas,
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "sessionid"}},
        },
        "security": [{"session": []}],
    }
