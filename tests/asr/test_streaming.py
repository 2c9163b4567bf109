"""The streaming transcriber's final pass and commit policy, with the real Whisper base on
speech made by espeak-ng."""

from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, Samples
from asr.engines.faster import FasterWhisperTranscriber
from asr.results import Caption, CaptionKind, Segment, TranscriptionInfo, Word, final_captions
from asr.streaming import StreamingOptions, StreamingTranscriber
from asr.transcriber import TranscribeOptions, TranscribeRequest, Transcription
from asr.vad import speech_spans
from asr.wer import word_error_rate

from .conftest import FRAME, final_text, silence, speak, to_pcm

STATEMENT = (
    "On operative paragraph five, we propose to replace the word encourages with the words "
    "calls upon, and we ask that this proposal be reflected in brackets in the next revision."
)


def _caption(kind: CaptionKind, text: str, piece: int, replaces: tuple[int, ...] = ()) -> Caption:
    return Caption(kind, text, "en", 0.0, 1.0, (Word(0.0, 1.0, text),), piece, replaces)


def test_final_pass_settled_captions_replace_the_pieces_they_name() -> None:
    captions = [
        _caption(CaptionKind.FINAL, "before", 1),
        _caption(CaptionKind.FINAL, "on operating", 2),
        _caption(CaptionKind.DRAFT, "paragraph", 0),
        _caption(CaptionKind.FINAL, "paragraph five", 3),
        _caption(CaptionKind.SETTLED, "On operative paragraph five", 4, replaces=(2, 3)),
    ]
    assert [c.text for c in final_captions(captions)] == ["before", "On operative paragraph five"]


@pytest.mark.slow
def test_final_pass_settles_the_utterance_and_committed_pieces_are_phrases(
    engine: FasterWhisperTranscriber, tmp_path: Path
) -> None:
    options = StreamingOptions(language="en")
    transcriber = StreamingTranscriber(engine, options, clock=lambda: 0.0)
    pcm = to_pcm(np.concatenate([silence(0.5), speak(STATEMENT, "en", tmp_path), silence(1.5)]))
    emitted: list[tuple[float, Caption]] = []
    for offset in range(0, len(pcm), FRAME):
        captions = transcriber.feed(pcm[offset : offset + FRAME])
        emitted += [(transcriber.received, c) for c in captions]
    emitted += [(transcriber.received, c) for c in transcriber.flush()]
    pieces = [(at, c) for at, c in emitted if c.kind == CaptionKind.FINAL]
    settled = [c for _, c in emitted if c.kind == CaptionKind.SETTLED]
    assert pieces, "drafts committed nothing while the statement went on"
    # Phrases of whole words: at least three words, the last one heard to its end.
    for at, piece in pieces:
        assert len(piece.words) >= options.commit_words, piece.text
        assert piece.words[-1].end <= at - options.word_margin, piece.text
    # One settled caption, over the whole utterance, in place of every piece.
    assert len(settled) == 1
    assert settled[0].replaces == tuple(c.piece for _, c in pieces)
    assert settled[0].start <= pieces[0][1].start + 0.5
    assert final_captions([c for _, c in emitted]) == settled
    assert word_error_rate(STATEMENT, final_text([c for _, c in emitted])) <= 0.1


@pytest.mark.slow
def test_final_pass_runs_on_the_whole_utterance_when_drafts_are_skipped(
    engine: FasterWhisperTranscriber, tmp_path: Path
) -> None:
    """A stream that is behind is fed in large lumps without drafts: the final pass still
    decodes each utterance whole (late rather than wrong)."""
    transcriber = StreamingTranscriber(engine, StreamingOptions(language="en"), clock=lambda: 0.0)
    audio = np.concatenate([speak(STATEMENT, "en", tmp_path), silence(1.5)])
    captions: list[Caption] = []
    lump = 5 * SAMPLE_RATE
    for start in range(0, len(audio), lump):
        captions += transcriber.feed_samples(audio[start : start + lump], drafts=False)
    captions += transcriber.flush()
    assert [c.kind for c in captions] == [CaptionKind.FINAL]
    assert word_error_rate(STATEMENT, captions[0].text) <= 0.1


SPANISH = "La delegación de México apoya la propuesta del presidente sobre el párrafo siete."


