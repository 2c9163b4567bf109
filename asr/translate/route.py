"""A route: a language pair translated by a chain of hops, each one engine's direct pair
(``en→es`` by Apertium, then ``es→fr`` by Apertium: ``apertium (via es)``)."""

from dataclasses import dataclass

from .base import Pair, Translator


@dataclass(frozen=True)
class Hop:
    engine: Translator
    source: str
    target: str

    @property
    def key(self) -> str:
        return f"{self.engine.name}:{self.source}>{self.target}"


class Route:
    """Translates its pair only; ``key`` names it in the score file, ``name`` to people."""

    def __init__(self, hops: tuple[Hop, ...]) -> None:
        self.hops = hops
        self.pair: Pair = (hops[0].source, hops[-1].target)
        self.key = "|".join(hop.key for hop in hops)
        engines: list[str] = []
        for hop in hops:
            if not engines or engines[-1] != hop.engine.name:
                engines.append(hop.engine.name)
        via = ", ".join(hop.target for hop in hops[:-1])
        self.name = "+".join(engines) + (f" (via {via})" if via else "")

    @property
    def languages(self) -> str:
        """``en→es→fr``."""
        return "→".join([self.hops[0].source, *(hop.target for hop in self.hops)])

    def pairs(self) -> set[Pair]:
        return {self.pair}

    def translate(self, text: str, source: str, target: str) -> str:
        for hop in self.hops:
            text = hop.engine.translate(text, hop.source, hop.target)
        return text
