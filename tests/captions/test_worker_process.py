"""Recognition in separate ``plenary asr-worker`` processes, meeting a real ``plenary serve``
process through a real Redis: captions reach listeners, and a worker killed in the middle
of an utterance is replaced by another without losing what was said."""

import asyncio
import json
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
import websockets

from tests.support.server import PLENARY, REPO, ServerProcess

from .conftest import frames, heard_once, near_offline, offline_text, speech, spoken

pytestmark = [pytest.mark.slow, pytest.mark.redis]

FIRST = "Spain thanks the chair and supports the draft decision."
SECOND = "We ask that the new fund for loss and damage be ready next year."


@dataclass
class Speech:
    """A server process with external recognition workers."""

    server: ServerProcess
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start_worker(self) -> subprocess.Popen[bytes]:
        log = self.server.data_dir / f"worker-{len(self.workers)}.log"
        worker = subprocess.Popen(
            [*PLENARY, "asr-worker", "--streams", "2"],
            env=self.server.env,
            cwd=REPO,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        self.workers.append(worker)
        deadline = time.monotonic() + 60
        while "ready for" not in log.read_text(errors="replace"):
            assert worker.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "the worker did not get ready"
            time.sleep(0.2)
        return worker


@pytest.fixture
def cluster(data_dir: Path, redis_url: str) -> Iterator[Speech]:
    url = redis_url.rsplit("/", 1)[0] + "/8"
    redis.Redis.from_url(url).flushdb()  # no stream requests left over from another test
    env = {"REDIS_URL": url, "PLENARY_ASR_WORKERS": "external", "PLENARY_ASR_WORKER_TIMEOUT": "2"}
    server = ServerProcess(data_dir, env)
    server.prepare()
    server.start()
    speech_cluster = Speech(server)
    yield speech_cluster
    for worker in speech_cluster.workers:
        worker.kill()
        worker.wait(10)
    server.stop()


async def socket(server: ServerProcess, user: str, path: str = "") -> Any:
    return await websockets.connect(
        f"{server.ws_url}/ws/meetings/1/{path}",
        additional_headers={"Cookie": f"sessionid={server.login(user)}"},
        origin=websockets.Origin(server.url),
    )


async def next_of(ws: Any, type: str, timeout: float = 30) -> dict[str, Any]:
    while True:
        message = await asyncio.wait_for(ws.recv(), timeout)
        if isinstance(message, str) and (parsed := json.loads(message))["type"] == type:
            result: dict[str, Any] = parsed
            return result


async def captions_until_quiet(ws: Any, quiet: float = 6.0) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while True:
        try:
            message = json.loads(await asyncio.wait_for(ws.recv(), quiet))
        except TimeoutError:
            return events
        if message["type"] in ("caption.final", "caption.translation"):
            events.append(message)


async def give_floor_to_spain(server: ServerProcess) -> tuple[Any, Any]:
    """The chair gives Spain the floor; returns Kenya's room socket (a listener who reads
    English) and Spain's microphone, live."""
    spain_room = await socket(server, "spain")
    spain_id = (await next_of(spain_room, "snapshot"))["you"]["id"]
    await spain_room.close()
    chair = await socket(server, "chair")
    await next_of(chair, "snapshot")
    give = {"type": "floor.give", "id": "g", "data": {"participant": spain_id}}
    await chair.send(json.dumps(give))
    assert (await next_of(chair, "ack"))["id"] == "g"
    await chair.close()
    kenya = await socket(server, "kenya")
    await next_of(kenya, "snapshot")
    microphone = await socket(server, "spain", "audio/")
    await next_of(microphone, "audio.ready")
    return kenya, microphone


async def speak(microphone: Any, pcm: bytes) -> None:
    for frame in frames(pcm):
        await microphone.send(frame)
        await asyncio.sleep(0.1)


def finals_text(events: list[dict[str, Any]]) -> str:
    return spoken(events)


async def test_a_worker_process_captions_a_speaker_for_every_listener(
    cluster: Speech, tmp_path: Path
) -> None:
    cluster.start_worker()
    kenya, microphone = await give_floor_to_spain(cluster.server)
    assert (await next_of(microphone, "audio.status"))["state"] == "live"
    audio = speech(FIRST, "en", tmp_path, pause=2.0)
    await speak(microphone, audio)
    events = await captions_until_quiet(kenya)
    offline = await asyncio.to_thread(offline_text, audio, "en")
    near_offline(FIRST, finals_text(events), offline)
    # Kenya reads English: the English statement needs no translation.
    assert not [e for e in events if e["type"] == "caption.translation"]
    await microphone.close()
    await kenya.close()


async def test_a_worker_killed_mid_utterance_is_replaced_and_nothing_is_lost(
    cluster: Speech, tmp_path: Path
) -> None:
    first = cluster.start_worker()
    kenya, microphone = await give_floor_to_spain(cluster.server)
    assert (await next_of(microphone, "audio.status"))["state"] == "live"
    cluster.start_worker()  # waits for streams
    audio = speech(FIRST, "en", tmp_path, pause=1.0) + speech(SECOND, "en", tmp_path, pause=2.0)
    middle = len(audio) // 2 // 3200 * 3200 + 3200 * 20
    await speak(microphone, audio[:middle])
    first.send_signal(signal.SIGKILL)  # no goodbyes
    await speak(microphone, audio[middle:])
    assert (await next_of(microphone, "audio.status"))["state"] == "recovering"
    assert (await next_of(microphone, "audio.status"))["state"] == "live"
    events = await captions_until_quiet(kenya, quiet=8.0)
    heard_once(
        f"{FIRST} {SECOND}", finals_text(events), must={"thanks", "decision", "fund", "year"}
    )
    await microphone.close()
    await kenya.close()
