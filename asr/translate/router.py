"""Picks an engine per language pair, composes pivots, and caches sentence by sentence."""

from collections.abc import Mapping, Sequence

from ..errors import TranslationUnavailable
from ..results import Translation
from .apertium import ApertiumTranslator
from .argos import ArgosTranslator
from .base import Pair, Translator
from .cache import CachedTranslator
from .pivot import PivotTranslator
from .sentences import split_sentences


class TranslationRouter:
    """Each pair goes to the engine ``prefer`` names for it, else to the first engine (in the
    order given) that has it, else through ``pivot`` (two engines chained). Every route is
    cached per sentence. Safe to share between threads."""

    def __init__(
        self,
        engines: Sequence[Translator],
        *,
        prefer: Mapping[Pair, str] | None = None,
        pivot: str | None = "en",
        cache_size: int = 4096,
    ) -> None:
        self.engines = list(engines)
        self.prefer = dict(prefer or {})
        self.pivot = pivot
        self.cache_size = cache_size
        self._routes: dict[Pair, CachedTranslator] | None = None

    def routes(self) -> dict[Pair, CachedTranslator]:
        """The route of each available pair (computed once; ``refresh`` after installing)."""
        if self._routes is None:
            direct = self._direct()
            chained = self._pivots(direct)
            self._routes = {
                pair: CachedTranslator(engine, self.cache_size)
                for pair, engine in {**chained, **direct}.items()
            }
        return self._routes

    def _direct(self) -> dict[Pair, Translator]:
        routes: dict[Pair, Translator] = {}
        for engine in self.engines:
            for pair in engine.pairs():
                if self.prefer.get(pair, engine.name) == engine.name:
                    routes.setdefault(pair, engine)
        return routes

    def _pivots(self, direct: dict[Pair, Translator]) -> dict[Pair, Translator]:
        via = self.pivot
        routes: dict[Pair, Translator] = {}
        for (source, middle), first in direct.items():
            for (start, target), second in direct.items():
                if middle == via == start and source != target:
                    routes[(source, target)] = PivotTranslator(first, second, via)
        return routes

    def refresh(self) -> None:
        self._routes = None

    def available_pairs(self) -> dict[Pair, str]:
        """Each pair and the engine (or ``first+second`` engines, through the pivot) for it."""
        return {pair: route.name for pair, route in sorted(self.routes().items())}

    def translate(self, text: str, source: str, target: str) -> Translation:
        if source == target:
            return Translation(text, source, target, "identity")
        route = self.routes().get((source, target))
        if route is None:
            raise TranslationUnavailable(f"No engine translates {source}→{target}.")
        sentences = [route.translate(s, source, target) for s in split_sentences(text)]
        return Translation(" ".join(sentences), source, target, route.name)


def default_router() -> TranslationRouter:
    """Argos where a package is installed, else Apertium; pivots through English."""
    return TranslationRouter([ArgosTranslator(), ApertiumTranslator()])
