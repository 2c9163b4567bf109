"""``GET /meetings/<id>/media/``: the room, a token for it alone, and whether this
participant publishes — for participants of the meeting only."""

from collections.abc import Callable
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from server.conferences.models import Meeting, Participant
from server.media.rooms import media_room
from server.media.selectors import camera_publisher_id
from server.media.tokens import room_token_valid

pytestmark = [pytest.mark.django_db]


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def media(username: str, meeting: Meeting) -> tuple[int, dict[str, object]]:
    response = client_for(username).get(f"/meetings/{meeting.pk}/media/")
    body: dict[str, object] = response.json()
    return response.status_code, body


def test_a_listener_gets_a_token_for_the_meeting_s_room_alone(
    floor: Participant, plenary: Meeting
) -> None:
    status, body = media("france", plenary)
    assert status == 200
    room = media_room(plenary.pk)
    assert body["room"] == room
    assert body["socket"] == f"/ws/meetings/{plenary.pk}/media/"
    assert room_token_valid(body["token"], room)
    assert not room_token_valid(body["token"], media_room(plenary.pk + 1))
    assert datetime.fromisoformat(str(body["expires"])).tzinfo is not None
    assert (body["publish"], body["publisher"]) == (False, None)
    assert body["floor"] == {
        "participant": floor.pk,
        "name": "Mr. David Otieno",
        "delegation": "Kenya",
    }
    assert (body["ice_servers"], body["gallery"], body["v"]) == ([], False, 1)
    assert body["camera"] is None  # no gallery: no camera beside the floor


def test_with_the_gallery_delegates_publish_their_camera_and_observers_watch(
    plenary: Meeting, person: Callable[[str], Participant], settings: SettingsWrapper
) -> None:
    plenary.conference.camera_gallery = True
    plenary.conference.save()
    settings.MEDIA_GALLERY_TILES = 5
    for username, publish in (("france", True), ("wmo", False), ("chair", False)):
        _, body = media(username, plenary)
        camera = {"id": camera_publisher_id(person(username)), "publish": publish}
        assert (body["camera"], body["gallery_tiles"]) == (camera, 5), username
    assert camera_publisher_id(person("france")) > 2**32  # never a participant's floor id


def test_the_floor_holder_publishes_under_their_own_id(
    floor: Participant, plenary: Meeting
) -> None:
    status, body = media("kenya", plenary)
    assert (status, body["publish"], body["publisher"]) == (200, True, floor.pk)


def test_nobody_publishes_in_a_suspended_meeting(floor: Participant, plenary: Meeting) -> None:
    Meeting.objects.filter(pk=plenary.pk).update(status=Meeting.Status.SUSPENDED)
    _, body = media("kenya", plenary)
    assert (body["publish"], body["floor"]) == (False, None)


def test_the_gallery_and_ice_servers_come_from_the_settings(
    plenary: Meeting, settings: SettingsWrapper
) -> None:
    plenary.conference.camera_gallery = True
    plenary.conference.save()
    settings.ICE_SERVERS = [{"urls": "stun:stun.example.org:3478"}]
    _, body = media("france", plenary)
    assert (body["gallery"], body["ice_servers"]) == (
        True,
        [{"urls": "stun:stun.example.org:3478"}],
    )


def test_participants_only(plenary: Meeting, closed_session: Meeting) -> None:
    assert media("japan", closed_session)[0] == 403  # a closed session Japan is not admitted to
    assert media("kenya", closed_session)[0] == 200
    assert client_for("kenya").get(f"/meetings/{plenary.pk + 1000}/media/").status_code == 404
    anonymous = Client().get(f"/meetings/{plenary.pk}/media/")
    assert anonymous.status_code == 302  # to the login page, as the room page


def test_bad_requests_are_refused(plenary: Meeting) -> None:
    client = client_for("kenya")
    assert client.post(f"/meetings/{plenary.pk}/media/").status_code == 405
    assert client.get(f"/meetings/{plenary.pk}x/media/").status_code == 404
    assert client.get(f"/meetings/{'9' * 30}/media/").status_code == 404
