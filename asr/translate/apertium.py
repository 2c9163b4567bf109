"""Apertium (Debian's ``apertium`` with language pairs such as ``apertium-eng-spa``): rule-based,
fast, fully offline."""

import shutil
import subprocess

from ..errors import TranslationUnavailable
from .base import Pair

# Apertium names languages with ISO 639-3 codes.
ISO3 = {"en": "eng", "es": "spa", "fr": "fra", "de": "deu", "pt": "por", "it": "ita", "ca": "cat"}
ISO1 = {three: one for one, three in ISO3.items()}
TIMEOUT = 30


class ApertiumTranslator:
    name = "apertium"

    def __init__(self, binary: str = "apertium") -> None:
        self.binary = shutil.which(binary)
        self._pairs: set[Pair] | None = None

    def pairs(self) -> set[Pair]:
        """The installed pairs (``apertium -l``), read once."""
        if self._pairs is None:
            self._pairs = self._installed_pairs()
        return self._pairs

    def _installed_pairs(self) -> set[Pair]:
        if self.binary is None:
            return set()
        listed = subprocess.run(
            [self.binary, "-l"], capture_output=True, text=True, timeout=TIMEOUT, check=False
        ).stdout.split()
        pairs = set()
        for mode in listed:
            source, _, target = mode.partition("-")
            if source in ISO1 and target in ISO1:  # skips variants such as spa-eng_US
                pairs.add((ISO1[source], ISO1[target]))
        return pairs

    def translate(self, text: str, source: str, target: str) -> str:
        if self.binary is None or (source, target) not in self.pairs():
            raise TranslationUnavailable(f"Apertium has no {source}→{target} pair installed.")
        result = subprocess.run(
            [self.binary, "-u", f"{ISO3[source]}-{ISO3[target]}"],
            input=text,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        if result.returncode != 0:
            raise TranslationUnavailable(f"Apertium failed: {result.stderr.strip()[:200]}")
        return result.stdout.strip()
