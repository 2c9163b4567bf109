"""chrF and the diplomatic test set the router's scores are measured on."""

import shutil

import pytest

from asr.translate.apertium import ApertiumTranslator
from asr.translate.quality import chrf, read_test_set
from asr.translate.router import SHIPPED_SCORES, default_router, read_scores


def test_chrf_bounds_and_order() -> None:
    assert chrf(["The text is agreed."], ["The text is agreed."]) == pytest.approx(100)
    assert chrf(["qqq"], ["The text is agreed."]) == 0
    close = chrf(["The text was agreed."], ["The text is agreed."])
    far = chrf(["A text agreed."], ["The text is agreed."])
    assert 100 > close > far > 0
    assert chrf([], []) == 0
    with pytest.raises(ValueError):
        chrf(["one"], [])


def test_the_test_set_is_aligned_in_five_languages() -> None:
    sentences = read_test_set()
    assert set(sentences) == {"en", "es", "fr", "pt", "it"}
    assert {len(s) for s in sentences.values()} == {34}
    assert all(s.strip() for lines in sentences.values() for s in lines)


@pytest.mark.skipif(
    shutil.which("apertium") is None or len(ApertiumTranslator().pairs()) < 8,
    reason="make test installs apertium-eng-spa apertium-fr-es apertium-es-pt apertium-spa-ita",
)
def test_every_romance_working_language_has_a_measured_route() -> None:
    router = default_router()
    chosen = router.chosen()
    languages = ("en", "es", "fr", "pt", "it")
    for source in languages:
        for target in set(languages) - {source}:
            route = chosen[(source, target)]
            assert router.score(route) == read_scores(SHIPPED_SCORES)[route.key]
    assert chosen[("en", "fr")].languages == "en→es→fr"
    assert chosen[("fr", "en")].languages == "fr→es→en"
    assert chosen[("es", "fr")].languages == "es→fr"
