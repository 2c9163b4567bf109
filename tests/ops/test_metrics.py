"""``/metrics``: connections per meeting from this process's hub, committed room events."""

import pytest
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient
from prometheus_client.parser import text_string_to_metric_families

from server.asgi import application
from server.common.asyncdb import db_async
from server.conferences.models import Meeting
from tests.support.room_sockets import ORIGIN, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True)]


async def scrape() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await AsyncClient().get("/metrics", headers={"host": "10.0.0.7:8001"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


async def join(username: str, meeting: Meeting) -> WebsocketCommunicator:
    cookie = await db_async(session_cookie)(username)
    socket = WebsocketCommunicator(
        application, f"/ws/meetings/{meeting.pk}/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, _ = await socket.connect(timeout=5)
    assert connected
    assert (await socket.receive_json_from(5))["type"] == "snapshot"
    return socket


def chats(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float]) -> float:
    return samples.get(("plenary_room_events_total", (("type", "chat.message"),)), 0.0)


async def test_connections_per_meeting_and_committed_events_are_counted(
    plenary: Meeting, closed_session: Meeting
) -> None:
    before = await scrape()
    sockets = [
        await join("kenya", plenary),
        await join("chair", plenary),
        await join("chair", closed_session),
    ]
    await sockets[0].send_json_to({"type": "chat.send", "id": 1, "data": {"text": "Hello"}})
    while (await sockets[0].receive_json_from(5))["type"] != "ack":
        pass

    after = await scrape()
    assert after[("plenary_room_connections", (("meeting", str(plenary.pk)),))] == 2
    assert after[("plenary_room_connections", (("meeting", str(closed_session.pk)),))] == 1
    assert chats(after) == chats(before) + 1
    assert ("plenary_asr_streams", ()) in after  # the speech path's metrics are served too

    for socket in sockets:
        await socket.disconnect()
    gone = await scrape()
    assert not any(name == "plenary_room_connections" for name, _ in gone)
