"""A translator that remembers: each (pair, sentence) is translated once, up to a bound."""

import threading
from collections import OrderedDict

from .base import Pair, Translator


class CachedTranslator:
    """Wraps any translator with a least-recently-used cache. Safe to share between threads."""

    def __init__(self, inner: Translator, capacity: int = 4096) -> None:
        self.inner = inner
        self.name = inner.name
        self.capacity = capacity
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[str, str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def pairs(self) -> set[Pair]:
        return self.inner.pairs()

    def translate(self, text: str, source: str, target: str) -> str:
        key = (source, target, text)
        with self._lock:
            if key in self._entries:
                self.hits += 1
                self._entries.move_to_end(key)
                return self._entries[key]
        translated = self.inner.translate(text, source, target)
        with self._lock:
            self.misses += 1
            self._entries[key] = translated
            if len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
        return translated
