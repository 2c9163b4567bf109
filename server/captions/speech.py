"""This process's speech engines: one recogniser and one translation router, loaded once
and shared by every stream (``asr`` is the engine package; this adapts it to settings)."""

import logging
import threading
from dataclasses import dataclass

from django.conf import settings

from asr import EngineOptions, Transcriber, TranslationRouter, default_router, load_transcriber

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpeechEngines:
    transcriber: Transcriber
    router: TranslationRouter


_engines: SpeechEngines | None = None
_router: TranslationRouter | None = None
_lock = threading.Lock()
_router_lock = threading.Lock()


def translation_router() -> TranslationRouter:
    """This process's translation router (cheap: engines start on their first sentence)."""
    global _router
    with _router_lock:
        if _router is None:
            _router = default_router()
        return _router


def translated_into() -> dict[str, list[str]]:
    """Each language this server translates into → the languages it translates from."""
    sources: dict[str, list[str]] = {}
    for source, target in translation_router().available_pairs():
        sources.setdefault(target, []).append(source)
    return {target: sorted(found) for target, found in sorted(sources.items())}


def speech_engines() -> SpeechEngines:
    """Load the engines on first use (seconds: call it off the event loop)."""
    global _engines
    with _lock:
        if _engines is None:
            options = EngineOptions(
                engine=settings.ASR_ENGINE, cpu_threads=settings.ASR_CPU_THREADS
            )
            transcriber = load_transcriber(options)
            router = translation_router()
            logger.info(
                "speech engines loaded: %s; translation pairs %s",
                settings.ASR_ENGINE,
                ", ".join(f"{s}>{t}" for s, t in router.available_pairs()) or "none",
            )
            _engines = SpeechEngines(transcriber, router)
        return _engines
