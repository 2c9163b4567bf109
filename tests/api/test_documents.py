"""The published contracts: /api/schema/ (OpenAPI) and /api/protocol/ (AsyncAPI) are public
JSON, generated from the operations' schemas and the events' types; docs/protocol.md names
the same message types; the server accepts what the OpenAPI document says it takes."""

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from server.api.asyncapi import client_messages, server_messages
from server.api.openapi import ACTION_ROUTE, ROUTES, published_routes
from server.rooms.actions import ACTIONS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def document(address: str) -> dict[str, object]:
    response = Client().get(address)  # nobody logged in
    assert (response.status_code, response["Content-Type"]) == (200, "application/json")
    body: dict[str, object] = json.loads(response.content)
    return body


def test_the_openapi_document_is_public_and_has_each_operations_schema() -> None:
    openapi = document("/api/schema/")
    paths = openapi["paths"]
    assert isinstance(paths, dict) and openapi["openapi"] == "3.1.0"
    bodies = {
        path.rsplit("/", 1)[1]: operation["post"]["requestBody"]["content"]["application/json"]
        for path, operation in paths.items()
        if "/actions/" in path
    }
    assert bodies == {
        name: {"schema": {"$ref": f"#/components/schemas/{action.schema.__name__}"}}
        for name, action in ACTIONS.items()
    }
    events = paths["/api/meetings/{meeting_id}/events"]["get"]["parameters"]
    assert [(p["name"], p["in"]) for p in events] == [
        ("meeting_id", "path"),
        ("after", "query"),
        ("until", "query"),
    ]
    assert paths["/minutes/{minutes_id}/reopen"]["post"]["requestBody"]  # a form's fields
    assert paths["/api/protocol/"]["get"]["security"] == []


def test_every_route_a_client_calls_is_declared_once() -> None:
    named = {name for name, _, _ in published_routes()}
    assert named - {ACTION_ROUTE} == set(ROUTES)


def test_the_asyncapi_document_is_public_and_has_every_message() -> None:
    asyncapi = document("/api/protocol/")
    assert asyncapi["asyncapi"] == "3.0.0"
    messages = asyncapi["components"]["messages"]  # type: ignore[index]
    assert sorted(messages) == sorted({*client_messages(), *server_messages()})
    schemas = asyncapi["components"]["schemas"]  # type: ignore[index]
    assert messages["negotiation.propose"]["payload"] == {
        "$ref": "#/components/schemas/negotiation.propose"
    }
    propose = schemas["negotiation.propose"]["properties"]["data"]
    assert propose == {"$ref": "#/components/schemas/Propose"}
    union = schemas["ClientMessage"]
    assert sorted(union["discriminator"]["mapping"]) == sorted(client_messages())
    final = messages["caption.final"]["payload"]["properties"]["data"]["$ref"]
    fields = schemas[final.rsplit("/", 1)[1]]["properties"]
    assert {"segment", "turn", "speaker", "language", "text"} <= set(fields)


def docs_types() -> tuple[set[str], set[str]]:
    """(client message types, server message types) that docs/protocol.md names: in its
    tables (a `who` column marks a client's), its JSON examples and its negotiation kinds."""
    client: set[str] = set()
    server: set[str] = set()
    header = ""
    text = DOCS.read_text()
    for line in text.splitlines():
        if line.startswith("| type |"):
            header = line
        elif line.startswith("| `") and header:
            names = set(re.findall(r"`([a-z_.]+)`", line.split(" | ")[0]))
            (client if "| who |" in header else server).update(names)
        elif not line.startswith("|"):
            header = ""
    server |= set(re.findall(r'"type":"([a-z_.]+)"', text)) - client
    kinds = re.search(r"Kinds: (.*?)\(payload", text, re.DOTALL)
    assert kinds is not None
    server |= {f"negotiation.{kind}" for kind in re.findall(r"`([a-z_.]+)`", kinds.group(1))}
    return client, server


def test_docs_name_the_message_types_the_protocol_document_has() -> None:
    client, server = docs_types()
    assert (sorted(client), sorted(server)) == (sorted(client_messages()), server_messages())


def refs(value: object) -> set[str]:
    if isinstance(value, dict):
        found = {value["$ref"]} if isinstance(value.get("$ref"), str) else set()
        return found.union(*(refs(inner) for inner in value.values()))
    if isinstance(value, list):
        return set().union(*(refs(inner) for inner in value))
    return set()


def resolves(root: object, pointer: str) -> bool:
    node = root
    for part in pointer.removeprefix("#/").split("/"):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


@pytest.mark.parametrize("address", ["/api/schema/", "/api/protocol/"])
def test_every_reference_in_a_document_resolves(address: str) -> None:
    body = document(address)
    found = refs(body)
    assert len(found) > 20
    assert [ref for ref in sorted(found) if not resolves(body, ref)] == []
