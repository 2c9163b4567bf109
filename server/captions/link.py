"""The audio socket's side of recognition: open a stream on some worker, send it the audio,
and keep the audio that is not final yet, so that a worker that dies or gives up is
replaced without losing a word (docs/captions.md, "Recognition workers")."""

import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from enum import StrEnum

from channels.exceptions import ChannelFull
from channels.layers import BaseChannelLayer
from django.conf import settings

from asr import SAMPLE_RATE

from .messages import STREAMS_CHANNEL, StreamAlive, StreamAudio, StreamClose, StreamOpen

logger = logging.getLogger(__name__)

# Audio kept for a takeover: an utterance is final within ``max_buffer`` (30 s) of its
# start; past this the oldest audio is let go (it stays in the recording, marked as a gap).
KEEP_SECONDS = 90.0


class LinkState(StrEnum):
    OPENING = "opening"  # a stream was asked for; no worker has answered yet
    STARTING = "starting"  # the recogniser is loading: audio is kept, captioned once it is up
    LIVE = "live"
    RECOVERING = "recovering"  # the worker was lost: asking another
    UNAVAILABLE = "unavailable"  # no worker answered: audio is recorded, not captioned


Notify = Callable[[LinkState, str], Awaitable[None]]


class RecognitionLink:
    def __init__(
        self,
        layer: BaseChannelLayer,
        reply: str,
        recording: int,
        language: str | None,
        languages: list[str],
        notify: Notify,
        gap: Callable[[float, float], None],
        starting: Callable[[], bool] = lambda: False,
    ) -> None:
        """``starting``: whether recognition is still starting (its engines loading)."""
        self.layer = layer
        self.reply = reply
        self.recording = recording
        self.language = language
        self.languages = languages
        self.notify = notify
        self.gap = gap
        self.starting = starting
        self.state = LinkState.OPENING
        self.stream = ""
        self.worker: str | None = None
        self.settled = 0.0  # stream time up to which the worker has made everything final
        self.kept: deque[tuple[float, bytes]] = deque()  # (at, pcm) after `settled`
        self.asked_at = 0.0
        self.heard_at = 0.0
        self.sent_at = 0.0  # when the worker was last sent something

    @property
    def timeout(self) -> float:
        return float(settings.ASR_WORKER_TIMEOUT_SECONDS)

    async def open(self) -> None:
        """Ask for a stream that starts where the final text ended."""
        self.stream = uuid.uuid4().hex
        self.worker = None
        self.asked_at = time.monotonic()
        request: StreamOpen = {
            "type": "asr.open",
            "stream": self.stream,
            "reply": self.reply,
            "recording": self.recording,
            "language": self.language,
            "languages": self.languages,
            "start": self.settled,
        }
        try:
            await self.layer.send(STREAMS_CHANNEL, request)
        except ChannelFull:  # requests pile up unanswered: no worker is there; ask again later
            logger.warning(
                "stream %s: the stream requests are full; no worker takes them", self.stream
            )

    async def audio(self, at: float, pcm: bytes) -> None:
        self.kept.append((at, pcm))
        self._let_go(at - KEEP_SECONDS)
        if self.worker is not None:
            await self._send(at, pcm)

    def _let_go(self, before: float) -> None:
        """Forget audio that ends before ``before``; what was not final yet is a gap."""
        while self.kept and self.kept[0][0] + len(self.kept[0][1]) / 2 / SAMPLE_RATE <= before:
            at, pcm = self.kept.popleft()
            end = at + len(pcm) / 2 / SAMPLE_RATE
            if end > self.settled:
                self.gap(max(at, self.settled), end)
                self.settled = end

    async def _send(self, at: float, pcm: bytes) -> None:
        message: StreamAudio = {"type": "asr.audio", "stream": self.stream, "at": at, "pcm": pcm}
        await self._to_worker(message)

    async def _to_worker(self, message: StreamAudio | StreamAlive) -> None:
        assert self.worker is not None
        self.sent_at = time.monotonic()
        try:
            await self.layer.send(self.worker, message)
        except ChannelFull:
            logger.warning(
                "stream %s: the worker's channel is full; taking it elsewhere", self.stream
            )
            await self._replace("The recognition worker is overloaded.")

    async def opened(self, stream: str, worker: str) -> None:
        if stream != self.stream or self.worker is not None:
            # An answer to a request given up on: that worker must let the stream go.
            await self._close(worker, stream, flush=False)
            return
        self.worker = worker
        self.heard_at = time.monotonic()
        for at, pcm in list(self.kept):
            await self._send(at, pcm)
        if self.state != LinkState.LIVE:
            self.state = LinkState.LIVE
            await self.notify(self.state, "Live captions are on.")

    async def progress(self, stream: str, settled: float, closed: bool) -> None:
        if stream != self.stream:
            return
        self.heard_at = time.monotonic()
        self.settled = max(self.settled, settled)
        self._let_go(self.settled)
        if closed and self.worker is not None:
            await self._replace("The recognition worker stopped.")

    async def failed(self, stream: str, settled: float, reason: str) -> None:
        if stream != self.stream:
            return
        logger.warning("stream %s failed on its worker: %s", stream, reason)
        self.settled = max(self.settled, settled)
        await self._replace(f"Recognition stopped ({reason}).")

    async def check(self) -> None:
        """Called about once a second: a silent worker is replaced; a stream nobody took
        leaves the speaker told, and is asked for again; a worker that had no audio for a
        second is told the socket is still there."""
        now = time.monotonic()
        if self.worker is not None and now - self.sent_at >= 1.0:
            await self._to_worker({"type": "asr.alive", "stream": self.stream})
        if self.worker is not None and now - self.heard_at > self.timeout:
            logger.warning(
                "stream %s: worker %s silent for %.0f s",
                self.stream,
                self.worker,
                now - self.heard_at,
            )
            await self._replace("The recognition worker stopped answering.")
        elif self.worker is None and self.starting():
            if self.state != LinkState.STARTING:
                self.state = LinkState.STARTING
                await self.notify(
                    self.state,
                    "Captions are starting: the speech recogniser is loading. Your speech is "
                    "kept and captioned as soon as it is ready.",
                )
            # Not asked again meanwhile: the worker takes the request once it is ready.
        elif self.worker is None and now - self.asked_at > self.timeout:
            if self.state != LinkState.UNAVAILABLE:
                self.state = LinkState.UNAVAILABLE
                await self.notify(
                    self.state,
                    "No recognition worker is available: your speech is recorded and will be "
                    "transcribed later, but there are no live captions for now.",
                )
            await self.open()

    async def _replace(self, why: str) -> None:
        if self.worker is not None:
            await self._close(self.worker, self.stream, flush=False)
        self.state = LinkState.RECOVERING
        await self.notify(self.state, f"{why} Captions are resuming on another worker.")
        await self.open()

    async def close(self) -> None:
        """The speaker is done: the worker commits what is left and lets the stream go."""
        if self.worker is not None:
            await self._close(self.worker, self.stream, flush=True)

    async def _close(self, worker: str, stream: str, *, flush: bool) -> None:
        message: StreamClose = {"type": "asr.close", "stream": stream, "flush": flush}
        try:
            await self.layer.send(worker, message)
        except ChannelFull:
            logger.warning("stream %s: could not tell worker %s to close it", stream, worker)
