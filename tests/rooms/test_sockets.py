"""Rights follow the current state: open sockets are re-authorised or closed when who their
user is or may be changes; and per-user limits (open sockets, the operations' budget)."""

import json
from collections.abc import Awaitable, Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from server.common.asyncdb import db_async
from server.conferences.models import Delegation, Meeting, Participant
from server.rooms import services as room_services
from server.rooms.models import RoomEvent, SocketRevocation
from tests.support.room_sockets import Connect, Socket

pytestmark = [pytest.mark.django_db(transaction=True)]

# "Within a second": the time each step below may take.
PROMPTLY = 1.0


async def closed_with(socket: Socket, code: str, close_code: int) -> None:
    error = await socket.receive_until("error", timeout=PROMPTLY)
    assert error["code"] == code
    assert (await socket.communicator.receive_output(PROMPTLY))["code"] == close_code


async def still_served(socket: Socket) -> None:
    assert (await socket.call("ping"))["type"] == "pong"


@db_async
def participant_update(username: str, **fields: object) -> None:
    """Change a participation as the admin site does: load, set, save."""
    participant = Participant.objects.get(user__username=username)
    for name, value in fields.items():
        setattr(participant, name, value)
    participant.save()


@db_async
def meeting_status(meeting: Meeting) -> str:
    meeting.refresh_from_db(fields=["status"])
    return meeting.status


async def test_a_demoted_chair_can_no_longer_close_the_meeting(
    connect: Connect, plenary: Meeting
) -> None:
    chair = await connect("chair", plenary)
    await chair.receive_until("snapshot")
    status = await meeting_status(plenary)

    await participant_update("chair", role=Participant.Role.DELEGATE)
    changed = await chair.receive_until("you.changed", timeout=PROMPTLY)
    assert changed["you"]["role"] == "delegate"

    refused = await chair.call("meeting.close")
    assert (refused["type"], refused["code"]) == ("error", "forbidden")
    assert await meeting_status(plenary) == status


async def test_a_promoted_delegate_may_preside_without_reconnecting(
    connect: Connect, plenary: Meeting
) -> None:
    kenya = await connect("kenya", plenary)
    await kenya.receive_until("snapshot")
    await participant_update("kenya", role=Participant.Role.VICE_CHAIR)
    await kenya.receive_until("you.changed", timeout=PROMPTLY)
    assert (await kenya.call("timer.start", {"limit": 60}))["type"] == "ack"


async def test_a_delegation_taken_off_a_closed_session_is_shown_out(
    connect: Connect, closed_session: Meeting
) -> None:
    kenya = await connect("kenya", closed_session)
    await kenya.receive_until("snapshot")
    listening = await connect("kenya", closed_session, path="listen/")
    secretariat = await connect("secretariat", closed_session)
    await secretariat.receive_until("snapshot")

    kenya_delegation = await db_async(Delegation.objects.get)(
        conference=closed_session.conference_id, code="KEN"
    )
    await db_async(closed_session.admitted_delegations.remove)(kenya_delegation)

    await closed_with(kenya, "forbidden", 4403)
    await closed_with(listening, "forbidden", 4403)
    left = await secretariat.receive_until("presence.left", timeout=PROMPTLY)
    assert left["data"]["participant"]["delegation"] == "KEN"
    await still_served(secretariat)


@db_async
def deactivate(username: str) -> None:
    user = get_user_model().objects.get(username=username)
    user.is_active = False
    user.save()


@db_async
def new_password(username: str) -> None:
    user = get_user_model().objects.get(username=username)
    user.set_password("a-new-secret-phrase")
    user.save()


@pytest.mark.parametrize("change", [deactivate, new_password], ids=["deactivated", "password"])
async def test_a_deactivated_account_or_a_new_password_closes_every_socket(
    connect: Connect, plenary: Meeting, change: Callable[[str], Awaitable[None]]
) -> None:
    room = await connect("kenya", plenary)
    await room.receive_until("snapshot")
    listening = await connect("kenya", plenary, path="listen/")
    france = await connect("france", plenary)
    await france.receive_until("snapshot")

    await change("kenya")

    await closed_with(room, "logged_out", 4001)
    await closed_with(listening, "logged_out", 4001)
    await still_served(france)


async def test_one_socket_too_many_for_a_user_is_refused_with_its_close_code(
    connect: Connect, plenary: Meeting, settings: SettingsWrapper
) -> None:
    settings.ROOM_SOCKETS_PER_USER = 2
    first = await connect("kenya", plenary)
    await first.receive_until("snapshot")
    await connect("kenya", plenary, path="listen/")

    third = await connect("kenya", plenary)
    await closed_with(third, "too_many_sockets", 4429)
    france = await connect("france", plenary)  # a cap per user, not per meeting
    await france.receive_until("snapshot")

    await first.close()
    fourth = await connect("kenya", plenary)
    assert (await fourth.receive())["type"] == "snapshot"


def chat_over_http(
    username: str, meeting: Meeting, text: str
) -> tuple[int, str | None, str | None]:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    response = client.post(
        f"/api/meetings/{meeting.pk}/actions/chat.send",
        data=json.dumps({"text": text}),
        content_type="application/json",
    )
    return response.status_code, response.headers.get("Retry-After"), response.json().get("code")


async def test_http_actions_share_the_sockets_budget(
    connect: Connect, plenary: Meeting, settings: SettingsWrapper
) -> None:
    settings.ROOM_RATE_BURST = 3
    settings.ROOM_RATE_PER_SECOND = 0.1
    kenya = await connect("kenya", plenary)
    await kenya.receive_until("snapshot")
    for n in range(3):
        assert (await kenya.call("chat.send", {"text": f"by socket {n}"}))["type"] == "ack"
    chats = await db_async(RoomEvent.objects.filter(type="chat.message").count)()

    status, retry_after, code = await db_async(chat_over_http)("kenya", plenary, "by HTTP")
    assert (status, code) == (429, "rate_limited")
    assert retry_after is not None and int(retry_after) >= 1
    assert await db_async(RoomEvent.objects.filter(type="chat.message").count)() == chats
    # Another user's budget is their own.
    status, _, _ = await db_async(chat_over_http)("france", plenary, "by HTTP")
    assert status == 200


async def test_a_plenary_made_a_closed_session_shows_out_the_delegations_not_admitted(
    connect: Connect, plenary: Meeting
) -> None:
    senegal = await connect("senegal", plenary)
    await senegal.receive_until("snapshot")

    def make_closed() -> None:
        plenary.kind = Meeting.Kind.CLOSED
        plenary.save()

    await db_async(make_closed)()
    await closed_with(senegal, "forbidden", 4403)


def test_opening_and_suspending_a_meeting_does_not_make_every_socket_check_again(
    plenary: Meeting, person: Callable[[str], Participant]
) -> None:
    revocations = SocketRevocation.objects.count()
    chair = person("chair")
    for action in ("open", "suspend") if plenary.status == "scheduled" else ("suspend",):
        room_services.meeting_transition(actor=chair, meeting=plenary, action=action)
    assert SocketRevocation.objects.count() == revocations
