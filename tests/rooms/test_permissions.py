"""A permission test for every room operation, through the same operations the socket runs
(over HTTP): presiding officers run the floor and the meeting; everyone else is refused, in a
state where a presiding officer succeeds at the same operation (tests/support/permissions.py),
so a refusal here cannot be a conflict or a missing speaker in disguise; nothing is written."""

from collections.abc import Callable
from typing import Any

import pytest

from server.conferences.models import Meeting, Participant
from server.rooms import services
from server.rooms.actions import ACTIONS
from server.rooms.models import SpeakerEntry
from tests.support.builders import Role, conference_build, meeting_build, participant_build
from tests.support.permissions import action_post, only_allowed_may

pytestmark = [pytest.mark.django_db]


class Room:
    """An open meeting with two agenda items and one participant of each role."""

    def __init__(self) -> None:
        conference = self.conference = conference_build()
        self.meeting = meeting_build(
            conference, status=Meeting.Status.OPEN, agenda=("Opening", "Finance")
        )
        self.chair = participant_build(conference, role=Role.CHAIR)
        self.vice_chair = participant_build(conference, role=Role.VICE_CHAIR)
        self.facilitator = participant_build(conference, role=Role.FACILITATOR)
        self.secretariat = participant_build(conference, role=Role.SECRETARIAT)
        self.france = participant_build(conference, role=Role.DELEGATE)
        self.japan = participant_build(conference, role=Role.DELEGATE)
        self.adviser = participant_build(conference, role=Role.ADVISER)
        self.observer = participant_build(conference, role=Role.OBSERVER)

    def not_presiding(self) -> list[Participant]:
        return [self.secretariat, self.japan, self.adviser, self.observer]

    def entries(self) -> list[int]:
        return list(SpeakerEntry.objects.filter(meeting=self.meeting).values_list("pk", flat=True))


Setup = Callable[[Room], dict[str, Any]]


def france_asks(room: Room) -> None:
    services.floor_request(actor=room.france, meeting=room.meeting, kind="speaker")


def france_speaks(room: Room) -> None:
    france_asks(room)
    services.floor_give(actor=room.chair, meeting=room.meeting, participant_id=room.france.pk)


def speakers_remove(room: Room) -> dict[str, Any]:
    france_asks(room)
    return {"entry": room.entries()[0]}


def speakers_reorder(room: Room) -> dict[str, Any]:
    france_asks(room)
    services.floor_request(actor=room.japan, meeting=room.meeting, kind="speaker")
    return {"entries": list(reversed(room.entries()))}


def floor_give(room: Room) -> dict[str, Any]:
    france_asks(room)
    return {"participant": room.france.pk}


def timer_start(room: Room) -> dict[str, Any]:
    france_speaks(room)
    services.timer_stop(actor=room.chair, meeting=room.meeting)
    return {"limit": 120}


def timer_stop(room: Room) -> dict[str, Any]:
    france_speaks(room)
    return {}


def agenda_switch(room: Room) -> dict[str, Any]:
    return {"item": room.meeting.agenda_items.get(number="2").pk}


def meeting_open(room: Room) -> dict[str, Any]:
    Meeting.objects.filter(pk=room.meeting.pk).update(status=Meeting.Status.SCHEDULED)
    return {}


def meeting_resume(room: Room) -> dict[str, Any]:
    services.meeting_transition(actor=room.chair, meeting=room.meeting, action="suspend")
    return {}


def hand_lower(room: Room) -> dict[str, Any]:
    services.hand_raise(actor=room.france, meeting=room.meeting)
    return {"participant": room.france.pk}


def media_mute(room: Room) -> dict[str, Any]:
    france_speaks(room)
    return {"mute": True}


# Presiding officers only: the state each succeeds in, and its data.
PRESIDING_ONLY: dict[str, Setup] = {
    "speakers.add": lambda room: {"participant": room.japan.pk, "kind": "speaker"},
    "speakers.remove": speakers_remove,
    "speakers.reorder": speakers_reorder,
    "floor.give": floor_give,
    "timer.start": timer_start,
    "timer.stop": timer_stop,
    "agenda.switch": agenda_switch,
    "meeting.open": meeting_open,
    "meeting.suspend": lambda room: {},
    "meeting.resume": meeting_resume,
    "meeting.close": lambda room: {},
    "hand.lower": hand_lower,
    "media.mute": media_mute,
}
# Open to everyone present (tested below with the refusals they have).
EVERYONE = {"chat.send", "hand.raise", "floor.request", "floor.withdraw"}


@pytest.fixture
def room() -> Room:
    return Room()


def test_every_room_operation_is_covered() -> None:
    """Negotiation, captions and decisions have their own (tests/negotiation, tests/captions,
    tests/votes/test_permissions.py)."""
    room_actions = {
        n
        for n in ACTIONS
        if not n.startswith(("negotiation.", "captions.", "decision.", "vote.", "interpretation."))
    }
    assert room_actions == set(PRESIDING_ONLY) | EVERYONE


@pytest.mark.parametrize("action", sorted(PRESIDING_ONLY))
def test_only_presiding_officers_may_where_a_presiding_officer_succeeds(
    room: Room, action: str
) -> None:
    data = PRESIDING_ONLY[action](room)
    presiding = [room.chair, room.vice_chair, room.facilitator]
    only_allowed_may(room.meeting, action, data, allowed=presiding, refused=room.not_presiding())


def test_everyone_may_chat_raise_a_hand_and_ask_for_the_floor(room: Room) -> None:
    for actor in (room.chair, room.vice_chair, room.facilitator, *room.not_presiding()):
        for action, data in [
            ("chat.send", {"text": "Hello"}),
            ("hand.raise", {}),
            ("hand.lower", {}),
            ("floor.request", {"kind": "speaker"}),
            ("floor.withdraw", {}),
        ]:
            status, body = action_post(actor, room.meeting, action, data)
            assert (status, len(body["seqs"])) == (200, 1), (action, actor.role, body)


def test_only_a_delegation_chats_within_its_delegation(room: Room) -> None:
    data = {"text": "Ours.", "scope": "delegation"}
    only_allowed_may(
        room.meeting,
        "chat.send",
        data,
        allowed=[room.france],
        refused=[room.secretariat, room.chair],
    )


@pytest.mark.parametrize("kind", ["point_of_order", "right_of_reply"])
def test_observers_may_not_raise_points_of_order_or_reply(room: Room, kind: str) -> None:
    data = {"kind": kind}
    only_allowed_may(
        room.meeting, "floor.request", data, allowed=[room.france], refused=[room.observer]
    )


def test_a_closed_session_refuses_delegations_not_admitted(room: Room) -> None:
    admitted = room.france.delegation
    assert admitted is not None
    closed = meeting_build(
        room.conference, kind=Meeting.Kind.CLOSED, status=Meeting.Status.OPEN, admitted=[admitted]
    )
    for action in sorted(EVERYONE - {"floor.withdraw"}):
        data = {"text": "Hello"} if action == "chat.send" else {}
        only_allowed_may(closed, action, data, allowed=[room.france], refused=[room.japan])
