"""Recognition run again on stored floor audio (``plenary transcript redo``): each recording
is decoded and fed, as fast as it goes, through the same streaming transcriber as live
speech (so every utterance gets its own language), with finals only, grouped into sentences
as live captions are; each sentence is translated into the languages the conference reads."""

from pathlib import Path

from django.conf import settings

from asr import (
    SAMPLE_RATE,
    Caption,
    StreamingOptions,
    StreamingTranscriber,
    TermBase,
    TranslationUnavailable,
    decode_file,
    final_captions,
    sentences_of,
)
from server.glossary.selectors import hotwords

from .models import Recording
from .services import RedoSegment
from .speech import SpeechEngines

CHUNK_SECONDS = 10


def recording_file(recording: Recording) -> Path:
    return settings.RECORDINGS_DIR / recording.path


def recording_finals(
    recording: Recording, engines: SpeechEngines, languages: set[str]
) -> list[Caption]:
    """Recognition as live: in the conference's languages, the speaker's and delegations'
    names and the glossary's terms spelt as written."""
    (audio,) = decode_file(recording_file(recording), mono=True)
    conference = recording.meeting.conference_id
    words = hotwords(conference, sorted(languages), recording.turn.participant)
    options = StreamingOptions(languages=tuple(sorted(languages)), hotwords=words)
    stream = StreamingTranscriber(engines.transcriber, options)
    step = CHUNK_SECONDS * SAMPLE_RATE
    finals = []
    for start in range(0, len(audio), step):
        finals += stream.feed_samples(audio[start : start + step], drafts=False)
    # The sentences live readers were shown: of each utterance's settled text.
    return sentences_of(final_captions(finals + stream.flush()))


def redo_segment(
    caption: Caption, engines: SpeechEngines, languages: set[str], terms: TermBase
) -> RedoSegment:
    """``caption`` translated as live captions are: with the conference's glossary."""
    translations = {}
    for target in sorted(languages - {caption.language}):
        try:
            translation = engines.router.translate(
                caption.text, caption.language, target, terms=terms
            )
        except TranslationUnavailable:
            continue
        translations[target] = (translation.text, translation.engine)
    return RedoSegment(
        language=caption.language,
        text=caption.text,
        words=[(w.start, w.end, w.text) for w in caption.words],
        start=caption.start,
        end=caption.end,
        translations=translations,
    )
