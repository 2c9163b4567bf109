"""A permission test for every room operation, through the same action registry the socket
uses: presiding officers run the floor and the meeting; everyone else is refused and
nothing is written."""

from collections.abc import Callable

import pytest

from server.common.errors import Forbidden, PlenaryError
from server.conferences.models import Meeting, Participant
from server.rooms import services
from server.rooms.actions import ACTIONS
from server.rooms.models import RoomEvent, SpeakerEntry

pytestmark = [pytest.mark.django_db]

PRESIDING = ["chair", "vicechair", "facilitator"]
OTHERS = ["secretariat", "kenya", "kenya2", "wmo"]

Data = Callable[[Meeting, Callable[[str], Participant]], dict[str, object]]


def france_entry(meeting: Meeting, person: Callable[[str], Participant]) -> dict[str, object]:
    return {"entry": SpeakerEntry.objects.get(meeting=meeting, participant=person("france")).pk}


PRESIDING_ONLY: dict[str, Data] = {
    "speakers.add": lambda m, p: {"participant": p("japan").pk, "kind": "speaker"},
    "speakers.remove": france_entry,
    "speakers.reorder": lambda m, p: {
        "entries": list(SpeakerEntry.objects.filter(meeting=m).values_list("pk", flat=True))
    },
    "floor.give": lambda m, p: {"participant": p("france").pk},
    "timer.start": lambda m, p: {"limit": 120},
    "timer.stop": lambda m, p: {},
    "agenda.switch": lambda m, p: {"item": m.agenda_items.get(number="3").pk},
    "meeting.open": lambda m, p: {},
    "meeting.suspend": lambda m, p: {},
    "meeting.resume": lambda m, p: {},
    "meeting.close": lambda m, p: {},
    "hand.lower": lambda m, p: {"participant": p("france").pk},
}


@pytest.fixture
def room(plenary: Meeting, person: Callable[[str], Participant]) -> Meeting:
    """France is on the speakers' list with its hand up; the meeting is open."""
    services.floor_request(actor=person("france"), meeting=plenary, kind="speaker")
    services.hand_raise(actor=person("france"), meeting=plenary)
    return plenary


def test_every_registered_operation_has_a_permission_test() -> None:
    everyone = {"chat.send", "hand.raise", "floor.request", "floor.withdraw"}
    room_actions = {n for n in ACTIONS if not n.startswith(("negotiation.", "captions."))}
    assert room_actions == set(PRESIDING_ONLY) | everyone


@pytest.mark.parametrize("username", OTHERS)
@pytest.mark.parametrize("action", sorted(PRESIDING_ONLY))
def test_only_presiding_officers_may(
    room: Meeting, person: Callable[[str], Participant], action: str, username: str
) -> None:
    before = RoomEvent.objects.filter(meeting=room).count()
    with pytest.raises(Forbidden):
        ACTIONS[action](person(username), room, PRESIDING_ONLY[action](room, person))
    assert RoomEvent.objects.filter(meeting=room).count() == before


@pytest.mark.parametrize("username", PRESIDING)
@pytest.mark.parametrize("action", sorted(PRESIDING_ONLY))
def test_presiding_officers_may(
    room: Meeting, person: Callable[[str], Participant], action: str, username: str
) -> None:
    try:
        ACTIONS[action](person(username), room, PRESIDING_ONLY[action](room, person))
    except Forbidden:
        pytest.fail(f"{username} was refused {action}")
    except PlenaryError:
        pass  # allowed, but not in this state (e.g. opening an open meeting)


@pytest.mark.parametrize("username", [*PRESIDING, *OTHERS])
def test_everyone_may_chat_raise_a_hand_and_ask_for_the_floor(
    room: Meeting, person: Callable[[str], Participant], username: str
) -> None:
    actor = person(username)
    assert ACTIONS["chat.send"](actor, room, {"text": "Hello"})
    assert ACTIONS["hand.raise"](actor, room, {})
    assert ACTIONS["hand.lower"](actor, room, {})
    assert ACTIONS["floor.request"](actor, room, {"kind": "speaker"})
    assert ACTIONS["floor.withdraw"](actor, room, {})


def test_delegation_chat_needs_a_delegation(
    room: Meeting, person: Callable[[str], Participant]
) -> None:
    with pytest.raises(Forbidden):
        ACTIONS["chat.send"](person("secretariat"), room, {"text": "x", "scope": "delegation"})


def test_observers_may_not_raise_points_of_order(
    room: Meeting, person: Callable[[str], Participant]
) -> None:
    with pytest.raises(Forbidden):
        ACTIONS["floor.request"](person("wmo"), room, {"kind": "point_of_order"})