@pytest.mark.slow
def test_final_pass_tells_each_utterances_language_when_drafts_are_skipped(
    engine: FasterWhisperTranscriber, tmp_path: Path
) -> None:
    """Without drafts nothing fixed the utterance's language: the final pass tells it among
    the conference's languages (on the utterance's own window) and decodes in it."""
    options = StreamingOptions(languages=("en", "es"))
    transcriber = StreamingTranscriber(engine, options, clock=lambda: 0.0)
    audio = np.concatenate(
        [
            speak(STATEMENT, "en", tmp_path),
            silence(1.5),
            speak(SPANISH, "es", tmp_path),
            silence(1.5),
        ]
    )
    captions: list[Caption] = []
    lump = 5 * SAMPLE_RATE
    for start in range(0, len(audio), lump):
        captions += transcriber.feed_samples(audio[start : start + lump], drafts=False)
    captions += transcriber.flush()
    assert [(c.kind, c.language) for c in captions] == [
        (CaptionKind.FINAL, "en"),
        (CaptionKind.FINAL, "es"),
    ]
    assert word_error_rate(STATEMENT, captions[0].text) <= 0.1
    # Whisper base hears espeak's Spanish less well than its English ("La negación de
    # México apoya la propuesta del presidente sole para fosiete."): Spanish words, not a
    # translation into English nor English heard in Spanish.
    assert word_error_rate(SPANISH, captions[1].text) <= 0.5


@pytest.mark.slow
def test_final_pass_no_draft_while_the_speaker_pauses(
    engine: FasterWhisperTranscriber, tmp_path: Path
) -> None:
    """Drafts due at every look (the interval at its shortest) still hold back once the
    speech has paused: the utterance may be ending, and its final pass would wait for a
    draft decoded meanwhile."""
    options = StreamingOptions(language="en", draft_interval=0.2)
    transcriber = StreamingTranscriber(engine, options, clock=lambda: 0.0)
    speech = speak("We support the draft decision on climate finance.", "en", tmp_path)
    spoken_until = speech_spans(speech)[-1].end  # with the VAD's padding
    pcm = to_pcm(np.concatenate([speech, silence(1.5)]))
    emitted: list[tuple[float, Caption]] = []
    for offset in range(0, len(pcm), FRAME):
        emitted += [
            (transcriber.received, c) for c in transcriber.feed(pcm[offset : offset + FRAME])
        ]
    drafts = [at for at, c in emitted if c.kind == CaptionKind.DRAFT]
    assert drafts, "no draft while the statement went on"
    assert max(drafts) < spoken_until + options.pause_before_draft + options.vad_interval
    settled_at, settled = emitted[-1]
    assert settled.kind == CaptionKind.SETTLED
    assert settled_at <= spoken_until + options.end_silence + options.vad_interval


class PromptsSeen:
    """The real engine, noting the prompt each decode was given."""

    def __init__(self, engine: FasterWhisperTranscriber) -> None:
        self.engine = engine
        self.batching = engine.batching
        self.prompts: list[str | None] = []

    def transcribe(
        self, audio: Samples, options: TranscribeOptions, *, offset: float = 0.0
    ) -> tuple[list[Segment], TranscriptionInfo]:
        self.prompts.append(options.prompt)
        return self.engine.transcribe(audio, options, offset=offset)

    def transcribe_many(self, requests: Sequence[TranscribeRequest]) -> list[Transcription]:
        raise AssertionError("a stream decodes one request at a time")

    def detect_language(
        self, audio: Samples, among: Collection[str] = (), *, window: float | None = None
    ) -> tuple[str, float]:
        return self.engine.detect_language(audio, among, window=window)


BEFORE = "The delegation of Kenya thanks the chair for convening this meeting."


@pytest.mark.slow
@pytest.mark.parametrize(
    ("context", "prompted"),
    [((BEFORE, "en"), True), (("Gracias, señora Presidenta.", "es"), False)],
)
def test_a_stream_taken_over_goes_on_with_the_text_stored_before_it(
    engine: FasterWhisperTranscriber, tmp_path: Path, context: tuple[str, str], prompted: bool
) -> None:
    """A worker that takes a stream over mid-statement is given the final text stored before
    the audio it resumes from: every decode of the sentence going on has it as its prompt, as
    the lost worker's had (a context in another language is no prompt for English speech)."""
    seen = PromptsSeen(engine)
    options = StreamingOptions(language="en")
    transcriber = StreamingTranscriber(seen, options, clock=lambda: 0.0, start=7.0, context=context)
    said = "We believe that adaptation finance must double by the end of this decade."
    pcm = to_pcm(np.concatenate([speak(said, "en", tmp_path), silence(1.5)]))
    captions: list[Caption] = []
    for offset in range(0, len(pcm), FRAME):
        captions += transcriber.feed(pcm[offset : offset + FRAME])
    assert final_captions(captions) and final_captions(captions)[0].start >= 7.0
    assert word_error_rate(said, final_text(captions)) <= 0.2
    assert seen.prompts
    if prompted:  # (words heard meanwhile may follow it)
        assert all(p and p.startswith(BEFORE) for p in seen.prompts), seen.prompts
    else:
        assert seen.prompts == [None] * len(seen.prompts)
