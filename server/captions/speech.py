"""This process's speech engines: one recogniser and one translation router, loaded once
and shared by every stream (``asr`` is the engine package; this adapts it to settings).

A server that runs recognition itself (``PLENARY_ASR_WORKERS=embedded``) loads and warms
them as it starts (``speech_engines_preload``): until they are ready, ``/readyz`` says not
ready and a speaker is told that captions are starting (their audio is kept meanwhile).
"""

import logging
import threading
from dataclasses import dataclass

from django.conf import settings

from asr import (
    EngineOptions,
    Transcriber,
    TranslationRouter,
    default_router,
    load_transcriber,
    warm_up,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpeechEngines:
    transcriber: Transcriber
    router: TranslationRouter


_engines: SpeechEngines | None = None
_router: TranslationRouter | None = None
_lock = threading.Lock()
_loading = False  # a thread is loading them now
_preloader: threading.Thread | None = None
_failure = ""  # why the preload failed
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
    """Load and warm the engines on first use (seconds: call it off the event loop)."""
    global _engines, _loading
    with _lock:
        if _engines is None:
            _loading = True
            try:
                _engines = _load()
            finally:
                _loading = False
        return _engines


def _load() -> SpeechEngines:
    options = EngineOptions(engine=settings.ASR_ENGINE, cpu_threads=settings.ASR_CPU_THREADS)
    transcriber = load_transcriber(options)
    warm_up(transcriber)
    router = translation_router()
    logger.info(
        "speech engines loaded and warmed: %s; translation pairs %s",
        settings.ASR_ENGINE,
        ", ".join(f"{s}>{t}" for s, t in router.available_pairs()) or "none",
    )
    return SpeechEngines(transcriber, router)


def speech_engines_loading() -> bool:
    """Whether the engines are being loaded now (captions are starting)."""
    return _loading


def speech_engines_preload() -> None:
    """Start loading the engines in the background (the server is starting)."""
    global _preloader, _loading
    with _lock:
        if _preloader is None:
            _loading = True  # from now: captions are starting
            _preloader = threading.Thread(target=_preload, name="asr-preload", daemon=True)
            _preloader.start()


def _preload() -> None:
    global _failure
    try:
        speech_engines()
    except Exception as exc:
        _failure = f"{type(exc).__name__}: {exc}"[:200]
        logger.exception("the speech engines could not be loaded")


def recognition_readiness() -> str | None:
    """For ``/readyz``: None where this process does not preload recognition; ``ok`` once the
    engines are loaded and warmed; otherwise what holds them up."""
    if _preloader is None:
        return None
    if _engines is not None:
        return "ok"
    return _failure or "loading the speech recogniser"
