"""Audio of a floor turn to the captions module's RTP turn (docs/media.md, "Captions from the
same stream", "Interpretation"): the floor holder's publisher once it is live in Janus
(``FloorForward``: recorded and recognised), and each live booth's mix while the turn lasts
(``ChannelForward``: recorded, ``Recording.channel`` the booth's language). The captions
module's RTP turn asks for the forward, and is stopped when the publisher leaves, the booth
goes off or the floor moves on."""

import logging

from server.captions.rtp_turn import RtpTurn, rtp_turn_start

from .admin import JanusAdmin, JanusError
from .channels import ChannelAdmin

logger = logging.getLogger(__name__)


class TurnForward:
    """The forwards of some audio for one floor turn (``turn_id``); subclasses say which."""

    channel = ""  # the floor
    language: str | None = None

    def __init__(self, room: int) -> None:
        self.room = room
        self.streams: list[int] = []
        self.turn: RtpTurn | None = None
        self.turn_id: int | None = None  # the floor turn whose audio this forwards

    async def rtp_forward(self, host: str, port: int, ssrc: int) -> int:
        raise NotImplementedError

    async def rtp_forward_stop(self, stream: int) -> None:
        raise NotImplementedError

    async def forward(self, host: str, port: int, ssrc: int) -> None:
        self.streams.append(await self.rtp_forward(host, port, ssrc))

    async def start(self, meeting_id: int) -> bool:
        """Start the RTP turn of ``turn_id``; False where there is no turn."""
        if self.turn_id is None:
            return False
        self.turn = await rtp_turn_start(
            meeting_id, self.turn_id, self.forward, self.channel, self.language
        )
        return True

    def live(self, turn_id: int | None) -> bool:
        """Whether this still forwards floor turn ``turn_id`` (its RTP turn ends by itself
        when the floor changes or the meeting is suspended)."""
        return self.turn is not None and not self.turn.stopping and self.turn_id == turn_id

    async def stop(self) -> None:
        turn, self.turn = self.turn, None
        if turn is not None:
            await turn.stop()
        streams, self.streams = self.streams, []
        for stream in streams:
            try:
                await self.rtp_forward_stop(stream)
            except JanusError as exc:  # the publisher or room left: its forwards went with it
                logger.info("room %s: forward %s already gone (%s)", self.room, stream, exc)


class FloorForward(TurnForward):
    """The forward of one publisher's audio (its first audio stream) for one floor turn."""

    def __init__(self, admin: JanusAdmin, room: int, publisher: int) -> None:
        super().__init__(room)
        self.admin = admin
        self.publisher = publisher

    async def rtp_forward(self, host: str, port: int, ssrc: int) -> int:
        return await self.admin.rtp_forward(self.room, self.publisher, host, port, ssrc)

    async def rtp_forward_stop(self, stream: int) -> None:
        await self.admin.stop_rtp_forward(self.room, self.publisher, stream)


class ChannelForward(TurnForward):
    """The forward of a booth's mix (the channel listeners hear) for one floor turn."""

    def __init__(self, channels: ChannelAdmin, room: int, language: str) -> None:
        super().__init__(room)
        self.channels = channels
        self.channel = self.language = language

    async def rtp_forward(self, host: str, port: int, ssrc: int) -> int:
        return await self.channels.booth_forward(self.room, host, port, ssrc)

    async def rtp_forward_stop(self, stream: int) -> None:
        await self.channels.booth_stop_forward(self.room, stream)
