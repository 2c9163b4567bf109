"""Redis going away, or coming back empty: committed actions stay committed, logging out
still logs out, and sockets still close when their user logs out."""

import json
import logging
from collections.abc import Iterator

import pytest
import redis
from channels.layers import channel_layers
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from server.common.asyncdb import db_async
from server.conferences.models import Meeting
from server.rooms.models import RoomEvent
from tests.support.redis_server import RedisServer
from tests.support.room_sockets import Connect, redis_layer

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def layer(own_redis: RedisServer, settings: SettingsWrapper) -> Iterator[str]:
    """The room sockets of these tests use a Redis that the test stops and starts."""
    settings.CHANNEL_LAYERS = redis_layer(own_redis.url)
    channel_layers.backends.clear()
    yield "own redis"
    channel_layers.backends.clear()


def logged_in(username: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username=username))
    return client


def chat_over_http(client: Client, meeting: Meeting, text: str) -> tuple[int, dict[str, object]]:
    response = client.post(
        f"/api/meetings/{meeting.pk}/actions/chat.send",
        data=json.dumps({"text": text}),
        content_type="application/json",
    )
    body: dict[str, object] = response.json() if response.status_code != 500 else {}
    return response.status_code, body


async def test_a_chat_committed_while_redis_is_down_is_acknowledged_and_delivered_later(
    connect: Connect,
    plenary: Meeting,
    own_redis: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    kenya = await connect("kenya", plenary)
    await kenya.receive_until("snapshot")
    chair = await connect("chair", plenary)
    await chair.receive_until("snapshot")
    before = await chair.call("chat.send", {"text": "before the outage"})
    seen = (await kenya.receive_until("chat.message"))["seq"]
    assert seen == before["seqs"][0]

    own_redis.stop()
    client = await db_async(logged_in)("chair")
    with caplog.at_level(logging.WARNING, logger="server.rooms.services.room"):
        status, body = await db_async(chat_over_http)(client, plenary, "during the outage")
    assert status == 200, "a committed action is not an error"
    assert isinstance(body["seqs"], list)
    stored = await db_async(RoomEvent.objects.get)(meeting=plenary, seq=body["seqs"][0])
    assert stored.data["text"] == "during the outage"
    failed = [r for r in caplog.records if "broadcasting event" in r.getMessage()]
    assert failed and all(r.levelno == logging.WARNING and not r.exc_info for r in failed)

    own_redis.start()
    for socket in (kenya, chair):
        await socket.close_after_outage()
    # Sockets whose layer failed were closed; the client comes back with what it had.
    again = await connect("kenya", plenary, last_seq=seen)
    replay = [await again.receive() for _ in range(body["seqs"][0] - seen)]
    chats = [m["data"]["text"] for m in replay if m["type"] == "chat.message"]
    assert chats == ["during the outage"]


async def test_logging_out_while_redis_is_down_logs_out(
    connect: Connect, plenary: Meeting, own_redis: RedisServer
) -> None:
    kenya = await connect("kenya", plenary)
    await kenya.receive_until("snapshot")
    client = await db_async(logged_in)("kenya")
    session_key = client.session.session_key

    own_redis.stop()
    response = await db_async(client.post)("/logout/")
    assert response.status_code == 302, "logging out never fails"
    assert not await db_async(Session.objects.filter(session_key=session_key).exists)()
    own_redis.start()
    await kenya.close_after_outage()


async def test_a_logout_after_redis_forgot_every_group_still_closes_the_sockets(
    connect: Connect, plenary: Meeting, own_redis: RedisServer, settings: SettingsWrapper
) -> None:
    """Redis restarted (here: emptied) without this process noticing: the groups it had
    joined are gone, so no layer message reaches it until it joins again."""
    settings.ROOM_SOCKET_SWEEP_SECONDS = 0.2
    kenya = await connect("kenya", plenary)
    await kenya.receive_until("snapshot")
    france = await connect("france", plenary)
    await france.receive_until("snapshot")

    redis.Redis.from_url(own_redis.url).flushall()
    client = await db_async(logged_in)("kenya")  # another session of the same user
    await db_async(client.post)("/logout/")

    error = await kenya.receive_until("error", timeout=3)
    assert error["code"] == "logged_out"
    assert (await kenya.communicator.receive_output(1))["code"] == 4001
    assert (await france.call("ping"))["type"] == "pong"
