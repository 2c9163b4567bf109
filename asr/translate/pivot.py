"""Two translators chained through a third language (English, as a rule)."""

from .base import Pair, Translator


class PivotTranslator:
    def __init__(self, first: Translator, second: Translator, via: str) -> None:
        self.first = first
        self.second = second
        self.via = via
        engines = first.name if first.name == second.name else f"{first.name}+{second.name}"
        self.name = f"{engines} (via {via})"

    def pairs(self) -> set[Pair]:
        into = {source for source, target in self.first.pairs() if target == self.via}
        out = {target for source, target in self.second.pairs() if source == self.via}
        return {(s, t) for s in into for t in out if s != t}

    def translate(self, text: str, source: str, target: str) -> str:
        return self.second.translate(self.first.translate(text, source, self.via), self.via, target)
