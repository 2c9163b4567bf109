"""The floor's audio to recognition (contract item 3 of issue #13; docs/media.md, "Captions
from the same stream"): once the floor holder's publisher is live in Janus, the captions
module's RTP turn asks for a forward of its audio, and is stopped when the publisher leaves
or the floor moves on.

``server.captions.rtp_turn`` is the captions module's; where it is not installed, nothing
is forwarded (the audio socket still carries captions)."""

import importlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol, runtime_checkable

from .admin import JanusAdmin, JanusError

logger = logging.getLogger(__name__)

RTP_TURN_MODULE = "server.captions.rtp_turn"

Forward = Callable[[str, int, int], Awaitable[None]]


class RtpTurn(Protocol):
    async def stop(self) -> None: ...


@runtime_checkable
class RtpTurnStart(Protocol):
    def __call__(self, meeting_id: int, turn_id: int, forward: Forward) -> Awaitable[RtpTurn]: ...


def _rtp_turn_start() -> RtpTurnStart | None:
    try:
        module = importlib.import_module(RTP_TURN_MODULE)
    except ImportError:
        return None
    start = getattr(module, "rtp_turn_start", None)
    return start if isinstance(start, RtpTurnStart) else None


class FloorForward:
    """The forward of one publisher's audio for one floor turn."""

    def __init__(self, admin: JanusAdmin, room: int, publisher: int) -> None:
        self.admin = admin
        self.room = room
        self.publisher = publisher
        self.streams: list[int] = []
        self.turn: RtpTurn | None = None
        self.turn_id: int | None = None  # the floor turn whose audio this forwards

    async def forward(self, host: str, port: int, ssrc: int) -> None:
        self.streams.append(
            await self.admin.rtp_forward(self.room, self.publisher, host, port, ssrc)
        )

    async def start(self, meeting_id: int) -> bool:
        """Start the RTP turn of ``turn_id``; False where the captions module has none."""
        start = _rtp_turn_start()
        if start is None or self.turn_id is None:
            return False
        self.turn = await start(meeting_id, self.turn_id, self.forward)
        return True

    async def stop(self) -> None:
        turn, self.turn = self.turn, None
        if turn is not None:
            await turn.stop()
        streams, self.streams = self.streams, []
        for stream in streams:
            try:
                await self.admin.stop_rtp_forward(self.room, self.publisher, stream)
            except JanusError as exc:  # the publisher left: its forwards went with it
                logger.info("room %s: forward %s already gone (%s)", self.room, stream, exc)
