"""Translation quality: chrF (character n-gram F-score, as sacreBLEU computes it by default:
n-grams up to 6, recall weighted twice, whitespace ignored, statistics summed over the corpus)
on Plenary's diplomatic test set (``data/diplomatic.tsv``: the same sentences written by hand
in each language)."""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .route import Route

TEST_SET = Path(__file__).with_name("data") / "diplomatic.tsv"
ORDER = 6
BETA = 2.0


def _ngrams(text: str, n: int) -> Counter[str]:
    chars = "".join(text.split())
    return Counter(chars[i : i + n] for i in range(len(chars) - n + 1))


def chrf(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """Corpus chrF, from 0 to 100."""
    matched, predicted, expected = [0] * ORDER, [0] * ORDER, [0] * ORDER
    for hypothesis, reference in zip(hypotheses, references, strict=True):
        for n in range(1, ORDER + 1):
            ours, theirs = _ngrams(hypothesis, n), _ngrams(reference, n)
            matched[n - 1] += sum((ours & theirs).values())
            predicted[n - 1] += sum(ours.values())
            expected[n - 1] += sum(theirs.values())
    orders = [n for n in range(ORDER) if predicted[n] and expected[n]]
    if not orders:
        return 0.0
    precision = sum(matched[n] / predicted[n] for n in orders) / ORDER
    recall = sum(matched[n] / expected[n] for n in orders) / ORDER
    if precision + recall == 0:
        return 0.0
    return 100 * (1 + BETA**2) * precision * recall / (BETA**2 * precision + recall)


def read_test_set(path: Path = TEST_SET) -> dict[str, list[str]]:
    """Language → its sentences, aligned: a header of language codes, then a sentence a line
    in each language, tab-separated."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    languages = rows[0]
    return {lang: [row[i] for row in rows[1:]] for i, lang in enumerate(languages)}


Memo = dict[tuple[str, str], str]  # (hop key, text) → its translation


def _through(route: Route, text: str, memo: Memo) -> str:
    """The text through each hop, a hop's output remembered: routes share their first hops."""
    for hop in route.hops:
        if (hop.key, text) not in memo:
            memo[(hop.key, text)] = hop.engine.translate(text, hop.source, hop.target)
        text = memo[(hop.key, text)]
    return text


def measure_routes(
    routes: Iterable[Route], test_set: Mapping[str, Sequence[str]]
) -> dict[str, float]:
    """Route key → chrF, for each route whose two languages the test set has: from its
    source's sentences into its target's, without a term base (the engines' own quality)."""
    memo: Memo = {}
    scores = {}
    for route in routes:
        source, target = route.pair
        if source in test_set and target in test_set:
            hypotheses = [_through(route, s, memo) for s in test_set[source]]
            scores[route.key] = chrf(hypotheses, test_set[target])
    return scores
