"""The listening relay on its own: one layer subscription per meeting and process, each frame
to every local listener of that meeting, and listening again after the layer restarts."""

import asyncio
import logging

import pytest
from channels.layers import InMemoryChannelLayer

from server.captions.relay import AudioRelay, frame_send, listen_group

PCM = b"\x01\x00" * 160


class Ear:
    """A listening socket, as the relay sees it."""

    def __init__(self) -> None:
        self.heard: asyncio.Queue[tuple[int, bytes]] = asyncio.Queue()

    async def hear(self, turn: int, pcm: bytes) -> None:
        await self.heard.put((turn, pcm))

    async def next(self) -> tuple[int, bytes]:
        return await asyncio.wait_for(self.heard.get(), 5)


class RestartingLayer(InMemoryChannelLayer):
    """An in-memory layer that can lose every channel and group at once, as Redis does when
    it restarts, failing the receive that was waiting."""

    restart = False

    def __init__(self) -> None:
        super().__init__()
        self.joined = asyncio.Event()

    async def group_add(self, group: str, channel: str) -> None:
        await super().group_add(group, channel)
        self.joined.set()

    async def receive(self, channel: str) -> dict[str, object]:
        message: dict[str, object] = await super().receive(channel)
        if self.restart:
            self.restart = False
            await self.flush()
            raise ConnectionError("the layer restarted")
        return message


async def test_each_frame_reaches_every_listener_of_its_meeting_once() -> None:
    layer = InMemoryChannelLayer()
    relay = AudioRelay(layer)
    first, second, elsewhere = Ear(), Ear(), Ear()
    await relay.attach(1, first)
    await relay.attach(1, second)
    await relay.attach(2, elsewhere)
    assert sorted(relay.meetings.groups) == [1, 2]

    await frame_send(layer, 1, 7, PCM)
    await frame_send(layer, 2, 8, PCM)
    assert (await first.next(), await second.next()) == ((7, PCM), (7, PCM))
    assert await elsewhere.next() == (8, PCM)
    assert first.heard.empty() and second.heard.empty()

    await relay.detach(1, first)
    await relay.detach(1, second)
    await relay.detach(2, elsewhere)
    assert relay.meetings.groups == {}
    assert layer.groups.get(listen_group(1), {}) == {}


async def test_a_malformed_frame_is_logged_and_the_relay_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    layer = InMemoryChannelLayer()
    relay = AudioRelay(layer)
    ear = Ear()
    await relay.attach(1, ear)
    with caplog.at_level(logging.WARNING, logger="server.captions.relay"):
        await layer.group_send(listen_group(1), {"type": "audio.frame", "turn": "7"})
        await frame_send(layer, 1, 7, PCM)
        assert await ear.next() == (7, PCM)
    assert "malformed audio frame" in caplog.text
    await relay.detach(1, ear)


async def test_listeners_hear_again_once_the_layer_is_back() -> None:
    layer = RestartingLayer()
    relay = AudioRelay(layer)
    ear = Ear()
    await relay.attach(1, ear)
    await frame_send(layer, 1, 7, PCM)
    assert await ear.next() == (7, PCM)

    layer.restart, layer.joined = True, asyncio.Event()
    await frame_send(layer, 1, 7, b"lost")  # wakes the waiting receive, which fails
    await asyncio.wait_for(layer.joined.wait(), 5)  # the relay joins its group again
    await frame_send(layer, 1, 8, PCM)
    assert await ear.next() == (8, PCM)
    await relay.detach(1, ear)
