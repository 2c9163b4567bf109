"""Finds the best route for every language pair over the installed engines — direct, or in
several hops through other languages — and translates sentence by sentence through it, with a
term base if one is given, and a cache.

Routes are chosen by their chrF on Plenary's diplomatic test set (``quality.py``), measured by
``plenary models score`` into a score file: the one shipped (``data/route_scores.json``,
Apertium's routes) and the one in the data directory (written when an operator installs an
Argos package or scores again) are read, the latter winning. A measured route beats an
unmeasured one; unmeasured routes are ranked by their weakest measured hop, then by fewer
hops, then by the engine listed first.
"""

import json
import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from ..errors import NoRoute
from ..models import data_dir
from ..results import Translation
from .apertium import ApertiumTranslator
from .argos import ArgosTranslator
from .base import Pair, Translator
from .cache import CachedTranslator
from .quality import TEST_SET, measure_routes, read_test_set
from .route import Hop, Route
from .sentences import split_sentences
from .terms import TermBase

logger = logging.getLogger(__name__)

SHIPPED_SCORES = Path(__file__).with_name("data") / "route_scores.json"
MAX_HOPS = 3
Scores = dict[str, float]  # route key → chrF


def local_scores_file() -> Path:
    return data_dir() / "translation" / "route_scores.json"


def read_scores(path: Path) -> Scores:
    """``{"routes": {key: chrF}}``; a missing or unreadable file scores nothing."""
    try:
        routes = json.loads(path.read_text(encoding="utf-8"))["routes"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {str(key): float(score) for key, score in routes.items()}


def write_scores(path: Path, scores: Mapping[str, float], test_set: str) -> None:
    """Merge ``scores`` into the file at ``path`` (written whole, then renamed into place)."""
    merged = {**read_scores(path), **{k: round(v, 1) for k, v in scores.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    body = {"test_set": test_set, "metric": "chrF", "routes": dict(sorted(merged.items()))}
    partial.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(path)


def known_scores() -> Scores:
    return {**read_scores(SHIPPED_SCORES), **read_scores(local_scores_file())}


class TranslationRouter:
    """Safe to share between threads (each engine is)."""

    def __init__(
        self,
        engines: Sequence[Translator],
        *,
        scores: Mapping[str, float] | None = None,
        max_hops: int = MAX_HOPS,
        cache_size: int = 4096,
    ) -> None:
        self.engines = list(engines)
        self.scores = dict(scores or {})
        self.max_hops = max_hops
        self.cache_size = cache_size
        self._routes: dict[Pair, CachedTranslator] | None = None
        self._chosen: dict[Pair, Route] = {}
        self._lock = threading.Lock()

    def _hops(self) -> dict[str, list[Hop]]:
        """Each language → the hops out of it, every engine's direct pairs."""
        out: dict[str, list[Hop]] = {}
        for engine in self.engines:
            for source, target in sorted(engine.pairs()):
                out.setdefault(source, []).append(Hop(engine, source, target))
        return out

    def candidates(self) -> Iterator[Route]:
        """Every route of at most ``max_hops`` hops that visits no language twice."""
        hops = self._hops()

        def extend(path: tuple[Hop, ...]) -> Iterator[Route]:
            yield Route(path)
            if len(path) < self.max_hops:
                visited = {path[0].source, *(hop.target for hop in path)}
                for hop in hops.get(path[-1].target, []):
                    if hop.target not in visited:
                        yield from extend((*path, hop))

        for starts in hops.values():
            for hop in starts:
                yield from extend((hop,))

    def _rank(self, route: Route) -> tuple[bool, float, bool, float, int, list[int]]:
        """Its own score first; then, unmeasured, its weakest measured hop; fewer hops; the
        engines listed first."""
        score = self.scores.get(route.key)
        hops = [self.scores[hop.key] for hop in route.hops if hop.key in self.scores]
        weakest = min(hops) if hops else None
        order = [-self.engines.index(hop.engine) for hop in route.hops]
        return (
            score is not None,
            score or 0.0,
            weakest is not None,
            weakest or 0.0,
            -len(route.hops),
            order,
        )

    def routes(self) -> dict[Pair, CachedTranslator]:
        """The best route of each pair (chosen once; ``refresh`` after installing)."""
        with self._lock:
            if self._routes is None:
                best: dict[Pair, Route] = {}
                for route in self.candidates():
                    if route.pair not in best or self._rank(route) > self._rank(best[route.pair]):
                        best[route.pair] = route
                self._chosen = best
                self._routes = {
                    pair: CachedTranslator(route, self.cache_size) for pair, route in best.items()
                }
            return self._routes

    def chosen(self) -> dict[Pair, Route]:
        """The route chosen for each pair."""
        self.routes()
        return dict(sorted(self._chosen.items()))

    def score(self, route: Route) -> float | None:
        return self.scores.get(route.key)

    def refresh(self, scores: Mapping[str, float] | None = None) -> None:
        with self._lock:
            if scores is not None:
                self.scores = dict(scores)
            self._routes = None

    def available_pairs(self) -> dict[Pair, str]:
        """Each pair and the name of its route: ``apertium``, ``apertium (via es)``."""
        return {pair: route.name for pair, route in self.chosen().items()}

    def translate(
        self, text: str, source: str, target: str, *, terms: TermBase | None = None
    ) -> Translation:
        """Sentence by sentence through the pair's route, each term of ``terms`` protected.
        Raises ``NoRoute`` for a pair nothing translates, ``TranslationTimeout`` when an
        engine took too long (the caller shows the original)."""
        if source == target:
            return Translation(text, source, target, "identity")
        route = self.routes().get((source, target))
        if route is None:
            raise NoRoute(source, target)
        sentences = []
        for sentence in split_sentences(text):
            if terms is None:
                translated = route.translate(sentence, source, target)
            else:
                protected = terms.protect(sentence, source, target)
                translated = route.translate(protected.text, source, target)
                translated = terms.restore(translated, protected, target)
            sentences.append(" ".join(translated.split()))  # a dropped word leaves two blanks
        return Translation(" ".join(sentences), source, target, route.name)


def default_router(
    argos: ArgosTranslator | None = None, apertium: ApertiumTranslator | None = None
) -> TranslationRouter:
    """Argos packages and Apertium pairs (these engines, or new ones), routed by the known
    scores."""
    engines: list[Translator] = [argos or ArgosTranslator(), apertium or ApertiumTranslator()]
    return TranslationRouter(engines, scores=known_scores())


def score_routes(
    router: TranslationRouter, output: Path, *, engine: str | None = None
) -> dict[str, float]:
    """Measure the router's candidate routes (those through ``engine`` only, if given) on the
    test set, merge their scores into ``output``, and route by them from now on."""
    routes = [
        route
        for route in router.candidates()
        if engine is None or any(hop.engine.name == engine for hop in route.hops)
    ]
    scores = measure_routes(routes, read_test_set())
    write_scores(output, scores, TEST_SET.name)
    router.refresh({**router.scores, **scores})
    return scores
