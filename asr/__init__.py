"""Plenary's speech engines: live transcription with Whisper and offline translation.

No Django in here: the server adapts these objects, they never reach into it.
"""

from .audio import (
    SAMPLE_RATE,
    DecodedChunk,
    OpusChunkDecoder,
    Samples,
    decode_file,
    pcm16_to_float,
)
from .caption_sentences import SentenceGrouper, SentenceOptions, sentences_of
from .engines import load_transcriber
from .errors import (
    AsrError,
    AudioError,
    EmptyAudio,
    InvalidPackage,
    ModelUnavailable,
    NoRoute,
    OddByteCount,
    TranslationTimeout,
    TranslationUnavailable,
    UndecodableAudio,
    WrongSampleRate,
)
from .models import ModelStatus, data_dir, models_status, resolve_model
from .results import (
    Caption,
    CaptionKind,
    Segment,
    TranscriptionInfo,
    Translation,
    Word,
    final_captions,
)
from .streaming import StreamingOptions, StreamingTranscriber, warm_up
from .transcriber import (
    EngineOptions,
    TranscribeOptions,
    Transcriber,
    TranscribeRequest,
    Transcription,
    transcribe_each,
)
from .translate.apertium import ApertiumTranslator
from .translate.argos import ArgosTranslator
from .translate.base import Pair, Translator
from .translate.cache import CachedTranslator
from .translate.route import Hop, Route
from .translate.router import TranslationRouter, default_router
from .translate.sentences import split_sentences
from .translate.terms import Form, Term, TermBase, default_term_base

__all__ = [
    "SAMPLE_RATE",
    "ApertiumTranslator",
    "ArgosTranslator",
    "AsrError",
    "AudioError",
    "CachedTranslator",
    "Caption",
    "CaptionKind",
    "DecodedChunk",
    "EmptyAudio",
    "EngineOptions",
    "Form",
    "Hop",
    "InvalidPackage",
    "ModelStatus",
    "ModelUnavailable",
    "NoRoute",
    "OddByteCount",
    "OpusChunkDecoder",
    "Pair",
    "Route",
    "Samples",
    "Segment",
    "SentenceGrouper",
    "SentenceOptions",
    "StreamingOptions",
    "StreamingTranscriber",
    "Term",
    "TermBase",
    "TranscribeOptions",
    "TranscribeRequest",
    "Transcriber",
    "Transcription",
    "TranscriptionInfo",
    "Translation",
    "TranslationRouter",
    "TranslationTimeout",
    "TranslationUnavailable",
    "Translator",
    "UndecodableAudio",
    "Word",
    "WrongSampleRate",
    "data_dir",
    "decode_file",
    "default_router",
    "default_term_base",
    "final_captions",
    "load_transcriber",
    "models_status",
    "pcm16_to_float",
    "resolve_model",
    "sentences_of",
    "split_sentences",
    "transcribe_each",
    "warm_up",
]
