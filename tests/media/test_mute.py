"""``media.mute``: the chair mutes the floor holder's microphone for every listener (a room
event the floor holder's media socket applies in Janus)."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from server.conferences.models import Meeting, Participant
from server.rooms.models import RoomEvent

pytestmark = [pytest.mark.django_db]


def mute(username: str, meeting: Meeting, data: object) -> tuple[int, dict[str, object]]:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    response = client.post(
        f"/api/meetings/{meeting.pk}/actions/media.mute",
        data=json.dumps(data),
        content_type="application/json",
    )
    body: dict[str, object] = response.json()
    return response.status_code, body


@pytest.mark.parametrize("username", ["chair", "vicechair", "facilitator"])
def test_the_presiding_officers_mute_and_unmute_the_floor(
    floor: Participant, plenary: Meeting, username: str
) -> None:
    for data, muted in (({}, True), ({"mute": False}, False)):
        status, _ = mute(username, plenary, data)
        assert status == 200
        event = RoomEvent.objects.filter(meeting=plenary).latest("seq")
        assert event.type == "media.muted"
        assert (event.data["participant"]["id"], event.data["muted"]) == (floor.pk, muted)


@pytest.mark.parametrize("username", ["kenya", "france", "secretariat", "wmo"])
def test_nobody_else_may_mute(floor: Participant, plenary: Meeting, username: str) -> None:
    before = RoomEvent.objects.count()
    assert mute(username, plenary, {}) == (
        403,
        {
            "code": "forbidden",
            "message": "Only the chair, a vice-chair or a facilitator may do this.",
        },
    )
    assert RoomEvent.objects.count() == before


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        ({"mute": "yes"}, 400, "wrong_type"),
        ({"mute": 1}, 400, "wrong_type"),
        ({"mute": None}, 400, "wrong_type"),
        ([], 400, "bad_message"),
    ],
)
def test_bad_input_is_refused(
    floor: Participant, plenary: Meeting, data: object, status: int, code: str
) -> None:
    before = RoomEvent.objects.count()
    got, body = mute("chair", plenary, data)
    assert (got, body["code"]) == (status, code)
    assert RoomEvent.objects.count() == before


def test_there_is_nobody_to_mute_without_a_floor_holder(plenary: Meeting) -> None:
    assert mute("chair", plenary, {})[1]["code"] == "conflict"
