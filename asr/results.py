"""The values that come out of the engines. Times are seconds from the start of the stream
(or file)."""

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    probability: float = 1.0


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    language: str
    words: tuple[Word, ...] = ()
    no_speech_prob: float = 0.0
    avg_logprob: float = 0.0


@dataclass(frozen=True)
class TranscriptionInfo:
    language: str
    language_probability: float
    duration: float


class CaptionKind(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


@dataclass(frozen=True)
class Caption:
    """A draft is replaced by the next caption; a final is never taken back."""

    kind: CaptionKind
    text: str
    language: str
    start: float
    end: float
    words: tuple[Word, ...] = field(default=())


@dataclass(frozen=True)
class Translation:
    text: str
    source: str
    target: str
    engine: str
