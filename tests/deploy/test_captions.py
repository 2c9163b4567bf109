"""Captions in the production topology: the floor holder's audio through nginx to one web
process, recognised by an ``plenary asr-worker`` process, final captions reaching listeners
on both web processes; and a worker killed mid-utterance (``make cluster-test``)."""

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from deploy.cluster import Cluster
from tests.captions.conftest import speech
from tests.deploy.client import MEETING, Delegate, Join, Message, Microphone, RoomClient

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(300)]

ASR_WORKERS = 2  # one to kill, one to take over
FIRST = "The delegation of Kenya supports the proposal on climate finance."
SECOND = "We call on all developed countries to deliver the finance they have promised."

Speak = Callable[[], Awaitable[Microphone]]


@pytest.fixture
async def microphone(cluster: Cluster, join: Join) -> AsyncIterator[Speak]:
    """``await microphone()``: the chair gives Kenya the floor; Kenya's microphone, open."""
    opened: list[Microphone] = []

    async def opening() -> Microphone:
        kenya = Delegate(cluster, "kenya").log_in()
        chair = Delegate(cluster, "chair").log_in()
        room = await kenya.room(MEETING).open()
        status, answer = chair.act(MEETING, "floor.give", {"participant": room.you["id"]})
        await room.close()
        assert status == 200, answer
        opened.append(await Microphone(kenya, MEETING).open())
        return opened[-1]

    yield opening
    for microphone in opened:
        await microphone.close()


def finals(room: RoomClient) -> list[Message]:
    return [e for _, e in sorted(room.events.items()) if e["type"] == "caption.final"]


def captioned(*words: str, after: int = 0) -> Callable[[RoomClient], bool]:
    def said(room: RoomClient) -> bool:
        text = " ".join(e["data"]["text"] for e in finals(room) if e["seq"] > after).lower()
        return all(word in text for word in words)

    return said


async def test_a_caption_from_the_worker_reaches_listeners_on_both_processes(
    join: Join, microphone: Speak, tmp_path: Path
) -> None:
    spain = await join("spain", 0)
    chair = await join("chair", 1)
    speaker = await microphone()
    await speaker.speak(speech(FIRST, "en", tmp_path, pause=1.5))
    for room in (spain, chair):
        await room.wait_for("Kenya's statement, captioned", captioned("kenya", "climate"), 90)
    assert [e["seq"] for e in finals(spain)] == [e["seq"] for e in finals(chair)]
    assert finals(spain)[0]["data"]["speaker"]["delegation"] == "KEN"


async def test_killing_the_worker_mid_utterance_keeps_finals_and_moves_the_stream(
    cluster: Cluster, join: Join, microphone: Speak, tmp_path: Path
) -> None:
    spain = await join("spain", 0)
    chair = await join("chair", 1)
    logged = {worker.name: len(worker.log_text()) for worker in cluster.workers}
    speaker = await microphone()
    await speaker.speak(speech(FIRST, "en", tmp_path, pause=1.5))
    await spain.wait_for("the first statement", captioned("kenya", "climate"), 90)
    committed = [e["seq"] for e in finals(spain)]

    # The worker that took this stream says so in its log (earlier tests' streams are older).
    opened = f"opened (meeting {MEETING})"
    [holder] = [w for w in cluster.workers if opened in w.log_text()[logged[w.name] :]]
    second = speech(SECOND, "en", tmp_path, pause=2.0)
    await speaker.speak(second[: len(second) // 2])
    holder.kill()
    await speaker.speak(second[len(second) // 2 :])

    outcome = await speaker.told_after("recovering", {"live", "unavailable"}, timeout=60)
    if outcome == "live":  # another worker took the stream: the rest is captioned
        for room in (spain, chair):
            rest = captioned("promis", after=committed[-1])
            await room.wait_for("the rest of the statement", rest, 90)
    for room in (spain, chair):
        assert [e["seq"] for e in finals(room)][: len(committed)] == committed
    stored = json.loads(chair.delegate.get(f"/api/meetings/{MEETING}/events?after=0"))["events"]
    assert set(committed) <= {e["seq"] for e in stored if e["type"] == "caption.final"}
    cluster.start_worker(cluster.workers.index(holder))
