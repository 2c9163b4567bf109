"""Real server processes: nothing is lost across a crash and restart, and events sent
through one process reach clients of another through Redis."""

import asyncio
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets

from tests.support.server import PLENARY, REPO, ServerProcess, production_env

pytestmark = [pytest.mark.slow]


async def open_room(server: ServerProcess, session: str, last_seq: int | None = None) -> Any:
    query = "" if last_seq is None else f"?last_seq={last_seq}"
    return await websockets.connect(
        f"{server.ws_url}/ws/meetings/1/{query}",
        additional_headers={"Cookie": f"sessionid={session}"},
        origin=websockets.Origin(server.url),
    )


async def next_of(socket: Any, type: str) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), 10))
        if message["type"] == type:
            return message


async def chat(socket: Any, text: str) -> int:
    await socket.send(json.dumps({"type": "chat.send", "id": text, "data": {"text": text}}))
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), 10))
        if message["type"] == "ack" and message["id"] == text:
            seq: int = message["seqs"][0]
            return seq


@pytest.fixture
def server(data_dir: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(data_dir)
    process.prepare()
    process.start()
    yield process
    process.stop()


async def test_reconnect_after_a_server_crash_receives_exactly_the_missed_events(
    server: ServerProcess,
) -> None:
    kenya_session, chair_session = server.login("kenya"), server.login("chair")
    kenya = await open_room(server, kenya_session)
    last_seq = (await next_of(kenya, "snapshot"))["seq"]
    await kenya.close()

    chair = await open_room(server, chair_session)
    await next_of(chair, "snapshot")
    sent = [await chat(chair, f"statement {n}") for n in range(3)]

    server.kill()  # no disconnect handlers, no goodbyes
    server.start()

    kenya = await open_room(server, kenya_session, last_seq=last_seq)
    replay = []
    while (message := json.loads(await asyncio.wait_for(kenya.recv(), 10)))["type"] != "synced":
        replay.append(message)
    await kenya.close()
    assert [m["seq"] for m in replay] == list(range(last_seq + 1, message["seq"] + 1))
    chats = [m for m in replay if m["type"] == "chat.message"]
    assert [(m["seq"], m["data"]["text"]) for m in chats] == [
        (seq, f"statement {n}") for n, seq in enumerate(sent)
    ]


@pytest.fixture
def two_servers(data_dir: Path, redis_url: str) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Two Daphne processes sharing one database and one Redis."""
    env = {"REDIS_URL": redis_url.rsplit("/", 1)[0] + "/9"}
    first, second = ServerProcess(data_dir, env), ServerProcess(data_dir, env)
    first.prepare()
    first.start()
    second.start()
    yield first, second
    first.stop()
    second.stop()


async def test_an_event_sent_through_one_process_reaches_a_client_of_the_other(
    two_servers: tuple[ServerProcess, ServerProcess],
) -> None:
    first, second = two_servers
    kenya = await open_room(first, first.login("kenya"))
    await next_of(kenya, "snapshot")
    chair = await open_room(second, second.login("chair"))
    await next_of(chair, "snapshot")
    joined = await next_of(kenya, "presence.joined")
    assert joined["data"]["participant"]["role"] == "chair"

    seq = await chat(chair, "Across processes")
    received = await next_of(kenya, "chat.message")
    assert (received["seq"], received["data"]["text"]) == (seq, "Across processes")
    await kenya.close()
    await chair.close()


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    result = subprocess.run(
        [*PLENARY, "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run([*PLENARY, "check"], env=env, cwd=REPO, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when PLENARY_ENV=production" in result.stderr


async def test_a_demotion_and_a_logout_reach_the_sockets_on_another_process(
    two_servers: tuple[ServerProcess, ServerProcess],
) -> None:
    """The chair is demoted by a third process (a shell) and Kenya logs out through the
    first; their sockets are on the second."""
    first, second = two_servers
    kenya_session = first.login("kenya")
    kenya = await open_room(second, kenya_session)
    await next_of(kenya, "snapshot")
    chair = await open_room(second, second.login("chair"))
    await next_of(chair, "snapshot")

    demote = (
        "from server.conferences.models import Participant; "
        "p = Participant.objects.get(user__username='chair'); p.role = 'delegate'; p.save()"
    )
    shell = [*PLENARY, "shell", "-c", demote]
    await asyncio.to_thread(subprocess.run, shell, env=first.env, cwd=REPO, check=True)
    assert (await next_of(chair, "you.changed"))["you"]["role"] == "delegate"
    await chair.send(json.dumps({"type": "meeting.close", "id": "close"}))
    refused = await next_of(chair, "error")
    assert (refused["id"], refused["code"]) == ("close", "forbidden")

    assert first.logout(kenya_session) == 200
    assert (await next_of(kenya, "error"))["code"] == "logged_out"
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(kenya.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001
    await chair.close()
