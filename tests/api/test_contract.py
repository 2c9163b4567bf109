"""The OpenAPI document is a contract: bodies generated (Hypothesis) from each operation's
published request schema pass that operation's schema on the server — answered 200 or with
a refusal the document lists, never ``missing_field``, ``wrong_type`` or ``bad_message``,
never a 500 or a traceback — and a success answers what the document says."""

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import Settings as SettingsWrapper

from server.api.openapi import openapi_document
from server.common.ratelimit import user_buckets_reset
from server.conferences.models import Meeting
from tests.api.reading import Json, as_dict, as_list
from tests.fuzz.conftest import client_for, faults
from tests.fuzz.strategies import fuzz_settings

pytestmark = [pytest.mark.django_db]

DOCUMENT = openapi_document()
SCHEMAS = as_dict(as_dict(DOCUMENT["components"])["schemas"])
PATHS = as_dict(DOCUMENT["paths"])
ACTION_PATHS = sorted(path for path in PATHS if "/actions/" in path)
SCHEMA_REFUSALS = {"missing_field", "wrong_type", "bad_message", "bad_json", "internal"}

Strategy = st.SearchStrategy[object]
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
JSON_SCALAR: Strategy = st.one_of(st.none(), st.booleans(), st.integers(-9, 9), TEXT)


def from_schema(schema: Json) -> Strategy:
    """Values valid under ``schema`` (the JSON Schema forms the document uses)."""
    if "$ref" in schema:
        return from_schema(as_dict(SCHEMAS[str(schema["$ref"]).rsplit("/", 1)[1]]))
    if "anyOf" in schema:
        return st.one_of([from_schema(as_dict(s)) for s in as_list(schema["anyOf"])])
    if "enum" in schema:
        return st.sampled_from(as_list(schema["enum"]))
    make = _BY_TYPE.get(str(schema.get("type")))
    return JSON_SCALAR if make is None else make(schema)  # no type: any JSON value


def _integer(schema: Json) -> Strategy:
    low, high = schema.get("minimum"), schema.get("maximum")
    assert isinstance(low, int) and isinstance(high, int)
    return st.one_of(st.integers(0, 6), st.integers(low, high))  # small ones name real rows


def _array(schema: Json) -> Strategy:
    if "prefixItems" in schema:
        items = [from_schema(as_dict(s)) for s in as_list(schema["prefixItems"])]
        return st.tuples(*items).map(list)
    return st.lists(from_schema(as_dict(schema.get("items", {}))), max_size=3)


def _object(schema: Json) -> Strategy:
    properties = {name: as_dict(s) for name, s in as_dict(schema.get("properties", {})).items()}
    if not properties:
        return st.dictionaries(st.sampled_from(["kind", "words", "clause"]), JSON_SCALAR)
    required = as_list(schema.get("required", []))
    return st.fixed_dictionaries(
        {name: from_schema(s) for name, s in properties.items() if name in required},
        optional={name: from_schema(s) for name, s in properties.items() if name not in required},
    )


_BY_TYPE: dict[str, Callable[[Json], Strategy]] = {
    "string": lambda _: TEXT,
    "integer": _integer,
    "number": lambda _: st.floats(-1e6, 1e6, allow_nan=False),
    "boolean": lambda _: st.booleans(),
    "null": lambda _: st.none(),
    "array": _array,
    "object": _object,
}


def _post(path: str) -> Json:
    return as_dict(as_dict(PATHS[path])["post"])


def request_body(path: str) -> Strategy:
    content = as_dict(as_dict(_post(path)["requestBody"])["content"])
    return from_schema(as_dict(as_dict(content["application/json"])["schema"]))


@st.composite
def operations(draw: st.DrawFn) -> tuple[str, object]:
    path = draw(st.sampled_from(ACTION_PATHS))
    return path, draw(request_body(path))


@contextmanager
def undone() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def chair(demo: object, settings: SettingsWrapper) -> Client:
    settings.ROOM_RATE_BURST = 10**6
    user_buckets_reset()
    return client_for("chair")


@fuzz_settings(100)
@given(operation=operations())
def test_bodies_the_document_allows_pass_the_servers_schema(
    plenary: Meeting, chair: Client, caplog: pytest.LogCaptureFixture, operation: tuple[str, object]
) -> None:
    caplog.clear()
    path, body = operation
    declared = as_dict(_post(path)["responses"])
    with undone():
        response = chair.post(
            path.replace("{meeting_id}", str(plenary.pk)),
            json.dumps(body),
            content_type="application/json",
        )
    answer = json.loads(response.content)
    assert str(response.status_code) in declared
    assert answer.get("code") not in SCHEMA_REFUSALS, (path, body, answer)
    if response.status_code == 200:
        assert isinstance(answer["seqs"], list)
    assert faults(caplog) == []


def test_every_operation_is_generated_from() -> None:
    assert len(ACTION_PATHS) == len({p.rsplit("/", 1)[1] for p in ACTION_PATHS}) >= 30
