"""Translation benchmark: latency per sentence per hop of each long-lived Apertium pipeline,
per route, and chrF of each route from English with and without the diplomatic term base, on
Plenary's diplomatic test set.

    .venv/bin/python bench/asr/translation.py
"""

import statistics
import time

from asr.translate.apertium import ApertiumTranslator
from asr.translate.quality import chrf, read_test_set
from asr.translate.router import default_router
from asr.translate.terms import default_term_base


def milliseconds(timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def hop_latency(apertium: ApertiumTranslator, sentences: dict[str, list[str]]) -> None:
    """Each mode once to start it, then every test sentence of its source language."""
    print("== Apertium, per sentence per hop (pipeline started beforehand; target ≤ 20 ms)")
    for source, target in sorted(apertium.pairs()):
        if source not in sentences:
            continue
        began = time.perf_counter()
        apertium.translate("Start.", source, target)
        start = time.perf_counter() - began
        timings = []
        for sentence in sentences[source]:
            began = time.perf_counter()
            apertium.translate(sentence, source, target)
            timings.append(time.perf_counter() - began)
        print(f"{source}→{target}: {milliseconds(timings)}  (start {start * 1000:.0f} ms)")


def routes_from_english(sentences: dict[str, list[str]]) -> None:
    """chrF of each route out of English, bare and with the term base, and its latency with
    the term base (through a router of its own: nothing cached)."""
    terms, router, timed = default_term_base(), default_router(), default_router()
    print("\n== Routes from English: chrF without → with the term base; latency per sentence")
    for (source, target), route in router.chosen().items():
        if source != "en" or target not in sentences:
            continue
        bare = [router.translate(s, source, target).text for s in sentences[source]]
        timings, termed = [], []
        for sentence in sentences[source]:
            began = time.perf_counter()
            termed.append(timed.translate(sentence, source, target, terms=terms).text)
            timings.append(time.perf_counter() - began)
        print(
            f"{source}→{target} {route.name} ({route.languages}): chrF "
            f"{chrf(bare, sentences[target]):.1f} → {chrf(termed, sentences[target]):.1f}; "
            f"{milliseconds(timings)}"
        )


def main() -> None:
    sentences = read_test_set()
    hop_latency(ApertiumTranslator(), sentences)
    routes_from_english(sentences)


if __name__ == "__main__":
    main()
