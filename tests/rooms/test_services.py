"""Room services: sequencing, the speakers' list, the floor and timer, meeting status,
presence."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from server.common.errors import Conflict
from server.conferences.models import Conference, Meeting, Participant
from server.rooms import selectors, services
from server.rooms.events import ChatMessage
from server.rooms.models import RoomConnection, RoomEvent, RoomState
from tests.support.builders import cast_build, conference_build, meeting_build

pytestmark = [pytest.mark.django_db]
People = Callable[[str], Participant]


@pytest.fixture
def conference() -> Conference:
    return conference_build()


@pytest.fixture
def person(conference: Conference) -> People:
    return cast_build(conference)


@pytest.fixture
def plenary(conference: Conference) -> Meeting:
    return meeting_build(conference, status=Meeting.Status.OPEN)


@pytest.fixture
def closed_session(conference: Conference) -> Meeting:
    return meeting_build(conference, kind=Meeting.Kind.CLOSED, status=Meeting.Status.OPEN)


def seqs(meeting: Meeting) -> list[int]:
    return list(RoomEvent.objects.filter(meeting=meeting).values_list("seq", flat=True))


def test_sequence_numbers_are_per_meeting_and_gap_free(
    plenary: Meeting, closed_session: Meeting, person: People
) -> None:
    for n in range(3):
        services.chat_send(actor=person("kenya"), meeting=plenary, text=f"p{n}", scope="meeting")
        services.chat_send(
            actor=person("kenya"), meeting=closed_session, text=f"c{n}", scope="meeting"
        )
    assert seqs(plenary) == [1, 2, 3]
    assert seqs(closed_session) == [1, 2, 3]
    assert RoomState.objects.get(meeting=plenary).last_seq == 3


def test_a_failed_change_leaves_no_gap(plenary: Meeting, person: People) -> None:
    services.chat_send(actor=person("kenya"), meeting=plenary, text="one", scope="meeting")
    with pytest.raises(RuntimeError), transaction.atomic():
        state = services.room_lock(plenary)
        message = ChatMessage(scope="meeting", text="lost", delegation=None)
        services.event_append(state=state, payload=message, actor=None)
        raise RuntimeError("the change fails after its event was appended")
    services.chat_send(actor=person("kenya"), meeting=plenary, text="two", scope="meeting")
    assert seqs(plenary) == [1, 2]


def test_events_are_broadcast_only_after_commit(
    plenary: Meeting, person: People, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    kenya = person("kenya")
    with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[attr-defined]
        services.chat_send(actor=kenya, meeting=plenary, text="x", scope="meeting")
    assert len(callbacks) == 1


def names(meeting: Meeting) -> list[str]:
    return [s["participant"]["delegation"] or "" for s in selectors.speakers_ref(meeting)]


def test_speakers_list_order_points_of_order_first_replies_last(
    plenary: Meeting, person: People
) -> None:
    for username, kind in [
        ("kenya", "speaker"),
        ("france", "right_of_reply"),
        ("japan", "speaker"),
        ("brazil", "point_of_order"),
    ]:
        services.floor_request(actor=person(username), meeting=plenary, kind=kind)
    assert names(plenary) == ["BRA", "KEN", "FRA", "JPN"]
    with pytest.raises(Conflict):
        services.floor_request(actor=person("kenya"), meeting=plenary, kind="speaker")


def test_reorder_must_name_every_entry(plenary: Meeting, person: People) -> None:
    for username in ["kenya", "japan", "france"]:
        services.floor_request(actor=person(username), meeting=plenary, kind="speaker")
    entries = [s["entry"] for s in selectors.speakers_ref(plenary)]
    services.speakers_reorder(
        actor=person("chair"), meeting=plenary, entry_ids=list(reversed(entries))
    )
    assert names(plenary) == ["FRA", "JPN", "KEN"]
    with pytest.raises(Conflict, match="every current entry"):
        services.speakers_reorder(actor=person("chair"), meeting=plenary, entry_ids=entries[:2])


def test_giving_the_floor_takes_the_speaker_off_the_list_and_starts_the_timer(
    plenary: Meeting, person: People
) -> None:
    services.floor_request(actor=person("kenya"), meeting=plenary, kind="speaker")
    events = services.floor_give(
        actor=person("chair"), meeting=plenary, participant_id=person("kenya").pk
    )
    assert [e.type for e in events] == ["speakers.changed", "floor.granted"]
    state = RoomState.objects.get(meeting=plenary)
    assert state.floor_holder == person("kenya")
    assert state.timer_limit_seconds == 180 and state.timer_started_at is not None
    assert names(plenary) == []

    services.timer_stop(actor=person("chair"), meeting=plenary)
    with pytest.raises(Conflict):
        services.timer_stop(actor=person("chair"), meeting=plenary)
    services.timer_start(actor=person("chair"), meeting=plenary, limit=60)
    assert RoomState.objects.get(meeting=plenary).timer_limit_seconds == 60


def test_a_point_of_order_is_not_timed(plenary: Meeting, person: People) -> None:
    services.floor_request(actor=person("france"), meeting=plenary, kind="point_of_order")
    services.floor_give(actor=person("chair"), meeting=plenary, participant_id=person("france").pk)
    state = RoomState.objects.get(meeting=plenary)
    assert state.timer_started_at is None and state.timer_limit_seconds is None


def test_meeting_status_transitions(plenary: Meeting, person: People) -> None:
    chair = person("chair")
    with pytest.raises(Conflict):
        services.meeting_transition(actor=chair, meeting=plenary, action="open")
    services.meeting_transition(actor=chair, meeting=plenary, action="suspend")
    with pytest.raises(Conflict, match="not open"):
        services.floor_request(actor=person("kenya"), meeting=plenary, kind="speaker")
    services.meeting_transition(actor=chair, meeting=plenary, action="resume")
    services.floor_give(actor=chair, meeting=plenary, participant_id=person("kenya").pk)
    services.meeting_transition(actor=chair, meeting=plenary, action="close")
    plenary.refresh_from_db()
    assert plenary.status == Meeting.Status.CLOSED
    # Closing ends the floor, and says so.
    assert RoomState.objects.get(meeting=plenary).floor_holder is None
    last = RoomEvent.objects.filter(meeting=plenary).order_by("-seq")[0]
    assert (last.type, last.data["holder"]) == ("floor.granted", None)


def test_presence_counts_participants_not_sockets(plenary: Meeting, person: People) -> None:
    kenya = person("kenya")
    for channel in ("a", "b"):
        services.connection_open(
            meeting=plenary, participant=kenya, channel_name=channel, server_id="s1"
        )
    services.connection_close(channel_name="a")
    assert [e.type for e in RoomEvent.objects.filter(meeting=plenary)] == ["presence.joined"]
    services.connection_close(channel_name="b")
    assert [e.type for e in RoomEvent.objects.filter(meeting=plenary)] == [
        "presence.joined",
        "presence.left",
    ]


def test_sockets_of_a_dead_server_process_are_swept(plenary: Meeting, person: People) -> None:
    services.connection_open(
        meeting=plenary, participant=person("kenya"), channel_name="x", server_id="dead"
    )
    services.connection_open(
        meeting=plenary, participant=person("japan"), channel_name="y", server_id="alive"
    )
    later = timezone.now() + timedelta(seconds=60)
    RoomConnection.objects.filter(server_id="alive").update(last_seen=later)
    assert services.connections_sweep(now=later) == 1
    assert list(selectors.present_participants(plenary)) == [person("japan")]
    assert RoomEvent.objects.filter(meeting=plenary).last().type == "presence.left"  # type: ignore[union-attr]
