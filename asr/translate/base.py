"""The translator interface and the language codes engines use."""

from typing import Protocol

Pair = tuple[str, str]  # (source, target), ISO 639-1 codes


class Translator(Protocol):
    name: str

    def pairs(self) -> set[Pair]:
        """The language pairs this engine translates, as installed now."""
        ...

    def translate(self, text: str, source: str, target: str) -> str: ...
