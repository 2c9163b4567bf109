"""Generated input against every HTTP endpoint: the room actions (every operation, the
negotiation's and captions' too), the events a client missed, the pages that read query
parameters, the exports and the minutes forms. Never a 500, never ``internal``, never a
traceback in the log; and a refused request changes nothing stored."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest
from django.contrib.messages import constants, get_messages
from django.db import transaction
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from server.captions.models import TranscriptSegment
from server.conferences.models import Meeting
from server.minutes.models import Minutes
from server.negotiation.models import NegotiationText
from server.rooms.actions import ACTIONS

from .conftest import client_for, db_state, faults
from .strategies import (
    EXAMPLES,
    RAW,
    data,
    field_name,
    fuzz_settings,
    hostile_int,
    hostile_text,
    parameter_value,
    query_value,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Reply

pytestmark = [pytest.mark.django_db]

USERS = ["chair", "secretariat", "kenya", "spain", "wmo", None]
users = st.sampled_from(USERS)


@pytest.fixture
def clients(demo: object) -> dict[str | None, Client]:
    return {username: client_for(username) for username in USERS}


@contextmanager
def undone() -> Iterator[None]:
    """Each example starts from the same state: what it changed is rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def assert_served(response: "Reply", caplog: pytest.LogCaptureFixture) -> None:
    assert response.status_code < 500, response.content[:300]
    if response.get("Content-Type", "").startswith("application/json"):
        assert json.loads(response.content).get("code") != "internal"
    assert faults(caplog) == []


ids = st.one_of(hostile_int.map(str), st.sampled_from(["0", "1", "2", "3", "5", "9" * 30]))


@fuzz_settings(60)
@given(
    user=users,
    action=st.one_of(st.sampled_from(sorted(ACTIONS)), hostile_text),
    payload=st.one_of(data, RAW),
    on_the_text=st.booleans(),
)
def test_fuzz_room_actions(
    plenary: Meeting,
    negotiated: NegotiationText,
    clients: dict[str | None, Client],
    caplog: pytest.LogCaptureFixture,
    user: str | None,
    action: str,
    payload: dict[str, object] | str,
    on_the_text: bool,
) -> None:
    caplog.clear()  # this example's records only
    if isinstance(payload, dict) and on_the_text:
        payload["text"] = negotiated.pk  # past the first check, on to the operation's own
    body = payload if isinstance(payload, str) else json.dumps(payload)
    url = f"/api/meetings/{plenary.pk}/actions/{query_value(action)}"
    with undone():
        before = db_state()
        response = clients[user].post(url, body, content_type="application/json")
        assert_served(response, caplog)
        if response.status_code != 200:
            assert db_state() == before


# Each page or form with the parameters it reads: generated values go where they are read.
PAGES = {
    "/": [],
    "/meetings/{meeting}/": [],
    "/api/meetings/{meeting}/events": ["after", "until"],
    "/negotiation/": [],
    "/negotiation/{text}/": ["at", "meeting"],
    "/negotiation/{text}/body": [],
    "/negotiation/{text}/diff": ["from", "to"],
    "/negotiation/{text}/clauses/{key}/": [],
    "/negotiation/{text}/clauses/{key}/history.{fmt}": [],
    "/negotiation/{text}/export/{document}.{fmt}": [],
    "/minutes/meetings/{meeting}/": [],
    "/minutes/{minutes}/": ["language"],
    "/minutes/{minutes}/audit": [],
    "/minutes/{minutes}/export.{fmt}": ["language"],
    "/login/": ["next"],
}
FORMS = {
    "/minutes/meetings/{meeting}/": ["form", "language"],
    "/minutes/{minutes}/issue": [],
    "/minutes/{minutes}/reopen": ["reason"],
    "/minutes/{minutes}/summary": ["turn", "text"],
    "/minutes/{minutes}/summary/draft": ["turn"],
    "/minutes/{minutes}/segments/{segment}/correct": ["language", "text", "reason", "view"],
    "/login/": ["username", "password"],
}


def with_fields(
    paths: dict[str, list[str]],
) -> st.SearchStrategy[tuple[str, list[tuple[str, str]]]]:
    """A path (those that read more fields more often), a value for each field it reads,
    and maybe fields it does not read."""
    weighted = [path for path in sorted(paths) for _ in range(1 + len(paths[path]))]
    return st.sampled_from(weighted).flatmap(
        lambda path: st.tuples(
            st.just(path),
            st.builds(
                lambda read, others: [*zip(paths[path], read, strict=True), *others],
                st.tuples(*[parameter_value for _ in paths[path]]),
                st.lists(st.tuples(field_name, parameter_value), max_size=2),
            ),
        )
    )


def encoded(fields: list[tuple[str, str]]) -> str:
    return "&".join(f"{query_value(k)}={query_value(v)}" for k, v in fields)


# Real formats seldom: a PDF takes a while, and the export tests cover each.
formats = st.sampled_from(["html", "xml", "md", "docx", "pdf"]) | hostile_text
pdf_free = formats.filter(lambda fmt: fmt != "pdf") if EXAMPLES == 0 else formats


@fuzz_settings(100)
@given(
    user=users,
    page=with_fields(PAGES),
    number=st.one_of(st.just("{real}"), st.just("{real}"), st.just("{real}"), ids),
    fmt=pdf_free,
    document=st.sampled_from(["compilation", "clean"]) | hostile_text,
)
def test_fuzz_pages_and_exports(
    recorded: Meeting,
    minutes: Minutes,
    negotiated: NegotiationText,
    clients: dict[str | None, Client],
    caplog: pytest.LogCaptureFixture,
    user: str | None,
    page: tuple[str, list[tuple[str, str]]],
    number: str,
    fmt: str,
    document: str,
) -> None:
    caplog.clear()  # this example's records only
    real = {
        "meeting": str(recorded.pk),
        "text": str(negotiated.pk),
        "key": "5",
        "minutes": str(minutes.pk),
    }
    path = page[0].format(
        **{name: number.replace("{real}", value) for name, value in real.items()},
        fmt=query_value(fmt),
        document=query_value(document),
    )
    response = clients[user].get(f"{path}?{encoded(page[1])}")
    assert_served(response, caplog)


def refused(response: "Reply") -> bool:
    """A form's answer says what went wrong (an error message), or it is an error itself."""
    if response.status_code >= 400:
        return True
    shown = get_messages(response.wsgi_request)
    return any(message.level == constants.ERROR for message in shown)


@fuzz_settings(100)
@given(user=users, form=with_fields(FORMS), on_a_statement=st.booleans())
def test_fuzz_minutes_forms(
    recorded: Meeting,
    minutes: Minutes,
    clients: dict[str | None, Client],
    caplog: pytest.LogCaptureFixture,
    user: str | None,
    form: tuple[str, list[tuple[str, str]]],
    on_a_statement: bool,
) -> None:
    caplog.clear()  # this example's records only
    segment = TranscriptSegment.objects.filter(meeting=recorded).first()
    assert segment is not None
    path = form[0].format(meeting=recorded.pk, minutes=minutes.pk, segment=segment.pk)
    fields = [("turn", str(segment.turn_id))] if on_a_statement else []
    body = encoded(fields + form[1])
    client = clients[user]
    client.cookies.pop("messages", None)  # what earlier examples said
    with undone():
        before = db_state()
        response = client.post(path, body, content_type="application/x-www-form-urlencoded")
        assert_served(response, caplog)
        if refused(response):
            assert db_state() == before
