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
    SETTLED = "settled"  # the final pass of an utterance: replaces its committed finals


@dataclass(frozen=True)
class Caption:
    """A draft is replaced by the next caption. A final is committed early, for latency; the
    settled caption of its utterance (decoded again, whole, once it ended) replaces it and
    the utterance's other finals: ``replaces`` names them by ``piece``, the number each
    final or settled caption has in its stream."""

    kind: CaptionKind
    text: str
    language: str
    start: float
    end: float
    words: tuple[Word, ...] = field(default=())
    piece: int = 0
    replaces: tuple[int, ...] = ()


def final_captions(captions: list[Caption]) -> list[Caption]:
    """The finals a reader ends up with: each settled caption in place of the finals it
    replaces, drafts left out."""
    kept: list[Caption] = []
    for caption in captions:
        if caption.kind == CaptionKind.SETTLED:
            kept = [c for c in kept if c.piece not in caption.replaces]
        if caption.kind != CaptionKind.DRAFT:
            kept.append(caption)
    return kept


@dataclass(frozen=True)
class Translation:
    text: str
    source: str
    target: str
    engine: str
