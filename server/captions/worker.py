"""Recognition workers: floor audio in, captions out (docs/captions.md).

A worker takes streams from the shared ``STREAMS_CHANNEL`` while it has room for them,
feeds each stream's audio to its own ``StreamingTranscriber`` in a thread pool (never on
the event loop; a thread per stream when the engine batches the decodes due together),
commits finals through ``services.caption_commit`` (stored, sequenced, broadcast on
commit), translates each final into the languages of the people present, and
sends drafts to the room as ephemeral messages. When an utterance ends, its settled text
(the transcriber's final pass over all of it) is committed in place of the finals committed
while it went on, and translated. A stream that falls behind skips drafts; its finals and
final passes are never dropped (late rather than wrong): a final that cannot be stored is
tried again, and a stream reports as settled only the audio whose finals are stored, so what
could not be stored is recognised again by the stream that takes over. A stream request
whose audio socket has closed is dropped when taken, and a stream whose socket stops sending
is let go, so a slot is never held for nobody.

The stream's state is in ``stream_job.py``; storing, translating and showing its captions in
``caption_publisher.py``; this module is the loop: taking streams, feeding their audio,
watching their lag, reporting their progress.

The same class runs inside a web process (``PLENARY_ASR_WORKERS=embedded``, the in-process
channel layer) and as ``plenary asr-worker`` processes on Redis (``external``).
"""

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor

from channels.layers import BaseChannelLayer
from django.conf import settings

from asr import SAMPLE_RATE, AudioError, StreamingOptions, StreamingTranscriber, Transcriber
from server.common import metrics
from server.common.asyncdb import db_async

from .caption_publisher import CaptionPublisher, status_send
from .messages import (
    STREAMS_CHANNEL,
    StreamFailed,
    StreamOpen,
    StreamOpened,
    StreamProgress,
)
from .speech import SpeechEngines
from .stream_job import StreamJob, socket_gone, speaker_of, stored_until, stream_request

logger = logging.getLogger(__name__)

PROGRESS_SECONDS = 1.0  # how often a worker reports on each stream (its heartbeat)
DRAFTS_UNTIL_LAG = 1.0  # past this much waiting audio, drafts are skipped
LAGGING_AFTER = 2.0  # … and past this, the room is told and a warning logged …
CALM_SECONDS = 5.0  # … until the lag has stayed small this long
# A stream whose oldest waiting audio has waited this long is given up (another worker may
# take it). Its lag, not its backlog: a stream taken over is sent up to 90 s of audio at once.
MAX_LAG_SECONDS = 60.0


