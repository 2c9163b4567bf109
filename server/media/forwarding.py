"""The floor's audio to recognition (contract item 3 of issue #13; docs/media.md, "Captions
from the same stream"): once the floor holder's publisher is live in Janus, the captions
module's RTP turn asks for a forward of its audio, and is stopped when the publisher leaves
or the floor moves on."""

import logging

from server.captions.rtp_turn import RtpTurn, rtp_turn_start

from .admin import JanusAdmin, JanusError

logger = logging.getLogger(__name__)


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
        """Start the RTP turn of ``turn_id``; False where there is no turn."""
        if self.turn_id is None:
            return False
        self.turn = await rtp_turn_start(meeting_id, self.turn_id, self.forward)
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
