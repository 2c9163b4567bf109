"""The room over HTTP: missed events, and the socket's operations with the same checks."""

import json

import pytest
from django.test import Client

from server.conferences.models import Meeting
from server.rooms.models import RoomEvent

pytestmark = [pytest.mark.django_db]


def client_for(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def post(
    client: Client, meeting: Meeting, action: str, data: object
) -> tuple[int, dict[str, object]]:
    response = client.post(
        f"/api/meetings/{meeting.pk}/actions/{action}",
        data=json.dumps(data),
        content_type="application/json",
    )
    body: dict[str, object] = response.json()
    return response.status_code, body


def test_an_operation_over_http_appends_the_same_event(plenary: Meeting) -> None:
    status, body = post(client_for("kenya"), plenary, "chat.send", {"text": "By HTTP"})
    assert status == 200
    event = RoomEvent.objects.get(meeting=plenary, seq=body["seqs"][0])  # type: ignore[index]
    assert (event.type, event.data["text"]) == ("chat.message", "By HTTP")


@pytest.mark.parametrize(
    ("username", "action", "data", "status", "code"),
    [
        ("kenya", "meeting.suspend", {}, 403, "forbidden"),
        ("kenya", "floor.steal", {}, 400, "unknown_type"),
        ("kenya", "chat.send", {"text": 5}, 400, "wrong_type"),
        ("kenya", "chat.send", [], 400, "bad_message"),
        ("chair", "meeting.open", {}, 409, "conflict"),
        ("chair", "floor.give", {"participant": 999999}, 404, "not_found"),
    ],
)
def test_refusals_over_http_name_the_problem(
    plenary: Meeting, username: str, action: str, data: object, status: int, code: str
) -> None:
    before = RoomEvent.objects.count()
    got_status, body = post(client_for(username), plenary, action, data)
    assert (got_status, body["code"]) == (status, code)
    assert RoomEvent.objects.count() == before


def test_closed_session_over_http_is_forbidden_to_others(closed_session: Meeting) -> None:
    status, body = post(client_for("senegal"), closed_session, "chat.send", {"text": "hi"})
    assert (status, body["code"]) == (403, "forbidden")


def test_missed_events_over_http(plenary: Meeting) -> None:
    client = client_for("kenya")
    for n in range(3):
        post(client, plenary, "chat.send", {"text": f"n{n}"})
    response = client.get(f"/api/meetings/{plenary.pk}/events?after=1&until=2")
    assert [e["seq"] for e in response.json()["events"]] == [2]
    assert client.get(f"/api/meetings/{plenary.pk}/events?after=x").status_code == 400
    assert Client().get(f"/api/meetings/{plenary.pk}/events").status_code == 302