class RecognitionWorker:
    def __init__(
        self,
        layer: BaseChannelLayer,
        load: Callable[[], SpeechEngines],
        *,
        max_streams: int,
        threads: int,
    ) -> None:
        self.layer = layer
        self.load = load
        self.max_streams = max_streams
        self.channel = ""
        self.jobs: dict[str, StreamJob] = {}
        self.engines: SpeechEngines | None = None
        self.publisher: CaptionPublisher | None = None
        self.threads = threads
        self.recognition = ThreadPoolExecutor(1, thread_name_prefix="asr-load")
        self.translation = ThreadPoolExecutor(2, thread_name_prefix="translate")
        self.capacity = asyncio.Semaphore(max_streams)
        self.ready = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._taking: asyncio.Task[None] | None = None

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        self.engines = await loop.run_in_executor(self.recognition, self.load)
        self.recognition.shutdown()
        self.recognition = ThreadPoolExecutor(
            self._streams_at_once(self.engines.transcriber), thread_name_prefix="asr"
        )
        self.publisher = CaptionPublisher(self.engines.router, self.translation, self._spawn)
        # The default prefix: channels-redis reads all of a process's channels through one
        # list per prefix under one lock, so a second prefix would wait on the first.
        self.channel = await self.layer.new_channel()
        self.ready.set()
        logger.info("recognition worker %s ready for %d streams", self.channel, self.max_streams)
        self._taking = asyncio.create_task(self._take_streams())
        try:
            await asyncio.gather(self._receive(), self._report())
        finally:  # the worker stops: so do its streams (their sockets take them elsewhere)
            self._taking.cancel()
            for task in list(self._tasks):
                task.cancel()
            self.recognition.shutdown(wait=False, cancel_futures=True)
            self.translation.shutdown(wait=False, cancel_futures=True)

    def _streams_at_once(self, engine: Transcriber) -> int:
        """Threads that recognise: ``threads``, or one per stream when the engine batches
        the calls they make at the same time (its encoder and decoder then run once for all
        the streams whose decodes are due together, asr/engines/batching.py)."""
        return max(self.threads, self.max_streams) if engine.batching else self.threads

    def _spawn(self, coroutine: Coroutine[object, object, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _take_streams(self) -> None:
        while True:
            await self.capacity.acquire()
            message = await self.layer.receive(STREAMS_CHANNEL)
            try:
                await self._open(stream_request(message))
            except Exception:
                self.capacity.release()
                logger.exception("could not open a recognition stream")

    async def _open(self, request: StreamOpen) -> None:
        assert self.engines is not None
        recording, speaker = await db_async(speaker_of)(
            request["recording"], [c for c in [request["language"], *request["languages"]] if c]
        )
        if socket_gone(recording):
            self.capacity.release()
            logger.info("stream %s: its audio socket has gone; request dropped", request["stream"])
            return
        options = StreamingOptions(
            # A booth's channel is recognised in the booth's language.
            language=recording.channel or request["language"],
            languages=tuple(request["languages"]),
            hotwords=speaker.hotwords,
        )
        stored, context = await db_async(stored_until)(recording)
        start = max(request["start"], stored)
        transcriber = StreamingTranscriber(
            self.engines.transcriber, options, start=start, context=context
        )
        job = StreamJob(request, recording, speaker, transcriber, expected=start, settled=start)
        self.jobs[request["stream"]] = job
        metrics.ASR_STREAMS.inc()
        self._spawn(self._run(job))
        opened: StreamOpened = {
            "type": "asr.opened",
            "stream": request["stream"],
            "worker": self.channel,
        }
        await self.layer.send(request["reply"], opened)
        logger.info("stream %s opened (meeting %s)", request["stream"], speaker.meeting)

    async def _receive(self) -> None:
        while True:
            message = await self.layer.receive(self.channel)
            stream = message.get("stream")
            job = self.jobs.get(stream) if isinstance(stream, str) else None
            if job is None:
                continue  # a stream that ended or went elsewhere
            job.heard_at = time.monotonic()
            try:
                if message.get("type") == "asr.audio":
                    self._audio(job, message)
                elif message.get("type") == "asr.close":
                    job.closing, job.flush = True, bool(message.get("flush", True))
                    job.wake.set()
            except (AudioError, ValueError) as exc:
                logger.warning("stream %s: bad message dropped: %s", stream, exc)

    def _audio(self, job: StreamJob, message: dict[str, object]) -> None:
        at, pcm = message.get("at"), message.get("pcm")
        if not isinstance(at, float | int) or not isinstance(pcm, bytes):
            raise ValueError("asr.audio needs 'at' (seconds) and 'pcm' (bytes)")
        job.push(float(at), pcm)

    async def _run(self, job: StreamJob) -> None:
        stream = job.request["stream"]
        try:
            await self._recognise(job)
        except Exception:
            logger.exception("stream %s: recognition failed", stream)
            await self._fail(job, "recognition failed")
        finally:
            del self.jobs[stream]
            metrics.ASR_STREAMS.dec()
            self.capacity.release()
            self._gauges(job, clear=True)
        await self._progress(job, closed=True)

    async def _recognise(self, job: StreamJob) -> None:
        loop = asyncio.get_running_loop()
        publisher = self.publisher
        assert publisher is not None
        while True:
            await job.wake.wait()
            job.wake.clear()
            while job.waiting:
                if job.lag > MAX_LAG_SECONDS:
                    await self._fail(job, f"recognition is over {MAX_LAG_SECONDS:.0f} s behind")
                    return
                await self._watch_lag(job)
                drafts = job.lag <= DRAFTS_UNTIL_LAG
                if not drafts:
                    metrics.CAPTION_DRAFTS_SKIPPED.inc()
                samples = job.take()
                started = time.perf_counter()
                feed = functools.partial(job.transcriber.feed_samples, samples, drafts=drafts)
                captions = await loop.run_in_executor(self.recognition, feed)
                metrics.ASR_REAL_TIME_FACTOR.observe(
                    (time.perf_counter() - started) / (len(samples) / SAMPLE_RATE)
                )
                await publisher.publish(job, captions)
            if job.closing:
                if job.flush:
                    rest = await loop.run_in_executor(self.recognition, job.transcriber.flush)
                    await publisher.publish(job, rest, ended=True)
                return

    async def _watch_lag(self, job: StreamJob) -> None:
        """Make a stream's lag visible: gauges always; a log line and a room status when it
        passes ``LAGGING_AFTER`` seconds and when it recovers."""
        self._gauges(job)
        lag, now = job.lag, time.monotonic()
        if lag >= DRAFTS_UNTIL_LAG:
            job.calm_since = None
        elif job.calm_since is None:
            job.calm_since = now
        if lag > LAGGING_AFTER and not job.lagging:
            job.lagging = True
            logger.warning(
                "meeting %s: recognition %.1f s behind; drafts skipped until it catches up",
                job.speaker.meeting,
                lag,
            )
            await status_send(job, "lagging", "Captions are delayed: recognition is behind.")
        elif job.lagging and job.calm_since is not None and now - job.calm_since > CALM_SECONDS:
            job.lagging = False
            logger.info("meeting %s: recognition caught up", job.speaker.meeting)
            await status_send(job, "live", "Captions are live again.")

    def _gauges(self, job: StreamJob, *, clear: bool = False) -> None:
        meeting = str(job.speaker.meeting)
        metrics.ASR_QUEUE_SECONDS.labels(meeting).set(0.0 if clear else job.backlog)
        metrics.CAPTION_LAG_SECONDS.labels(meeting).set(0.0 if clear else job.lag)

    async def hand_back(self, reason: str) -> None:
        """Stop taking streams and give every stream back (the worker is going away): each
        audio socket opens its stream again on another worker, from where it had got to."""
        if self._taking is not None:
            self._taking.cancel()
        for job in list(self.jobs.values()):
            await self._fail(job, reason)

    async def _report(self) -> None:
        while True:
            await asyncio.sleep(PROGRESS_SECONDS)
            idle = settings.ASR_STREAM_IDLE_SECONDS
            for job in list(self.jobs.values()):
                self._gauges(job)
                if not job.closing and time.monotonic() - job.heard_at > idle:
                    logger.warning(
                        "stream %s: nothing from its audio socket for %.0f s; let go",
                        job.request["stream"],
                        idle,
                    )
                    job.closing = job.flush = True
                    job.wake.set()
                await self._progress(job, closed=False)

    async def _progress(self, job: StreamJob, *, closed: bool) -> None:
        progress: StreamProgress = {
            "type": "asr.progress",
            "stream": job.request["stream"],
            "settled": round(job.settled, 3),
            "lag": round(job.lag, 3),
            "closed": closed,
        }
        await self._tell(job, progress)

    async def _fail(self, job: StreamJob, reason: str) -> None:
        failed: StreamFailed = {
            "type": "asr.failed",
            "stream": job.request["stream"],
            "settled": round(job.settled, 3),
            "reason": reason,
        }
        await self._tell(job, failed)

    async def _tell(self, job: StreamJob, message: StreamProgress | StreamFailed) -> None:
        try:
            await self.layer.send(job.request["reply"], message)
        except Exception:  # the audio socket's channel is full or gone: it will reopen
            logger.warning("stream %s: the audio socket did not take a report", message["stream"])
