"""The floor holder's voice to every listener (docs/captions.md, "Hearing the speaker").

The speaker's audio socket sends each frame once to the meeting's listening group; each
server process with listeners in that meeting holds one subscription to the group
(``common.subscription``, as the room hub does for events) and writes the frame to its local
listening sockets. Live audio is neither sequenced nor replayed: a listener who reconnects,
or whose process lost the layer for a while, hears what is said from then on (the recording
keeps it all).
"""

import asyncio
import logging
from typing import Literal, Protocol, TypedDict

from channels.layers import BaseChannelLayer

from server.common.subscription import GroupSubscription, LocalGroups, PerLoop

logger = logging.getLogger(__name__)


def listen_group(meeting_id: int) -> str:
    return f"listen.{meeting_id}"


class AudioFrame(TypedDict):
    type: Literal["audio.frame"]
    turn: int
    pcm: bytes


class Listener(Protocol):
    async def hear(self, turn: int, pcm: bytes) -> None: ...


class MeetingRelay(GroupSubscription):
    """This process's subscription to one meeting's floor audio."""

    def __init__(self, meeting_id: int, layer: BaseChannelLayer) -> None:
        super().__init__(layer, listen_group(meeting_id))
        self.meeting_id = meeting_id
        self.listeners: set[Listener] = set()

    @property
    def idle(self) -> bool:
        return not self.listeners

    async def start(self) -> None:
        await self.subscribe()
        self.listen()

    async def on_message(self, message: dict[str, object]) -> None:
        turn, pcm = message.get("turn"), message.get("pcm")
        if not (isinstance(turn, int) and isinstance(pcm, bytes)):
            logger.warning("meeting %s: malformed audio frame on the layer", self.meeting_id)
            return
        await asyncio.gather(*(listener.hear(turn, pcm) for listener in list(self.listeners)))


class AudioRelay:
    """All listening subscriptions of this process (one per event loop)."""

    def __init__(self, layer: BaseChannelLayer) -> None:
        self.meetings = LocalGroups(layer, MeetingRelay)

    async def attach(self, meeting_id: int, listener: Listener) -> None:
        async with self.meetings.joining(meeting_id) as relay:
            relay.listeners.add(listener)

    async def detach(self, meeting_id: int, listener: Listener) -> None:
        async with self.meetings.leaving(meeting_id) as relay:
            if relay is not None:
                relay.listeners.discard(listener)


async def frame_send(layer: BaseChannelLayer, meeting_id: int, turn: int, pcm: bytes) -> None:
    frame: AudioFrame = {"type": "audio.frame", "turn": turn, "pcm": pcm}
    await layer.group_send(listen_group(meeting_id), frame)


_relays = PerLoop(AudioRelay)


def get_relay() -> AudioRelay:
    """The relay of the running event loop (one per server process in production)."""
    return _relays.get()
