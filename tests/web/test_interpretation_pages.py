"""The interpretation pages, server side: the interpreter's console is for the interpreters
of a booth of the meeting's conference only, and the room page offers a channel picker
where the conference has booths."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from server.conferences.models import Conference, Meeting, Participant
from server.interpretation.models import Booth
from tests.support.builders import conference_build, meeting_build, participant_build

pytestmark = [pytest.mark.django_db]


def client_for(participant: Participant) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(pk=participant.user_id))
    return client


def booth_build(conference: Conference, language: str, channel: int) -> Booth:
    return Booth.objects.create(conference=conference, language=language, channel=channel)


def interpreter_build(booth: Booth) -> Participant:
    interpreter = participant_build(booth.conference, role=Participant.Role.INTERPRETER)
    booth.interpreters.add(interpreter)
    return interpreter


@pytest.fixture
def meeting() -> Meeting:
    return meeting_build(conference_build())


def test_interpretation_console_shows_the_interpreters_booths_and_controls(
    meeting: Meeting,
) -> None:
    spanish = booth_build(meeting.conference, "es", 2)
    booth_build(meeting.conference, "fr", 3)
    interpreter = interpreter_build(spanish)
    response = client_for(interpreter).get(f"/meetings/{meeting.pk}/interpret/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<option value="es">Spanish</option>' in page  # their booth, theirs only
    assert '<option value="fr">French</option>' not in page
    assert '<option value="fr">the French booth (relay)</option>' in page
    for control in ("booth-take", "booth-handover", "booth-release", "booth-cough"):
        assert f'id="{control}"' in page
    assert "js/interpret.js" in page and "<script>" not in page  # modules only (CSP)


@pytest.mark.parametrize("role", [Participant.Role.DELEGATE, Participant.Role.CHAIR])
def test_interpretation_console_refuses_whoever_is_not_an_interpreter(
    meeting: Meeting, role: str
) -> None:
    booth_build(meeting.conference, "es", 2)
    someone = participant_build(meeting.conference, role=role)
    response = client_for(someone).get(f"/meetings/{meeting.pk}/interpret/")
    assert response.status_code == 403
    assert "Not an interpreter here" in response.content.decode()


def test_interpretation_console_refuses_an_interpreter_without_a_booth(meeting: Meeting) -> None:
    booth_build(meeting.conference, "es", 2)
    unassigned = participant_build(meeting.conference, role=Participant.Role.INTERPRETER)
    assert client_for(unassigned).get(f"/meetings/{meeting.pk}/interpret/").status_code == 403


def test_interpretation_console_of_another_conference_is_not_found(meeting: Meeting) -> None:
    elsewhere = meeting_build(conference_build())
    interpreter = interpreter_build(booth_build(elsewhere.conference, "es", 2))
    assert client_for(interpreter).get(f"/meetings/{meeting.pk}/interpret/").status_code == 404
    anonymous = Client().get(f"/meetings/{meeting.pk}/interpret/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")


def test_interpretation_room_page_offers_the_booths_channels(meeting: Meeting) -> None:
    delegate = participant_build(meeting.conference)
    plain = client_for(delegate).get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'data-testid="channel-picker"' not in plain  # no booths, no picker
    booth_build(meeting.conference, "fr", 3)
    interpreter = interpreter_build(booth_build(meeting.conference, "es", 2))
    page = client_for(delegate).get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'data-testid="channel-picker"' in page
    picker = page[page.index('data-testid="channel-picker"') :]  # not the language control's
    assert picker.index('value="es"') < picker.index('value="fr"')  # by channel
    assert 'data-testid="console-link"' not in page
    theirs = client_for(interpreter).get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'href="/meetings/{meeting.pk}/interpret/"' in theirs
