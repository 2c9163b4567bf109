"""Final captions grouped into whole sentences, as readers see them and as they are stored and
translated: the live transcriber commits words a fragment at a time, and a line per fragment
("The floor and" / "encourages the request for the floor …") reads badly and translates
worse. A sentence ends at end punctuation (not after an abbreviation such as "Mr."), at a
pause of ``pause`` seconds between words, at a change of language, or at ``max_words``."""

from collections.abc import Iterable
from dataclasses import dataclass

from .results import Caption, CaptionKind, Word
from .streaming import SENTENCE_END

ABBREVIATIONS = frozenset(
    {
        *("mr.", "mrs.", "ms.", "dr.", "prof.", "amb.", "h.e.", "st.", "no.", "nos.", "art."),
        *("para.", "paras.", "op.", "pp.", "e.g.", "i.e.", "etc.", "vs.", "sr.", "sra."),
        *("srta.", "dra.", "excmo.", "excma.", "m.", "mme.", "mlle.", "me.", "s.e.", "sig."),
    }
)


@dataclass(frozen=True)
class SentenceOptions:
    pause: float = 0.7  # seconds between two words that end a sentence
    max_words: int = 40  # a sentence no one ends is cut here


def ends_sentence(word: Word) -> bool:
    text = word.text.strip()
    return text.endswith(SENTENCE_END) and text.lower() not in ABBREVIATIONS


def _sentence(words: list[Word], language: str) -> Caption:
    return Caption(
        kind=CaptionKind.FINAL,
        text="".join(w.text for w in words).strip(),
        language=language,
        start=words[0].start,
        end=words[-1].end,
        words=tuple(words),
    )


class SentenceGrouper:
    """One stream's final words, gathered into sentences. Not thread-safe (one per stream)."""

    def __init__(self, options: SentenceOptions = SentenceOptions()) -> None:
        self.options = options
        self.words: list[Word] = []
        self.language = "und"

    @property
    def pending(self) -> Caption | None:
        """The sentence so far (final words that no sentence end has followed yet)."""
        return _sentence(self.words, self.language) if self.words else None

    def add(self, final: Caption) -> list[Caption]:
        """The sentences ``final``'s words end; the words after the last end wait."""
        done = self.flush() if final.language != self.language else []
        self.language = final.language
        for word in final.words:
            if self.words and word.start - self.words[-1].end >= self.options.pause:
                done += self.flush()
            self.words.append(word)
            if ends_sentence(word) or len(self.words) >= self.options.max_words:
                done += self.flush()
        return done

    def heard_until(self, time: float) -> list[Caption]:
        """The stream is known to hold no more words up to ``time`` (stream seconds): a pause
        that long after the last word ends its sentence."""
        if self.words and time - self.words[-1].end >= self.options.pause:
            return self.flush()
        return []

    def flush(self) -> list[Caption]:
        """The sentence so far, ended (the stream ended, or so did the speaker's language)."""
        if not self.words:
            return []
        sentence = _sentence(self.words, self.language)
        self.words = []
        return [sentence]


def sentences_of(
    finals: Iterable[Caption], options: SentenceOptions = SentenceOptions()
) -> list[Caption]:
    """The finals of a whole stream as its sentences (``plenary transcript redo``)."""
    grouper = SentenceGrouper(options)
    sentences = [sentence for final in finals for sentence in grouper.add(final)]
    return sentences + grouper.flush()
