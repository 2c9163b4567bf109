"""Who may enter a room, and what happens to their sockets when they log out."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import Client

from server.conferences.models import Meeting
from tests.support.room_sockets import Connect, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True)]


async def test_anonymous_socket_is_told_to_log_in_and_closed(
    connect: Connect, plenary: Meeting
) -> None:
    socket = await connect(None, plenary)
    error = await socket.receive()
    assert (error["type"], error["code"]) == ("error", "unauthenticated")
    assert (await socket.communicator.receive_output(1))["code"] == 4401


async def test_closed_session_admits_only_listed_delegations(
    connect: Connect, closed_session: Meeting
) -> None:
    senegal = await connect("senegal", closed_session)
    error = await senegal.receive()
    assert (error["type"], error["code"]) == ("error", "forbidden")
    assert (await senegal.communicator.receive_output(1))["code"] == 4403

    kenya = await connect("kenya", closed_session)
    assert (await kenya.receive())["type"] == "snapshot"
    secretariat = await connect("secretariat", closed_session)
    assert (await secretariat.receive())["type"] == "snapshot"


async def test_unknown_meeting_is_not_found(connect: Connect, plenary: Meeting) -> None:
    missing = Meeting(pk=plenary.pk + 1000)
    socket = await connect("kenya", missing)
    error = await socket.receive()
    assert error["code"] == "not_found"
    assert (await socket.communicator.receive_output(1))["code"] == 4404


async def test_participant_of_another_conference_is_not_admitted(
    connect: Connect, plenary: Meeting
) -> None:
    await sync_to_async(get_user_model().objects.create_user)("outsider", password="x")
    socket = await connect("outsider", plenary)
    assert (await socket.receive())["code"] == "not_found"


async def test_foreign_origin_is_refused_at_the_handshake(
    connect: Connect, plenary: Meeting
) -> None:
    socket = await connect(
        "kenya", plenary, origin=(b"origin", b"https://evil.example"), expect_open=False
    )
    assert not socket.connected


async def test_logging_out_closes_that_users_sockets(connect: Connect, plenary: Meeting) -> None:
    kenya = await connect("kenya", plenary)
    await kenya.receive_until("snapshot")
    france = await connect("france", plenary)
    await france.receive_until("snapshot")

    def log_out_kenya() -> None:
        client = Client()
        client.force_login(get_user_model().objects.get(username="kenya"))
        client.post("/logout/")

    await sync_to_async(log_out_kenya)()
    error = await kenya.receive_until("error")
    assert error["code"] == "logged_out"
    assert (await kenya.communicator.receive_output(1))["code"] == 4001
    await kenya.close()  # the server then reports the closed socket to the consumer
    # Others stay connected and see Kenya leave.
    left = await france.receive_until("presence.left")
    assert left["data"]["participant"]["delegation"] == "KEN"
    assert (await france.call("ping"))["type"] == "pong"


def test_session_cookie_helper_logs_in(plenary: Meeting) -> None:
    assert session_cookie("kenya").startswith(b"sessionid=")
