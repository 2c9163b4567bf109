"""Live captions from a stream of audio.

Feed 16 kHz mono PCM16 frames of any size. Silero VAD finds utterances. While one goes
on, the buffer is transcribed about once a second: whole words that two successive
hypotheses agree on are committed as final text (LocalAgreement-2), a phrase of at least
``commit_words`` at a time, the rest is shown as a draft. When the speaker pauses, the
whole utterance is decoded once more with full context (the final pass: beam search, the
prompt) and its text settles: a ``SETTLED`` caption that replaces the finals committed
while it went on (or a plain final when none were). The final pass runs even when drafts
are skipped (the caller is behind): late rather than wrong.
Each utterance detects its own language (unless the speaker's is fixed), so a speaker who
switches language is transcribed in the new one. The buffer is trimmed at committed
sentence ends (the audio trimmed off is kept for the final pass), and an utterance is
cut at ``max_buffer`` seconds.
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .audio import SAMPLE_RATE, Samples, pcm16_to_float
from .results import Caption, CaptionKind, Word
from .transcriber import TranscribeOptions, Transcriber
from .vad import speech_spans


@dataclass(frozen=True)
class StreamingOptions:
    language: str | None = None  # fixed for the speaker; None: detect per utterance
    # The languages speakers may use (a conference's working languages): detection picks
    # the likeliest of these. Empty: any language Whisper knows.
    languages: tuple[str, ...] = ()
    draft_interval: float = 1.0  # seconds of audio between drafts
    commit_after: float = 3.0  # seconds of an utterance before drafts may commit final text
    detect_after: float = 2.5  # seconds of an utterance its language is detected on
    vad_interval: float = 0.2  # how often to look for the end of an utterance
    end_silence: float = 0.5  # a pause this long ends an utterance
    pause_before_draft: float = 0.2  # … and one this long holds drafts back until it is over
    trim_at: float = 8.0  # past this, trim the buffer at the last committed sentence end
    max_buffer: float = 30.0  # an utterance longer than this is cut (at a committed word)
    preroll: float = 0.5  # audio kept before speech starts (VAD finds soft onsets late)
    prompt_chars: int = 200  # tail of final text given to Whisper as context
    # Language → names and terms Whisper should spell as written in speech in that language;
    # "" for speech whose language is not known yet (see TranscribeOptions.hotwords).
    hotwords: dict[str, str] = field(default_factory=dict)
    draft_beam_size: int = 1
    draft_window: float = 0.0  # seconds of encoder window for drafts (see TranscribeOptions)
    # The final pass decodes at beam 5 over a 10 s encoder window (the utterance and 1 s where
    # it is longer): in the real path as accurate as Whisper's full 30 s window (None) and
    # faster. A window cut to the utterance (0.0) makes Whisper talk on past the speech and
    # mishear words offline hears (docs/captions.md).
    final_beam_size: int = 5
    final_window: float | None = 10.0
    vad_threshold: float = 0.5
    commit_words: int = 3  # a draft commits a phrase of at least this many words …
    word_margin: float = 0.4  # … each whole: this much audio was heard after its end


WORD = re.compile(r"[\w']+")
RESTART_WORDS = 5
# Whisper tokens a second of speech can need (fast speech, Spanish words of two or three
# tokens, timestamps), and a floor: a decode over noise stops there instead of looping.
TOKENS_PER_SECOND = 15
MIN_TOKENS = 24
PHRASE_END = (",", ";", ":", "\u3001", "\uff0c")  # a commit ends here when it can …
SENTENCE_END = (".", "?", "!", "\u3002", "\uff1f", "\uff01")  # and their CJK forms


def _norm(word: Word) -> str:
    return "".join(WORD.findall(word.text.lower()))


def _agreed_prefix(previous: list[Word], current: list[Word]) -> int:
    count = 0
    for old, new in zip(previous, current, strict=False):
        if _norm(old) != _norm(new):
            break
        count += 1
    return count


def repetition_guard(words: list[Word], max_repeats: int = 3) -> list[Word]:
    """Cut a hallucinated loop, keeping what came before it: a word or two repeated more than
    ``max_repeats`` times in a row ("thank you thank you…"), a longer phrase said twice in a
    row, or five words said again that were already said (Whisper restarting the sentence)."""
    norms = [_norm(w) for w in words]
    seen: set[tuple[str, ...]] = set()
    for start in range(len(norms)):
        restart = tuple(norms[start : start + RESTART_WORDS])
        if len(restart) == RESTART_WORDS and restart in seen:
            return words[:start]
        seen.add(restart)
        for n in range(1, (len(norms) - start) // 2 + 1):
            gram = norms[start : start + n]
            repeats = 1
            while norms[start + repeats * n : start + (repeats + 1) * n] == gram:
                repeats += 1
            if repeats > (max_repeats if n <= 2 else 1):
                return words[: start + n]
    return words


class StreamingTranscriber:
    """One speaker's stream. Not thread-safe: use one per stream, from one thread; many
    streams may share one engine (and so one loaded model)."""

    def __init__(
        self,
        engine: Transcriber,
        options: StreamingOptions = StreamingOptions(),
        clock: Callable[[], float] = time.perf_counter,
        *,
        start: float = 0.0,
        context: tuple[str, str] = ("", "und"),
    ) -> None:
        """``start``: the stream time of the first sample fed (a stream taken over from
        another transcriber goes on where that one's final text ended); ``context``: that
        final text's tail and its language, the prompt the stream goes on with."""
        self.engine = engine
        self.options = options
        self.clock = clock
        self.draft_cost = 0.0  # compute seconds the last draft took
        self.buffer: Samples = np.zeros(0, np.float32)
        self.buffer_start = start  # stream time of buffer[0]
        self.received = start  # stream time of the end of the audio fed so far
        self.utterance_start = start  # stream time at which the current utterance began
        self.last_vad = start
        self.last_draft = start
        self.committed: list[Word] = []  # final words of the current utterance
        self.hypothesis: list[Word] = []  # the last draft's words after `committed`
        self.language: str | None = options.language  # fixed for the current utterance
        self.heard = "und"  # the language of the last transcription
        self.remembered = 0  # how many of `committed` are in `context`
        self.context, self.context_language = context  # final text whose audio has left
        # the buffer (the prompt) and the language it is in
        self.before = context  # context and its language as the utterance began
        self.said: Samples = np.zeros(0, np.float32)  # the utterance's audio trimmed off
        self.pieces: list[int] = []  # the numbers of the utterance's committed finals
        self.numbered = 0  # finals and settled captions numbered so far
        self.silent = True  # the last look found no speech in the buffer after final text

    # Input ---------------------------------------------------------------------------

    def feed(self, pcm: bytes, sample_rate: int = SAMPLE_RATE) -> list[Caption]:
        """A frame of 16 kHz mono PCM16LE (any size; ``sample_rate`` is what the sender
        declared). Raises an ``AudioError`` for a bad frame; the stream stays as it was."""
        return self.feed_samples(pcm16_to_float(pcm, sample_rate))

    def feed_samples(self, samples: Samples, *, drafts: bool = True) -> list[Caption]:
        """16 kHz mono float32 samples, e.g. from an ``OpusChunkDecoder``. ``drafts=False``
        (the caller has fallen behind): no drafts and so no early commits, only the final
        text at the end of each utterance."""
        step = int(self.options.vad_interval * SAMPLE_RATE)
        captions: list[Caption] = []
        for start in range(0, len(samples), step):  # a long frame cannot overfill the buffer
            captions += self._add(samples[start : start + step], drafts)
        return captions

    def _add(self, samples: Samples, drafts: bool) -> list[Caption]:
        self.buffer = np.concatenate([self.buffer, samples])
        self.received += len(samples) / SAMPLE_RATE
        if self.received - self.last_vad < self.options.vad_interval:
            return []
        self.last_vad = self.received
        return self._step(drafts)

    def flush(self) -> list[Caption]:
        """The stream ended: commit whatever speech is left, and settle the utterance."""
        spans = speech_spans(self.buffer, threshold=self.options.vad_threshold)
        if spans:
            return self._finalize(spans[-1].end)
        return self._finalize(0.0) if self.committed or self.hypothesis else []

    # Policy --------------------------------------------------------------------------

    @property
    def settled(self) -> float:
        """Stream time before which every bit of audio is settled text or was let go as
        silence: a transcriber that takes the stream over starts here. An utterance going on
        is not settled, its committed pieces included (its final pass decodes all its audio
        again): this is where its audio begins, the preroll before its first sound."""
        return self.buffer_start - len(self.said) / SAMPLE_RATE

    @property
    def quiet_until(self) -> float:
        """Stream time up to which the audio is settled text or silence: all the audio fed
        when the last look found no speech after the settled text, else the start of the
        speech of the utterance going on."""
        return self.received if self.silent else max(self.settled, self.utterance_start)

    @property
    def buffered(self) -> float:
        return len(self.buffer) / SAMPLE_RATE

    @property
    def spoken(self) -> float:
        """Seconds of audio of the current utterance (and the silence after it) held."""
        return (len(self.said) + len(self.buffer)) / SAMPLE_RATE

    def _step(self, drafts: bool) -> list[Caption]:
        spans = speech_spans(self.buffer, threshold=self.options.vad_threshold)
        speaking = bool(self.committed or self.hypothesis)
        self.silent = not spans
        if not spans:
            if speaking:  # what is left of the utterance after a trim is silence: it ended
                return self._finalize(0.0)
            self._drop_until(self.buffered - self.options.preroll)  # silence or noise
            return []
        if not speaking:
            self._drop_until(spans[0].start - self.options.preroll)  # leading silence
            spans = speech_spans(self.buffer, threshold=self.options.vad_threshold)
            if not spans:
                return []
            self.utterance_start = self.buffer_start + spans[0].start
            self.before = (self.context, self.context_language)
        pause = self.buffered - spans[-1].end
        if pause >= self.options.end_silence:
            return self._finalize(spans[-1].end)
        if self.spoken + self.options.vad_interval > self.options.max_buffer:
            # Cut the utterance at its last committed word (a word boundary) if any.
            cut = self.committed[-1].end - self.buffer_start if self.committed else 0.0
            return self._finalize(cut if cut > 0 else self.buffered)
        # A draft that took longer than the interval would make the stream fall behind:
        # space drafts by what they cost. Finals are never skipped. No draft while the
        # speaker pauses: the utterance may be ending, and its final pass would wait for it.
        if pause >= self.options.pause_before_draft:
            return []
        if drafts and self.received - self.last_draft >= max(
            self.options.draft_interval, 1.5 * self.draft_cost
        ):
            self.last_draft = self.received
            started = self.clock()
            captions = self._draft()
            self.draft_cost = self.clock() - started
            return captions
        return []

    def _decode(
        self,
        audio: Samples,
        offset: float,
        beam_size: int,
        window: float | None,
        context: tuple[str, str],
    ) -> list[Word]:
        """The words of ``audio`` (which starts ``offset`` seconds into the stream), with the
        tail of ``context`` (text, language) as the prompt."""
        language = self.language
        if language is None and self.options.languages:
            # Told on the audio's own window, as drafts tell it: over the full 30 s window a
            # final pass whose drafts were skipped (the stream behind) would pay for a second
            # full encoder pass, the costliest part of its decode.
            language, _ = self.engine.detect_language(
                audio, self.options.languages, window=self.options.draft_window
            )
        # The prompt is context in its own language only: an English prompt over Spanish
        # speech makes Whisper repeat the prompt instead of hearing the audio.
        text, context_language = context
        prompted = (language or self.heard) == context_language
        options = TranscribeOptions(
            language=language,
            beam_size=beam_size,
            prompt=text[-self.options.prompt_chars :] if prompted and text else None,
            min_window=window,
            temperature_fallback=False,
            hotwords=self.options.hotwords.get(language or "") or self.options.hotwords.get(""),
            max_tokens=MIN_TOKENS + int(TOKENS_PER_SECOND * len(audio) / SAMPLE_RATE),
        )
        segments, info = self.engine.transcribe(audio, options, offset=offset)
        self.heard = info.language
        if self.language is None and info.duration >= self.options.detect_after:
            self.language = info.language  # fixed for the rest of this utterance
        return [w for s in segments for w in s.words if _norm(w)]  # no bare "..."

    def _transcribe(self, until: float) -> list[Word]:
        """A draft: the words of the buffer's first ``until`` seconds not committed yet."""
        words = self._decode(
            self.buffer[: int(until * SAMPLE_RATE)],
            self.buffer_start,
            self.options.draft_beam_size,
            self.options.draft_window,
            (self.context, self.context_language),
        )
        said = self.committed[-50:]  # a loop may repeat what was already committed
        return repetition_guard(said + self._after_committed(words))[len(said) :]

    def _after_committed(self, words: list[Word]) -> list[Word]:
        """The words not committed yet: those centred after the end of the last committed word
        (a word heard again over the same audio is the same word, even if it now reads
        differently), less any that repeat its tail (word times wobble between runs)."""
        if not self.committed:
            return words
        done = self.committed[-1].end
        fresh = [w for w in words if (w.start + w.end) / 2 > done - 0.1]
        tail = [_norm(w) for w in self.committed[-5:]]
        for n in range(min(len(tail), len(fresh)), 0, -1):
            if [_norm(w) for w in fresh[:n]] == tail[-n:]:
                return fresh[n:]
        return fresh

    def _draft(self) -> list[Caption]:
        words = self._transcribe(self.buffered)
        # Agreement between hypotheses of very short audio is agreement on a guess.
        enough = self.received - self.utterance_start >= self.options.commit_after
        agreed = self._phrase(words[: _agreed_prefix(self.hypothesis, words)]) if enough else 0
        captions = []
        if agreed:
            captions.append(self._final(words[:agreed]))
            self.committed.extend(words[:agreed])
        self.hypothesis = words[agreed:]
        if self.hypothesis:
            captions.append(self._caption(CaptionKind.DRAFT, self.hypothesis))
        self._trim()
        return captions

    def _phrase(self, agreed: list[Word]) -> int:
        """How many of the ``agreed`` words to commit: only whole words (audio was heard
        after them), at least ``commit_words`` of them, up to a phrase end when there is one
        far enough in, so that a reader sees phrases, not fragments."""
        heard_until = self.received - self.options.word_margin
        whole = len(agreed)
        while whole and agreed[whole - 1].end > heard_until:
            whole -= 1
        if whole < self.options.commit_words:
            return 0
        ends = [
            i + 1
            for i, w in enumerate(agreed[:whole])
            if w.text.rstrip().endswith(PHRASE_END + SENTENCE_END)
        ]
        if ends and ends[-1] >= self.options.commit_words:
            return ends[-1]
        return whole

    def _finalize(self, until: float) -> list[Caption]:
        """The final pass over the utterance that ends ``until`` seconds into the buffer: all
        its audio (what was trimmed off too) decoded again, with the context it began with.
        Its text settles the utterance: it replaces the finals committed while it went on.
        Words that start after the speech ended are Whisper talking over silence: dropped."""
        # Beam 5 over audio that starts on its first sound loses it ("Spain" heard "pain"):
        # an utterance with less than ``preroll`` before its speech (a stream's first, or one
        # taken over) is decoded after that much silence, as offline decodes it.
        begins = self.settled
        before = min(max(0.0, self.utterance_start - begins), self.options.preroll)
        lead = np.zeros(int((self.options.preroll - before) * SAMPLE_RATE), np.float32)
        audio = np.concatenate(
            [lead, self.said, self.buffer[: int(min(until + 0.2, self.buffered) * SAMPLE_RATE)]]
        )
        words = self._decode(
            audio,
            begins - len(lead) / SAMPLE_RATE,
            self.options.final_beam_size,
            self.options.final_window,
            self.before,
        )
        words = repetition_guard([w for w in words if w.start < self.buffer_start + until])
        # The lead silence draws the first word's start before the speech (beam 5 puts it
        # up to 0.3 s early): no word begins before the utterance's first sound.
        words = [replace(w, start=min(max(w.start, self.utterance_start), w.end)) for w in words]
        captions = []
        if words:
            kind = CaptionKind.SETTLED if self.pieces else CaptionKind.FINAL
            captions.append(self._caption(kind, words, replaces=tuple(self.pieces)))
        self.context, self.context_language = self.before  # what the utterance said, once:
        self._remember(words or self.committed)
        self._drop_until(until)
        self.committed, self.hypothesis, self.remembered, self.pieces = [], [], 0, []
        self.said = np.zeros(0, np.float32)
        self.before = (self.context, self.context_language)
        self.language = self.options.language
        self.silent = True  # what is left after the utterance is the silence that ended it
        return captions

    def _trim(self) -> None:
        """Keep the buffer bounded: cut it after the last committed sentence."""
        if self.buffered < self.options.trim_at or not self.committed:
            return
        ends = [i for i, w in enumerate(self.committed) if w.text.rstrip().endswith(SENTENCE_END)]
        cut = (ends[-1] if ends else len(self.committed) - 1) + 1
        self._remember(self.committed[self.remembered : cut])
        self.remembered = max(self.remembered, cut)
        self._drop_until(self.committed[cut - 1].end - self.buffer_start)

    def _drop_until(self, seconds: float) -> None:
        if seconds <= 0:
            return
        samples = int(seconds * SAMPLE_RATE)
        if self.committed or self.hypothesis:  # the final pass will need it
            self.said = np.concatenate([self.said, self.buffer[:samples]])
        self.buffer = self.buffer[samples:]
        self.buffer_start += samples / SAMPLE_RATE

    def _final(self, words: list[Word]) -> Caption:
        caption = self._caption(CaptionKind.FINAL, words)
        self.pieces.append(caption.piece)
        return caption

    def _remember(self, words: list[Word]) -> None:
        """Final words whose audio leaves the buffer become context for the prompt (Whisper
        repeats itself when the prompt and the audio say the same thing)."""
        text = "".join(w.text for w in words)
        language = self.language or self.heard
        if language != self.context_language:
            self.context, self.context_language = "", language
        self.context = (self.context + text).strip()[-4 * self.options.prompt_chars :]

    def _caption(
        self, kind: CaptionKind, words: list[Word], *, replaces: tuple[int, ...] = ()
    ) -> Caption:
        piece = 0
        if kind != CaptionKind.DRAFT:
            self.numbered += 1
            piece = self.numbered
        return Caption(
            kind=kind,
            text="".join(w.text for w in words).strip(),
            language=self.language or self.heard,
            start=words[0].start,
            end=words[-1].end,
            words=tuple(words),
            piece=piece,
            replaces=replaces,
        )


def warm_up(engine: Transcriber) -> None:
    """What a stream's first utterance would otherwise pay for, paid up front: the VAD's model
    loaded, a draft-sized and a final-sized decode run (the model's memory paged in, its
    kernels set up), so the first utterance after a start costs what the tenth does."""
    options = StreamingOptions()
    # Silence: Whisper ends at once. Over faint noise it loops ("I'm sorry, I'm sorry, …") to
    # its token limit, which took 147 s at the final pass's beam 5 on a busy machine.
    quiet = np.zeros(2 * SAMPLE_RATE, np.float32)
    speech_spans(quiet, threshold=options.vad_threshold)
    for beam_size, window in (
        (options.draft_beam_size, options.draft_window),
        (options.final_beam_size, options.final_window),
    ):
        engine.transcribe(
            quiet,
            TranscribeOptions(
                language="en", beam_size=beam_size, min_window=window, temperature_fallback=False
            ),
        )
    engine.detect_language(quiet)
