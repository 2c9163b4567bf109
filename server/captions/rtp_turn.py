"""A floor turn whose audio comes as an RTP forward from the media gateway (docs/captions.md,
"The RTP path"): recognition hears what delegates hear over WebRTC.

``rtp_turn_start`` opens the turn's recording as the audio socket does, takes a UDP port on
``RTP_HOST``, picks a random SSRC and has the gateway forward the floor holder's Opus there
(``forward``, e.g. ``JanusAdmin.rtp_forward``). Only datagrams from ``RTP_SOURCE_HOST`` with
that SSRC are heard; the first one fixes the source port, and anything else is counted
(``plenary_rtp_packets_dropped_total``) and dropped. The packets are decoded
(``asr.rtp``), stored as Ogg Opus without re-encoding, and go where the audio socket's
frames go (``turn_audio``): the recording, listeners of the PCM relay, recognition.
"""

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable

from channels.layers import BaseChannelLayer, get_channel_layer
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from asr import AudioError
from asr.ogg_opus import OggOpusWriter
from asr.rtp import LatePacket, OpusAudio, RtpOpusDecoder
from server.common import metrics
from server.common.asyncdb import db_async
from server.common.errors import NotFound
from server.conferences.models import Meeting, Participant
from server.rooms.hub import get_hub
from server.rooms.models import FloorTurn

from .audio_admission import FloorWatch, turn_admit
from .intake import BYTES_PER_SECOND, Frame, as_pcm16
from .models import Recording
from .turn_audio import TurnAudio

logger = logging.getLogger(__name__)

Forward = Callable[[str, int, int], Awaitable[None]]

QUEUE_DATAGRAMS = 250  # 5 s of 20 ms packets waiting to be decoded; more are dropped
FRAME_BYTES = BYTES_PER_SECOND // 10  # audio goes on in frames of 100 ms, as from a socket


class ForwardSocket(asyncio.DatagramProtocol):
    """The turn's UDP port: queues the datagrams of the stream it expects."""

    def __init__(self, source_host: str, ssrc: int) -> None:
        self.source_host = source_host
        self.ssrc = ssrc
        self.source: tuple[str, int] | None = None  # fixed by the first packet of the stream
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue(QUEUE_DATAGRAMS + 1)
        self.told: set[str] = set()
        self.port = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.port = transport.get_extra_info("sockname")[1]

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        reason = self.refusal(data, (str(addr[0]), int(addr[1])))
        if reason is None and self.queue.qsize() >= QUEUE_DATAGRAMS:
            reason = "full"
        if reason is None:
            self.queue.put_nowait(data)
        else:
            self.drop(reason, addr)

    def refusal(self, data: bytes, source: tuple[str, int]) -> str | None:
        if source[0] != self.source_host or self.source not in (None, source):
            return "source"
        if len(data) < 12 or int.from_bytes(data[8:12], "big") != self.ssrc:
            return "ssrc"
        self.source = source
        return None

    def drop(self, reason: str, addr: object) -> None:
        metrics.RTP_PACKETS_DROPPED.labels(reason).inc()
        if reason not in self.told:  # once per reason and turn: a flood stays out of the logs
            self.told.add(reason)
            logger.warning("RTP port %s: dropped a datagram from %s (%s)", self.port, addr, reason)


class ForwardIntake:
    """What the turn takes of the forward's datagrams: 16 kHz PCM16 to hear and recognise,
    in frames of about 100 ms, and Ogg Opus pages to record (gaps in the stream stored as
    packets that say nothing was sent, so the recording keeps time)."""

    def __init__(self) -> None:
        self.decoder = RtpOpusDecoder()
        self.ogg = OggOpusWriter(serial=secrets.randbits(32))
        self.pcm = bytearray()
        self.stored = bytearray(self.ogg.header(channels=1))  # a stereo stream is mixed down

    def take(self, datagrams: list[bytes]) -> tuple[list[Frame], list[str]]:
        """The frames ``datagrams`` complete, and why any of them was refused."""
        refused = []
        for datagram in datagrams:
            try:
                self._gather(self.decoder.push(datagram))
            except LatePacket:
                refused.append("late")
            except AudioError:
                refused.append("bad_packet")
        if len(self.pcm) < FRAME_BYTES:
            return [], refused
        return [self._frame()], refused

    def close(self) -> Frame:
        """The rest: what waited for a late packet, and the recording's last page."""
        self._gather(self.decoder.flush())
        self.stored += self.ogg.close()
        return self._frame()

    def _gather(self, audio: list[OpusAudio]) -> None:
        for piece in audio:
            self.pcm += as_pcm16(piece.samples)
            for packet, samples in piece.packets:
                self.stored += self.ogg.add(packet, samples)

    def _frame(self) -> Frame:
        frame = Frame(bytes(self.pcm), bytes(self.stored), oversized=False)
        self.pcm.clear()
        self.stored.clear()
        return frame


