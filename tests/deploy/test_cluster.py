"""The production topology on this machine, through nginx: two Daphne processes, PostgreSQL,
Redis. Delegates on different web processes see each other's events; a killed web process
or a restarted Redis loses nothing that was committed (``make cluster-test``). Captions and
the recognition workers: test_captions.py."""

import re
import subprocess
import time
import urllib.request

import pytest

from deploy.cluster import PLENARY, REPO, Cluster
from tests.deploy.client import (
    MEETING,
    Delegate,
    Join,
    Message,
    RoomClient,
    gap_free,
    has_chats,
    room_connections,
)

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(240)]


async def test_delegates_on_two_processes_share_chat_and_the_floor(join: Join) -> None:
    kenya = await join("kenya", 0)
    chair = await join("chair", 1)

    assert (await chair.call("chat.send", {"text": "Welcome, delegates"}))["type"] == "ack"
    status, answer = kenya.delegate.act(MEETING, "chat.send", {"text": "Thank you, Chair"})
    assert status == 200 and len(answer["seqs"]) == 1  # the HTTP API, through nginx
    for room in (kenya, chair):
        await room.wait_for("both chats", has_chats("Welcome, delegates", "Thank you, Chair"), 10)

    assert (await kenya.call("floor.request", {"kind": "speaker"}))["type"] == "ack"
    kenya_id = kenya.you["id"]
    granted = await chair.call("floor.give", {"participant": kenya_id})
    assert granted["type"] == "ack", granted
    for room in (kenya, chair):
        await room.wait_for("the floor", lambda r: _floor_holder(r) == kenya_id, 10)
    await chair.call("floor.give", {"participant": None})
    assert gap_free(kenya) and gap_free(chair)


def _floor_holder(room: RoomClient) -> int | None:
    grants = [e for _, e in sorted(room.events.items()) if e["type"] == "floor.granted"]
    holder = grants[-1]["data"]["holder"] if grants else None
    return holder["id"] if holder else None


async def test_negotiation_changes_are_shared_and_the_record_verifies(
    cluster: Cluster, join: Join
) -> None:
    brazil = await join("brazil", 0)
    chair = await join("chair", 1)
    text_id, version = _clause_version(brazil.delegate, clause=1)

    taken = await brazil.call(
        "negotiation.position",
        {
            "text": text_id,
            "target": "clause",
            "id": 1,
            "stance": "support",
            "base_version": version,
        },
    )
    assert taken["type"] == "ack", taken
    [seq] = taken["seqs"]
    for room in (brazil, chair):
        await room.wait_for("the position", lambda r: seq in r.events, 10)
    assert chair.events[seq]["type"] == "negotiation.position.taken"
    status = await chair.call(
        "negotiation.status",
        {"text": text_id, "clause": 1, "status": "agreed_ad_ref", "base_version": version},
    )
    assert status["type"] == "ack", status
    stale = await _position(brazil, text_id, "oppose", version)
    assert (stale["type"], stale.get("code")) == ("error", "conflict"), stale

    verified = _plenary(cluster, "negotiation", "verify")
    assert verified.returncode == 0, verified.stderr
    assert re.search(r"OK, \d+ events", verified.stdout)
    refused = _psql(cluster, "UPDATE negotiation_negotiationevent SET kind = 'x'")
    assert refused.returncode != 0 and "append-only" in refused.stderr


async def _position(room: RoomClient, text: int, stance: str, version: int) -> Message:
    position = {"target": "clause", "id": 1, "stance": stance, "base_version": version}
    return await room.call("negotiation.position", {"text": text, **position})


def _clause_version(delegate: Delegate, clause: int) -> tuple[int, int]:
    """The demo text's id and a clause's version, read from the page as the browser does."""
    listing = re.search(r'href="/negotiation/(\d+)/"', delegate.get("/negotiation/"))
    assert listing, "no negotiation text is listed"
    body = delegate.get(f"/negotiation/{listing[1]}/body")
    version = re.search(rf'data-key="{clause}" data-version="(\d+)"', body)
    assert version, f"clause {clause} is not on the page"
    return int(listing[1]), int(version[1])


def _plenary(cluster: Cluster, *command: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [*PLENARY, *command], env=cluster.env(), cwd=REPO, capture_output=True, text=True
    )


def _psql(cluster: Cluster, sql: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        ["psql", "-v", "ON_ERROR_STOP=1", cluster.database_url(), "-c", sql],
        capture_output=True,
        text=True,
    )


def test_minutes_are_prepared_and_exported_from_postgresql(cluster: Cluster) -> None:
    secretariat = Delegate(cluster, "secretariat").log_in()
    page = secretariat.submit(
        f"/minutes/meetings/{MEETING}/", {"form": "summary", "language": "en"}
    )
    minutes = re.fullmatch(r"/minutes/(\d+)/", page)
    assert minutes, f"creating the minutes ended on {page}"
    assert secretariat.fetch(f"/minutes/{minutes[1]}/export.docx")[:2] == b"PK"
    assert secretariat.fetch(f"/minutes/{minutes[1]}/export.pdf")[:5] == b"%PDF-"


async def test_killing_a_web_process_loses_nothing(cluster: Cluster, join: Join) -> None:
    kenya = await join("kenya", 0)
    chair = await join("chair", 1)
    first_connects = kenya.connects

    cluster.web[0].kill()  # abrupt: no goodbyes, no disconnect handlers
    sent = [f"during the outage {n}" for n in range(3)]
    for text in sent:
        assert (await chair.call("chat.send", {"text": text}))["type"] == "ack"
    await kenya.wait_for("reconnected, with what it missed", has_chats(*sent), 30)
    assert kenya.connects > first_connects
    assert room_connections(cluster.web_ports[1], MEETING) >= 2  # both on the survivor

    assert (await chair.call("chat.send", {"text": "after the outage"}))["type"] == "ack"
    await kenya.wait_for("the next chat, live", has_chats("after the outage"), 10)
    assert gap_free(kenya)
    assert kenya.chats()[-4:] == [*sent, "after the outage"]
    cluster.start_web(0)


async def test_restarting_redis_loses_nothing(cluster: Cluster, join: Join) -> None:
    kenya = await join("kenya", 0)
    chair = await join("chair", 1)
    assert cluster.redis is not None

    cluster.redis.stop()
    # Committed to PostgreSQL while the layer is gone (the broadcast after commit fails).
    status, _ = chair.delegate.act(MEETING, "chat.send", {"text": "while Redis was down"})
    assert status in {200, 500}
    cluster.start_redis()
    _ready(cluster)

    status, _ = chair.delegate.act(MEETING, "chat.send", {"text": "Redis is back"})
    assert status == 200
    for room in (kenya, chair):
        everything = has_chats("while Redis was down", "Redis is back")
        await room.wait_for("every chat, in order", everything, 45)
        assert gap_free(room)
    assert (await kenya.call("chat.send", {"text": "and the socket works"}))["type"] == "ack"
    await chair.wait_for("a chat over the new sockets", has_chats("and the socket works"), 10)


def _ready(cluster: Cluster) -> None:
    """Wait until every web process answers /readyz (database and channel layer) again."""
    for port in cluster.web_ports:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5):
                    break
            except OSError:  # refused, or 503 (an HTTPError is an OSError)
                time.sleep(0.2)
        else:
            raise AssertionError(f"the web process on port {port} never became ready")
