"""Recognition workers: floor audio in, captions out (docs/captions.md).

A worker takes streams from the shared ``STREAMS_CHANNEL`` while it has room for them,
feeds each stream's audio to its own ``StreamingTranscriber`` in a small thread pool (never
on the event loop), commits finals through ``services.caption_commit`` (stored, sequenced,
broadcast on commit), translates each final into the languages of the people present, and
sends drafts to the room as ephemeral messages. When an utterance ends, its settled text
(the transcriber's final pass over all of it) is committed in place of the finals committed
while it went on, and translated. A stream that falls behind skips drafts; its finals and
final passes are never dropped (late rather than wrong): a final that cannot be stored is
tried again, and a stream reports as settled only the audio whose finals are stored, so what
could not be stored is recognised again by the stream that takes over. A stream request
whose audio socket has closed is dropped when taken, and a stream whose socket stops sending
is let go, so a slot is never held for nobody.

The same class runs inside a web process (``PLENARY_ASR_WORKERS=embedded``, the in-process
channel layer) and as ``plenary asr-worker`` processes on Redis (``external``).
"""

import asyncio
import functools
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from channels.layers import BaseChannelLayer
from django.conf import settings
from django.utils import timezone

from asr import (
    SAMPLE_RATE,
    AudioError,
    Caption,
    CaptionKind,
    SentenceGrouper,
    StreamingOptions,
    StreamingTranscriber,
    TermBase,
    TranslationUnavailable,
    final_captions,
    pcm16_to_float,
)
from server.common import metrics
from server.common.asyncdb import db_async
from server.glossary.selectors import conference_term_base, hotwords
from server.rooms.events import PROTOCOL_VERSION, ParticipantRef
from server.rooms.hub import ephemeral_send
from server.rooms.selectors import participant_ref

from . import selectors, services
from .events import CaptionDraft, CaptionEvent, CaptionStatus
from .messages import (
    STREAMS_CHANNEL,
    StreamFailed,
    StreamOpen,
    StreamOpened,
    StreamProgress,
)
from .models import Recording, TranscriptSegment
from .speech import SpeechEngines

logger = logging.getLogger(__name__)

PROGRESS_SECONDS = 1.0  # how often a worker reports on each stream (its heartbeat)
DRAFTS_UNTIL_LAG = 1.0  # past this much waiting audio, drafts are skipped
LAGGING_AFTER = 2.0  # … and past this, the room is told and a warning logged …
CALM_SECONDS = 5.0  # … until the lag has stayed small this long
MAX_BACKLOG_SECONDS = 60.0  # a stream this far behind is given up (another worker may take it)
COMMIT_RETRIES = (0.5, 1.0, 2.0)  # seconds before each new try at storing a final


@dataclass(frozen=True)
class Speaker:
    """What drafts say about the stream's speaker."""

    meeting: int
    conference: int
    turn: int
    ref: ParticipantRef
    hotwords: dict[str, str]  # language → names and terms to spell as written


def _speaker(recording_id: int, languages: list[str]) -> tuple[Recording, Speaker]:
    recording = Recording.objects.select_related("meeting", "turn__participant__delegation").get(
        pk=recording_id
    )
    turn, conference = recording.turn, recording.meeting.conference_id
    words = hotwords(conference, languages, turn.participant)
    ref = participant_ref(turn.participant)
    return recording, Speaker(recording.meeting_id, conference, turn.pk, ref, words)


