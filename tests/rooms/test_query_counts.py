"""The room snapshot costs a fixed number of queries, however full the room."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from server.conferences.models import Conference, Meeting, Participant
from server.rooms import services
from server.rooms.selectors import room_snapshot
from tests.support.builders import Role, conference_build, meeting_build, participant_build

pytestmark = [pytest.mark.django_db]


def busy_room(conference: Conference, chair: Participant, delegates: int) -> Meeting:
    """An open meeting where each of ``delegates`` delegates is present, has chatted, raised
    a hand and asked for the floor, and the first of them holds it."""
    meeting = meeting_build(conference, status=Meeting.Status.OPEN)
    people = [participant_build(conference) for _ in range(delegates)]
    for number, person in enumerate(people):
        services.connection_open(
            meeting=meeting,
            participant=person,
            channel_name=f"{meeting.pk}-{number}",
            server_id="s",
        )
        services.chat_send(actor=person, meeting=meeting, text="Thank you.", scope="meeting")
        services.chat_send(actor=person, meeting=meeting, text="Ours.", scope="delegation")
        services.hand_raise(actor=person, meeting=meeting)
        services.floor_request(actor=person, meeting=meeting, kind="speaker")
    services.floor_give(actor=chair, meeting=meeting, participant_id=people[0].pk)
    return meeting


def test_the_snapshot_takes_thirteen_queries_however_full_the_room(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    """The room's state, the meeting's status, presence, the speakers' list, hands, agenda,
    recent chat, the captions part (the conference's languages, the reader's, recent
    lines), the votes part (the meeting's decisions) and the interpretation part (the
    conference's booths, none here, and the reader's channel)."""
    conference = conference_build()
    chair = participant_build(conference, role=Role.CHAIR)
    quiet, full = busy_room(conference, chair, 1), busy_room(conference, chair, 6)
    with django_assert_max_num_queries(13) as captured:
        snapshot = room_snapshot(full, chair)
    assert len(snapshot["presence"]) == len(snapshot["hands"]) == 6
    assert len(snapshot["speakers"]) == 5 and snapshot["floor"]["holder"] is not None
    with CaptureQueriesContext(connection) as quiet_queries:
        room_snapshot(quiet, chair)
    assert len(quiet_queries) == len(captured)
