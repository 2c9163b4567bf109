"""What a recognition worker makes of a stream's captions (docs/captions.md): the settled
text of each utterance gathered into sentences, each sentence stored as a final (tried again
a few times) and translated into the languages of the people present; the finals committed
while an utterance goes on held (shown, never stored); the growing line and the stream's
lag told to the room as ephemeral messages."""

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import Executor

from asr import (
    Caption,
    CaptionKind,
    TermBase,
    TranslationRouter,
    TranslationUnavailable,
    final_captions,
)
from server.common import metrics
from server.common.asyncdb import db_async
from server.glossary.selectors import conference_term_base
from server.rooms.events import PROTOCOL_VERSION
from server.rooms.hub import ephemeral_send

from . import selectors, services
from .events import CaptionDraft, CaptionEvent, CaptionStatus
from .models import TranscriptSegment
from .stream_job import StreamJob

logger = logging.getLogger(__name__)

COMMIT_RETRIES = (0.5, 1.0, 2.0)  # seconds before each new try at storing a final


class CaptionPublisher:
    """Stores, translates and shows one worker's captions. Translations run in
    ``translation`` (beside recognition), as tasks ``spawn`` keeps for the worker."""

    def __init__(
        self,
        router: TranslationRouter,
        translation: Executor,
        spawn: Callable[[Coroutine[object, object, None]], None],
    ) -> None:
        self.router = router
        self.translation = translation
        self.spawn = spawn

    async def publish(
        self, job: StreamJob, captions: list[Caption], *, ended: bool = False
    ) -> None:
        """Gather the settled text of each utterance into sentences and store each sentence
        that ended (each moves the settled mark once stored); the finals committed while an
        utterance goes on are held (shown, never stored): its settled text, decoded again
        whole, replaces them. Show the sentence so far, the held finals and the newest draft
        as one growing line. The stream is then settled as far as the transcriber is (the
        start of the utterance going on), or up to the silence before the sentence so far
        (a worker that takes over hears both again, from before their first sound)."""
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
        if pending is not None:  # heard again from the silence before its first word
            settled = min(settled, pending.start - job.transcriber.options.preroll)
        job.settled = max(job.settled, settled)
        finals = len(captions) > len(drafts)
        if drafts or (finals and (pending or job.held)):
            # only the newest draft of a batch is worth showing
            await draft_send(job, [c for c in (pending, *job.held, *drafts[-1:]) if c is not None])

    async def _sentence(self, job: StreamJob, sentence: Caption) -> None:
        segment = await self._commit(job, sentence)
        job.settled = max(job.settled, sentence.end)
        metrics.CAPTION_FINALS.inc()
        self.spawn(self._translate(job, segment))

    async def _commit(self, job: StreamJob, caption: Caption) -> TranscriptSegment:
        """Store a final, trying again a few times; if it still fails, so does the stream
        (its settled mark stays before this final: the next stream hears it again)."""
        for delay in COMMIT_RETRIES:
            try:
                return await _store(job, caption)
            except Exception:
                logger.warning(
                    "stream %s: a final could not be stored; trying again in %.1f s",
                    job.request["stream"],
                    delay,
                    exc_info=True,
                )
                await asyncio.sleep(delay)
        return await _store(job, caption)

    async def _translate(self, job: StreamJob, segment: TranscriptSegment) -> None:
        if segment.channel:  # a booth's interpretation is read in its own language only
            return
        targets = await db_async(selectors.caption_languages)(segment.meeting_id)
        terms = await db_async(conference_term_base)(job.speaker.conference)
        await asyncio.gather(
            *(self._translate_into(segment, t, terms) for t in sorted(targets - {segment.language}))
        )

    async def _translate_into(
        self, segment: TranscriptSegment, target: str, terms: TermBase
    ) -> None:
        translate = functools.partial(
            self.router.translate, segment.text, segment.language, target, terms=terms
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


async def _store(job: StreamJob, caption: Caption) -> TranscriptSegment:
    return await db_async(services.caption_commit)(
        recording=job.recording,
        language=caption.language,
        text=caption.text,
        words=[(w.start, w.end, w.text) for w in caption.words],
        offset_start=caption.start,
        offset_end=caption.end,
    )


async def draft_send(job: StreamJob, parts: list[Caption]) -> None:
    """The sentence so far (final words) and the words heard after them, as one line."""
    draft: CaptionDraft = {
        "v": PROTOCOL_VERSION,
        "type": CaptionEvent.DRAFT.value,
        "turn": job.speaker.turn,
        "speaker": job.speaker.ref,
        "language": parts[-1].language,
        "text": " ".join(part.text for part in parts),
        "channel": job.recording.channel,
    }
    await ephemeral_send(job.speaker.meeting, draft)


async def status_send(job: StreamJob, state: str, message: str) -> None:
    """The stream's recognition state (``lagging``, ``live``) and lag, to the room."""
    status: CaptionStatus = {
        "v": PROTOCOL_VERSION,
        "type": CaptionEvent.STATUS.value,
        "turn": job.speaker.turn,
        "state": state,
        "lag": round(job.lag, 2),
        "message": message,
    }
    await ephemeral_send(job.speaker.meeting, status)