@dataclass
class StreamJob:
    """One stream on this worker: its transcriber and the audio waiting for it."""

    request: StreamOpen
    recording: Recording
    speaker: Speaker
    transcriber: StreamingTranscriber
    expected: float  # stream time where the next audio must start
    settled: float  # stream time up to which every final is stored (what is reported)
    heard_at: float = field(default_factory=time.monotonic)  # the socket's last message
    waiting: deque[tuple[float, np.ndarray]] = field(default_factory=deque)  # (arrived, samples)
    # The finals committed so far of the utterance going on: shown, stored once it settles.
    held: list[Caption] = field(default_factory=list)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    closing: bool = False
    flush: bool = True
    lagging: bool = False
    calm_since: float | None = None  # since when the lag has been small
    sentences: SentenceGrouper = field(default_factory=SentenceGrouper)

    @property
    def backlog(self) -> float:
        return sum(len(samples) for _, samples in self.waiting) / SAMPLE_RATE

    @property
    def lag(self) -> float:
        return time.monotonic() - self.waiting[0][0] if self.waiting else 0.0

    def push(self, at: float, pcm: bytes) -> None:
        """Queue a frame that starts ``at`` seconds into the stream: a frame already heard
        (sent again after a takeover) is cut to what is new; a gap becomes silence."""
        samples = pcm16_to_float(pcm)
        skip = round((self.expected - at) * SAMPLE_RATE)
        if skip >= len(samples):
            return
        if skip > 0:
            samples = samples[skip:]
        elif skip < 0:
            missing = -skip / SAMPLE_RATE
            logger.warning("stream %s: %.2f s of audio missing", self.request["stream"], missing)
            samples = np.concatenate([np.zeros(-skip, np.float32), samples])
        self.waiting.append((time.monotonic(), samples))
        self.expected += len(samples) / SAMPLE_RATE
        self.wake.set()

    def take(self) -> np.ndarray:
        samples = np.concatenate([s for _, s in self.waiting])
        self.waiting.clear()
        return samples


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
        self.recognition = ThreadPoolExecutor(threads, thread_name_prefix="asr")
        self.translation = ThreadPoolExecutor(2, thread_name_prefix="translate")
        self.capacity = asyncio.Semaphore(max_streams)
        self.ready = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._taking: asyncio.Task[None] | None = None

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        self.engines = await loop.run_in_executor(self.recognition, self.load)
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

    def _spawn(self, coroutine: Coroutine[object, object, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _take_streams(self) -> None:
        while True:
            await self.capacity.acquire()
            message = await self.layer.receive(STREAMS_CHANNEL)
            try:
                await self._open(_as_open(message))
            except Exception:
                self.capacity.release()
                logger.exception("could not open a recognition stream")

    async def _open(self, request: StreamOpen) -> None:
        assert self.engines is not None
        recording, speaker = await db_async(_speaker)(
            request["recording"], [c for c in [request["language"], *request["languages"]] if c]
        )
        if _socket_gone(recording):
            self.capacity.release()
            logger.info("stream %s: its audio socket has gone; request dropped", request["stream"])
            return
        options = StreamingOptions(
            language=request["language"],
            languages=tuple(request["languages"]),
            hotwords=speaker.hotwords,
        )
        transcriber = StreamingTranscriber(
            self.engines.transcriber, options, start=request["start"]
        )
        start = request["start"]
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
        while True:
            await job.wake.wait()
            job.wake.clear()
            while job.waiting:
                if job.backlog > MAX_BACKLOG_SECONDS:
                    await self._fail(job, f"recognition is over {MAX_BACKLOG_SECONDS:.0f} s behind")
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
                await self._publish(job, captions)
            if job.closing:
                if job.flush:
                    rest = await loop.run_in_executor(self.recognition, job.transcriber.flush)
                    await self._publish(job, rest, ended=True)
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
            await self._status(job, "lagging", "Captions are delayed: recognition is behind.")
        elif job.lagging and job.calm_since is not None and now - job.calm_since > CALM_SECONDS:
            job.lagging = False
            logger.info("meeting %s: recognition caught up", job.speaker.meeting)
            await self._status(job, "live", "Captions are live again.")

    def _gauges(self, job: StreamJob, *, clear: bool = False) -> None:
        meeting = str(job.speaker.meeting)
        metrics.ASR_QUEUE_SECONDS.labels(meeting).set(0.0 if clear else job.backlog)
        metrics.CAPTION_LAG_SECONDS.labels(meeting).set(0.0 if clear else job.lag)

    async def _publish(
        self, job: StreamJob, captions: list[Caption], *, ended: bool = False
    ) -> None:
        """Gather the settled text of each utterance into sentences and store each sentence
        that ended (each moves the settled mark once stored); the finals committed while an
        utterance goes on are held (shown, never stored): its settled text, decoded again
        whole, replaces them. Show the sentence so far, the held finals and the newest draft
        as one growing line. The stream is then settled as far as the transcriber is, or up
        to the first words not stored yet (a worker that takes over hears them again)."""
        settled = job.transcriber.settled
        ongoing = set(job.transcriber.pieces)
        drafts = [c for c in captions if c.kind == CaptionKind.DRAFT]
        ends: list[Caption] = []
        for caption in final_captions(captions):  # a settled caption in place of its pieces
            if caption.kind == CaptionKind.SETTLED:
                job.held = [h for h in job.held if h.piece not in caption.replaces]
            if caption.piece in ongoing:
                job.held.append(caption)
            else:  # an utterance's settled text (or its only final)
                ends += job.sentences.add(caption)
        if ended:  # nothing will settle what is still held
            ends += [sentence for held in job.held for sentence in job.sentences.add(held)]
        # Pieces of an utterance that ended with no settled text: its final pass heard no words.
        job.held = [h for h in job.held if h.piece in ongoing and not ended]
        quiet = job.transcriber.quiet_until
        ends += job.sentences.flush() if ended else job.sentences.heard_until(quiet)
        for sentence in ends:
            await self._sentence(job, sentence)
        pending = job.sentences.pending
        open_start = min([c.start for c in (pending, *job.held[:1]) if c is not None], default=None)
        job.settled = max(job.settled, settled if open_start is None else min(settled, open_start))
        finals = len(captions) > len(drafts)
        if drafts or (finals and (pending or job.held)):
            # only the newest draft of a batch is worth showing
            await self._draft(job, [c for c in (pending, *job.held, *drafts[-1:]) if c is not None])

    async def _sentence(self, job: StreamJob, sentence: Caption) -> None:
        segment = await self._commit(job, sentence)
        job.settled = max(job.settled, sentence.end)
        metrics.CAPTION_FINALS.inc()
        self._spawn(self._translate(job, segment))

    async def _commit(self, job: StreamJob, caption: Caption) -> TranscriptSegment:
        """Store a final, trying again a few times; if it still fails, so does the stream
        (its settled mark stays before this final: the next stream hears it again)."""
        for delay in COMMIT_RETRIES:
            try:
                return await self._store(job, caption)
            except Exception:
                logger.warning(
                    "stream %s: a final could not be stored; trying again in %.1f s",
                    job.request["stream"],
                    delay,
                    exc_info=True,
                )
                await asyncio.sleep(delay)
        return await self._store(job, caption)

    async def _store(self, job: StreamJob, caption: Caption) -> TranscriptSegment:
        return await db_async(services.caption_commit)(
            recording=job.recording,
            language=caption.language,
            text=caption.text,
            words=[(w.start, w.end, w.text) for w in caption.words],
            offset_start=caption.start,
            offset_end=caption.end,
        )

    async def _draft(self, job: StreamJob, parts: list[Caption]) -> None:
        """The sentence so far (final words) and the words heard after them, as one line."""
        draft: CaptionDraft = {
            "v": PROTOCOL_VERSION,
            "type": CaptionEvent.DRAFT.value,
            "turn": job.speaker.turn,
            "speaker": job.speaker.ref,
            "language": parts[-1].language,
            "text": " ".join(part.text for part in parts),
        }
        await ephemeral_send(job.speaker.meeting, draft)

    async def _status(self, job: StreamJob, state: str, message: str) -> None:
        status: CaptionStatus = {
            "v": PROTOCOL_VERSION,
            "type": CaptionEvent.STATUS.value,
            "turn": job.speaker.turn,
            "state": state,
            "lag": round(job.lag, 2),
            "message": message,
        }
        await ephemeral_send(job.speaker.meeting, status)

    async def _translate(self, job: StreamJob, segment: TranscriptSegment) -> None:
        targets = await db_async(selectors.caption_languages)(segment.meeting_id)
        terms = await db_async(conference_term_base)(job.speaker.conference)
        await asyncio.gather(
            *(self._translate_into(segment, t, terms) for t in sorted(targets - {segment.language}))
        )

    async def _translate_into(
        self, segment: TranscriptSegment, target: str, terms: TermBase
    ) -> None:
        assert self.engines is not None
        translate = functools.partial(
            self.engines.router.translate, segment.text, segment.language, target, terms=terms
        )
        started = time.perf_counter()
        try:
            translation = await asyncio.get_running_loop().run_in_executor(
                self.translation, translate
            )
        except TranslationUnavailable:
            return  # no engine for this pair: that language reads the original
        except Exception:
            logger.exception("segment %s: translation into %s failed", segment.pk, target)
            return
        metrics.TRANSLATION_SECONDS.labels(translation.engine).observe(
            time.perf_counter() - started
        )
        await db_async(services.translation_commit)(
            segment=segment, language=target, text=translation.text, engine=translation.engine
        )

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


def _socket_gone(recording: Recording) -> bool:
    """Whether the audio socket that asked for a stream of ``recording`` has closed (or its
    server has stopped saying it is there): its request is void."""
    if recording.ended_at is not None:
        return True
    gone = timezone.now() - timedelta(seconds=services.AUDIO_SOCKET_GONE_SECONDS)
    return recording.alive_at is None or recording.alive_at < gone


def _as_open(message: dict[str, object]) -> StreamOpen:
    stream, reply, recording = message.get("stream"), message.get("reply"), message.get("recording")
    language, start = message.get("language"), message.get("start", 0.0)
    languages = message.get("languages", [])
    if not (isinstance(stream, str) and isinstance(reply, str) and isinstance(recording, int)):
        raise ValueError(f"malformed stream request: {message!r:.200}")
    if not isinstance(start, float | int) or not (language is None or isinstance(language, str)):
        raise ValueError(f"malformed stream request: {message!r:.200}")
    if not (isinstance(languages, list) and all(isinstance(code, str) for code in languages)):
        raise ValueError(f"malformed stream request: {message!r:.200}")
    return {
        "type": "asr.open",
        "stream": stream,
        "reply": reply,
        "recording": recording,
        "language": language,
        "languages": [str(code) for code in languages],
        "start": float(start),
    }
