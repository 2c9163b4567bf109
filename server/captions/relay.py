"""The floor holder's voice to every listener (docs/captions.md, "Hearing the speaker").

The speaker's audio socket sends each frame once to the meeting's listening group; each
server process with listeners in that meeting holds one subscription to the group and
writes the frame to its local listening sockets, as the room hub does for events. Live
audio is neither sequenced nor replayed: a listener who reconnects hears what is said from
then on (the recording keeps it all).
"""

import asyncio
import logging
import weakref
from typing import Literal, Protocol, TypedDict

from channels.layers import BaseChannelLayer, get_channel_layer

logger = logging.getLogger(__name__)


def listen_group(meeting_id: int) -> str:
    return f"listen.{meeting_id}"


class AudioFrame(TypedDict):
    type: Literal["audio.frame"]
    turn: int
    pcm: bytes


class Listener(Protocol):
    async def hear(self, turn: int, pcm: bytes) -> None: ...


class MeetingRelay:
    """This process's subscription to one meeting's floor audio."""

    def __init__(self, meeting_id: int, layer: BaseChannelLayer) -> None:
        self.meeting_id = meeting_id
        self.layer = layer
        self.listeners: set[Listener] = set()
        self.channel = ""
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(listen_group(self.meeting_id), self.channel)
        self._task = asyncio.create_task(self._receive_loop(), name=f"listen-{self.meeting_id}")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        await self.layer.group_discard(listen_group(self.meeting_id), self.channel)

    async def _receive_loop(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except Exception:
                logger.exception("meeting %s: the channel layer failed", self.meeting_id)
                await self._subscribe_again()
                continue
            turn, pcm = message.get("turn"), message.get("pcm")
            if not (isinstance(turn, int) and isinstance(pcm, bytes)):
                logger.warning("meeting %s: malformed audio frame on the layer", self.meeting_id)
                continue
            await asyncio.gather(*(listener.hear(turn, pcm) for listener in list(self.listeners)))

    async def _subscribe_again(self) -> None:
        """The layer failed (Redis restarted, and its groups with it): join the group again
        once it answers. What was said meanwhile is in the recording, not replayed."""
        delay = 0.2
        while True:
            await asyncio.sleep(delay)
            try:
                await self.layer.group_add(listen_group(self.meeting_id), self.channel)
                return
            except Exception:
                delay = min(delay * 2, 5.0)


class AudioRelay:
    """All listening subscriptions of this process (one per event loop)."""

    def __init__(self, layer: BaseChannelLayer) -> None:
        self.layer = layer
        self.meetings: dict[int, MeetingRelay] = {}
        self._lock = asyncio.Lock()

    async def attach(self, meeting_id: int, listener: Listener) -> None:
        async with self._lock:
            relay = self.meetings.get(meeting_id)
            if relay is None:
                relay = MeetingRelay(meeting_id, self.layer)
                await relay.start()
                self.meetings[meeting_id] = relay
            relay.listeners.add(listener)

    async def detach(self, meeting_id: int, listener: Listener) -> None:
        async with self._lock:
            relay = self.meetings.get(meeting_id)
            if relay is None:
                return
            relay.listeners.discard(listener)
            if not relay.listeners:
                del self.meetings[meeting_id]
                await relay.stop()


async def frame_send(layer: BaseChannelLayer, meeting_id: int, turn: int, pcm: bytes) -> None:
    frame: AudioFrame = {"type": "audio.frame", "turn": turn, "pcm": pcm}
    await layer.group_send(listen_group(meeting_id), frame)


_relays: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AudioRelay]" = (
    weakref.WeakKeyDictionary()
)


def get_relay() -> AudioRelay:
    loop = asyncio.get_running_loop()
    relay = _relays.get(loop)
    if relay is None:
        layer = get_channel_layer()
        assert layer is not None, "CHANNEL_LAYERS must be configured"
        relay = AudioRelay(layer)
        _relays[loop] = relay
    return relay
