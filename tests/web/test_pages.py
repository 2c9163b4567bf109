"""The pages, server side: logging in, who sees which meetings, and which controls."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from server.captions.events import EPHEMERAL_TYPES, CaptionEvent
from server.conferences.models import Conference, Meeting, Participant
from server.negotiation.demo import negotiation_demo_load
from server.negotiation.events import NegotiationChange
from server.rooms import admission
from server.rooms.events import EVENT_PAYLOADS, EventType
from server.rooms.protocol import CLOSE_TOO_SLOW
from server.rooms.services import TRANSITIONS

pytestmark = [pytest.mark.django_db]


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def room_page(username: str, meeting: Meeting) -> str:
    return client_for(username).get(f"/meetings/{meeting.pk}/").content.decode()


def test_pages_need_a_login(plenary: Meeting) -> None:
    for path in ["/", f"/meetings/{plenary.pk}/"]:
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={path}"


def test_logging_in_through_the_form_leads_to_my_meetings(plenary: Meeting) -> None:
    client = Client()
    form = client.get("/login/").content.decode()
    assert '<label for="id_username">Username</label>' in form
    assert '<label for="id_password">Password</label>' in form
    wrong = client.post("/login/", {"username": "kenya", "password": "nope"})
    assert wrong.status_code == 200 and b'role="alert"' in wrong.content
    response = client.post("/login/", {"username": "kenya", "password": "plenary-demo"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/login/")["Location"] == "/"  # already logged in


def test_meeting_list_shows_only_meetings_one_may_attend(
    plenary: Meeting, closed_session: Meeting
) -> None:
    senegal = client_for("senegal").get("/").content.decode()
    assert plenary.title in senegal and closed_session.title not in senegal
    for admitted in ("chair", "kenya"):
        page = client_for(admitted).get("/").content.decode()
        assert plenary.title in page and closed_session.title in page


def test_meeting_list_says_conference_kind_and_status(plenary: Meeting) -> None:
    page = client_for("kenya").get("/").content.decode()
    row = re.search(
        rf"<tr>\s*<th scope=\"row\"><a href=\"/meetings/{plenary.pk}/\">.*?</tr>", page, re.S
    )
    assert row is not None
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row.group(0), re.S)
    ]
    assert cells == ["Summit on Climate Finance", "Plenary", "Open", "Delegate, Kenya"]


def test_room_page_refuses_those_not_admitted(closed_session: Meeting) -> None:
    refused = client_for("senegal").get(f"/meetings/{closed_session.pk}/")
    assert refused.status_code == 403 and closed_session.title not in refused.content.decode()
    assert client_for("kenya").get(f"/meetings/{closed_session.pk}/").status_code == 200
    assert client_for("chair").get(f"/meetings/{closed_session.pk}/").status_code == 200


def test_room_page_refuses_users_who_are_not_participants(plenary: Meeting) -> None:
    get_user_model().objects.create_user("visitor", password="x")
    assert client_for("visitor").get(f"/meetings/{plenary.pk}/").status_code == 404
    assert plenary.title not in client_for("visitor").get("/").content.decode()


def test_a_meeting_of_another_conference_is_answered_like_an_unknown_one(
    plenary: Meeting, closed_session: Meeting
) -> None:
    """At every meeting-scoped URL: 404, the same answer as for no meeting, and no title."""
    other = Conference.objects.create(
        title="Other conference",
        slug="other",
        starts_on=plenary.conference.starts_on,
        ends_on=plenary.conference.ends_on,
    )
    user = get_user_model().objects.create_user("outsider", password="x")
    Participant.objects.create(
        conference=other, user=user, role=Participant.Role.SECRETARIAT, display_name="Outsider"
    )
    client = client_for("outsider")
    for meeting_id in (plenary.pk, closed_session.pk, 9999):
        for method, path in [
            ("get", f"/meetings/{meeting_id}/"),
            ("get", f"/api/meetings/{meeting_id}/events"),
            ("post", f"/api/meetings/{meeting_id}/actions/chat.send"),
            ("get", f"/minutes/meetings/{meeting_id}/"),
            ("post", f"/minutes/meetings/{meeting_id}/"),
        ]:
            reply = getattr(client, method)(path)
            assert reply.status_code == 404, (path, reply.status_code)
            body = reply.content.decode()
            assert plenary.title not in body and closed_session.title not in body, path
    text = negotiation_demo_load(plenary.conference)
    for path in ["/", "body", "diff", "clauses/5/", "export/compilation.xml"]:
        reply = client.get(f"/negotiation/{text.pk}/{path.lstrip('/')}")
        assert reply.status_code == 404 and text.title not in reply.content.decode(), path


def test_room_page_of_no_meeting_is_not_found(plenary: Meeting) -> None:
    assert client_for("kenya").get("/meetings/9999/").status_code == 404


def test_chair_controls_are_rendered_for_presiding_officers_only(plenary: Meeting) -> None:
    for presiding in ("chair", "vicechair", "facilitator"):
        page = room_page(presiding, plenary)
        assert "Chair's controls" in page and 'data-presiding="true"' in page
    for other in ("kenya", "secretariat", "wmo"):
        page = room_page(other, plenary)
        assert "Chair's controls" not in page and 'data-presiding="false"' in page
        assert 'id="floor-next"' not in page


def test_delegation_chat_is_offered_to_delegation_members_only(plenary: Meeting) -> None:
    assert 'value="delegation"' in room_page("kenya", plenary)
    assert 'value="delegation"' not in room_page("chair", plenary)


def test_observers_may_ask_to_speak_but_not_for_points_of_order(plenary: Meeting) -> None:
    assert 'value="point_of_order"' in room_page("kenya", plenary)
    observer = room_page("wmo", plenary)
    assert 'value="speaker"' in observer and 'value="point_of_order"' not in observer


def test_room_page_tells_the_client_the_server_time(plenary: Meeting) -> None:
    match = re.search(r'data-server-time="(\d+)"', room_page("kenya", plenary))
    assert match is not None and abs(int(match.group(1)) / 1000 - time.time()) < 5


def test_every_asset_is_served_by_plenary(plenary: Meeting) -> None:
    for page in (room_page("chair", plenary), client_for("chair").get("/").content.decode()):
        for url in re.findall(r'\s(?:src|href|action)="([^"]*)"', page):
            assert url.startswith("#") or re.match(r"^/([^/]|$)", url), url


def test_the_protocol_constants_are_published_from_the_server_s_own() -> None:
    reply = Client(HTTP_HOST="127.0.0.1").get("/api/protocol/constants.json")  # no login
    assert reply.status_code == 200
    constants = reply.json()
    assert constants["close_codes"] == {
        "logged_out": admission.CLOSE_LOGGED_OUT,
        "unauthenticated": admission.CLOSE_UNAUTHENTICATED,
        "forbidden": admission.CLOSE_FORBIDDEN,
        "not_found": admission.CLOSE_NOT_FOUND,
        "too_many_sockets": admission.CLOSE_TOO_MANY_SOCKETS,
        "too_slow": CLOSE_TOO_SLOW,
    }
    assert {
        action.removeprefix("meeting."): (set(t["from"]), t["to"])
        for action, t in constants["meeting_transitions"].items()
    } == {action: (set(sources), target) for action, (sources, target) in TRANSITIONS.items()}
    assert constants["ephemeral_types"] == ["caption.draft", "caption.status"]
    assert constants["negotiation_event_types"] == list(NegotiationChange.TYPES)
    assert constants["event_types"]["presence_joined"] == EventType.PRESENCE_JOINED
    assert constants["event_types"]["caption_draft"] == CaptionEvent.DRAFT
    assert set(constants["event_types"].values()) == {*EVENT_PAYLOADS, *EPHEMERAL_TYPES}