class RtpTurn:
    """Floor turn ``turn_id``'s audio from an RTP forward, from ``start`` to ``stop``; with
    ``channel``, an interpretation channel's audio of the turn, in ``language``."""

    def __init__(
        self,
        meeting: Meeting,
        participant: Participant,
        turn_id: int,
        channel: str = "",
        language: str | None = None,
    ) -> None:
        self.meeting = meeting
        self.turn_id = turn_id
        self.channel = channel
        self.language = language
        self.watch = FloorWatch(meeting, participant, self.end_of_turn)
        self.socket = ForwardSocket(settings.RTP_SOURCE_HOST, secrets.randbits(32))
        self.intake = ForwardIntake()
        self.stopping = False
        self.started = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []

    async def start(self, forward: Forward) -> None:
        """Open the turn's recording and recognition, then have the gateway forward the
        audio; what refuses the turn (``turn_admit``) or fails on the way is raised."""
        loop = asyncio.get_running_loop()
        self.transport, _ = await loop.create_datagram_endpoint(
            lambda: self.socket, local_addr=(settings.RTP_HOST, 0)
        )
        try:
            await self._open()
        except BaseException:
            self.transport.close()
            raise
        host, port = self.transport.get_extra_info("sockname")[:2]
        try:
            await forward(host, port, self.socket.ssrc)
        except BaseException:
            await self.stop()
            raise

    async def _open(self) -> None:
        turn = await turn_admit(
            self.watch, Recording.Format.OGG, self.language, self.turn_id, self.channel
        )
        layer = get_channel_layer()
        assert layer is not None, "CHANNEL_LAYERS must be configured"
        try:
            reply = await layer.new_channel()
            self.audio = await TurnAudio.start(layer, reply, self.meeting, turn)
        except BaseException:
            await get_hub().detach(self.meeting.pk, turn.member)
            raise
        self.tasks = [
            asyncio.create_task(self.pump()),
            asyncio.create_task(self.answers(layer, reply)),
        ]
        self.started.set()

    @property
    def recording(self) -> Recording:
        return self.audio.turn.recording

    async def pump(self) -> None:
        """Datagrams in, decoded off the event loop a batch at a time, frames out; until
        ``stop`` puts an end (None) in the queue."""
        queue = self.socket.queue
        while True:
            batch = [await queue.get()]
            while not queue.empty():
                batch.append(queue.get_nowait())
            datagrams = [datagram for datagram in batch if datagram is not None]
            frames, refused = await asyncio.to_thread(self.intake.take, datagrams)
            for reason in refused:
                self.socket.drop(reason, self.socket.source)
            for frame in frames:
                await self.audio.take(frame)
            if None in batch:
                return

    async def answers(self, layer: BaseChannelLayer, reply: str) -> None:
        """The recognition worker's answers, as an audio socket receives them."""
        while True:
            try:
                await self.audio.answer(await layer.receive(reply))
            except Exception:
                logger.exception("RTP turn %s: a worker's answer was lost", self.turn_id)
                await asyncio.sleep(1.0)

    async def end_of_turn(self) -> None:
        """The floor changed (the gateway is told too, and will call ``stop`` as well)."""
        await self.started.wait()
        await self.stop()

    async def stop(self) -> None:
        """The forward ends: what came is decoded and stored, the recording closed and
        recognition flushed (as ``audio.stop`` on the audio socket)."""
        if self.stopping:
            return
        self.stopping = True
        self.transport.close()
        pump, answers = self.tasks
        if not pump.done():
            await self.socket.queue.put(None)
            await pump
        await self.audio.take(await asyncio.to_thread(self.intake.close))
        await self.audio.finish()
        answers.cancel()


def _turn_of(meeting_id: int, turn_id: int) -> tuple[Meeting, Participant]:
    turn = (
        FloorTurn.objects.select_related("meeting", "participant")
        .filter(pk=turn_id, meeting_id=meeting_id)
        .first()
    )
    if turn is None:
        raise NotFound(
            _("Meeting {meeting_id} has no floor turn {turn_id}."),
            meeting_id=meeting_id,
            turn_id=turn_id,
        )
    return turn.meeting, turn.participant


async def rtp_turn_start(
    meeting_id: int,
    turn_id: int,
    forward: Forward,
    channel: str = "",
    language: str | None = None,
) -> RtpTurn:
    """Floor turn ``turn_id``'s audio, forwarded by ``forward(host, port, ssrc)``, recorded,
    relayed and recognised until ``RtpTurn.stop``, or until the floor changes. With
    ``channel`` (a booth's language) the interpretation channel's audio of the turn, in
    ``language``: recorded (``Recording.channel``). Raises ``NotFound``, ``Forbidden`` (not
    the floor's turn), ``Conflict`` (the turn is over, the meeting not open) or
    ``AudioTaken`` (the turn's audio, or that channel's, comes from elsewhere already)."""
    meeting, participant = await db_async(_turn_of)(meeting_id, turn_id)
    turn = RtpTurn(meeting, participant, turn_id, channel, language)
    await turn.start(forward)
    return turn
