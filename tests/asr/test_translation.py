"""Translation: real Apertium, Argos on a tiny package installed from a file through
argostranslate's own code, composed by the router (routes through any language, chosen by
their measured scores; a per-sentence cache). Nothing reaches the network."""

import shutil
import zipfile
from pathlib import Path

import pytest

from asr.errors import InvalidPackage, NoRoute, TranslationUnavailable
from asr.translate.apertium import ApertiumTranslator
from asr.translate.argos import ArgosTranslator, argos_packages_dir
from asr.translate.base import Pair
from asr.translate.cache import CachedTranslator
from asr.translate.router import TranslationRouter, known_scores, read_scores, score_routes
from asr.translate.sentences import split_sentences
from asr.wer import normalised_words

from .argos_package import build_package

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None,
    reason="apertium is not installed (apt-get install apertium apertium-eng-spa; make test does)",
)


@pytest.fixture(scope="module")
def argos(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> ArgosTranslator:
    """Argos with two tiny packages, de→en and en→es, installed from .argosmodel files."""
    folder = tmp_path_factory.mktemp("argos-build")
    translator = ArgosTranslator(threads=1)
    for source, target in [("de", "en"), ("en", "es")]:
        assert translator.install(build_package(folder, source, target)) == (source, target)
    return translator


class Counting:
    """A real engine, counting the calls that reach it."""

    def __init__(self, engine: ApertiumTranslator) -> None:
        self.engine = engine
        self.name = engine.name
        self.calls: list[str] = []

    def pairs(self) -> set[Pair]:
        return self.engine.pairs()

    def translate(self, text: str, source: str, target: str) -> str:
        self.calls.append(text)
        return self.engine.translate(text, source, target)


@needs_apertium
def test_apertium_translates_english_and_spanish_both_ways() -> None:
    router = TranslationRouter([ApertiumTranslator()])
    assert {("en", "es"), ("es", "en")} <= set(router.available_pairs())
    spanish = router.translate("The delegation of Spain supports the proposal.", "en", "es")
    assert spanish.engine == "apertium"
    assert {"delegación", "españa", "propuesta"} <= set(normalised_words(spanish.text))
    english = router.translate("La delegación de Francia apoya el texto.", "es", "en")
    assert {"delegation", "france", "text"} <= set(normalised_words(english.text))


@needs_apertium
def test_each_sentence_is_translated_once() -> None:
    counting = Counting(ApertiumTranslator())
    router = TranslationRouter([counting])
    first = router.translate("We thank the chair. The text is agreed.", "en", "es")
    second = router.translate("The text is agreed. We request the floor.", "en", "es")
    assert counting.calls == ["We thank the chair.", "The text is agreed.", "We request the floor."]
    assert first.text.endswith("El texto está acordado.")
    assert second.text.startswith("El texto está acordado.")


@needs_apertium
def test_the_cache_is_bounded() -> None:
    counting = Counting(ApertiumTranslator())
    cached = CachedTranslator(counting, capacity=2)
    for sentence in ["One.", "Two.", "Three.", "One."]:
        cached.translate(sentence, "en", "es")
    assert counting.calls == ["One.", "Two.", "Three.", "One."]  # "One." was evicted
    assert (cached.hits, cached.misses) == (0, 4)


def test_an_argos_package_installed_from_a_file_translates(argos: ArgosTranslator) -> None:
    assert {("de", "en"), ("en", "es")} <= argos.pairs()
    assert (argos_packages_dir() / "translate-de_en-0_1" / "metadata.json").exists()
    text = argos.translate("Die Delegation unterstützt den Vorschlag.", "de", "en")
    assert isinstance(text, str) and text.strip()  # gibberish from random weights
    again = argos.translate("Die Delegation unterstützt den Vorschlag.", "de", "en")
    assert again == text  # deterministic (beam search)
    with pytest.raises(TranslationUnavailable, match="de→fr"):
        argos.translate("Guten Tag.", "de", "fr")


@needs_apertium
def test_routes_go_through_any_language_and_the_best_measured_route_wins(
    argos: ArgosTranslator,
) -> None:
    apertium = ApertiumTranslator()
    router = TranslationRouter([argos, apertium])
    routes = router.available_pairs()
    assert routes[("en", "es")] == "argos"  # unmeasured: the engine listed first
    assert routes[("es", "en")] == "apertium"
    assert routes[("de", "es")] == "argos (via en)"
    assert routes[("de", "fr")] == "argos+apertium (via en, es)"  # three hops
    assert routes[("it", "en")] == "apertium (via es)"
    assert ("es", "de") not in routes  # nothing translates into German
    measured = TranslationRouter(
        [argos, apertium], scores={"argos:en>es": 20.0, "apertium:en>es": 55.0}
    )
    assert measured.available_pairs()[("en", "es")] == "apertium"
    assert measured.available_pairs()[("de", "es")] == "argos+apertium (via en)"
    spanish = measured.translate("Die Delegation unterstützt den Vorschlag.", "de", "es")
    assert spanish.engine == "argos+apertium (via en)" and spanish.text.strip()
    measured.refresh({"argos:en>es": 60.0, "apertium:en>es": 55.0})
    assert measured.available_pairs()[("en", "es")] == "argos"
    assert TranslationRouter([argos, apertium], max_hops=1).routes().get(("de", "es")) is None


@needs_apertium
def test_an_installed_argos_package_is_measured_and_routed_by_its_score(
    argos: ArgosTranslator, tmp_path: Path
) -> None:
    router = TranslationRouter([argos, ApertiumTranslator()], scores=known_scores())
    assert router.available_pairs()[("en", "es")] == "apertium"  # measured beats unmeasured
    scores = score_routes(router, tmp_path / "scores.json", engine="argos")
    assert set(scores) >= {"argos:en>es", "argos:en>es|apertium:es>fr"}
    assert scores["argos:en>es"] < 10  # random weights
    assert read_scores(tmp_path / "scores.json") == {k: round(v, 1) for k, v in scores.items()}
    assert router.available_pairs()[("en", "es")] == "apertium"
    assert router.available_pairs()[("de", "en")] == "argos"  # the only route


def test_a_pair_nobody_translates_is_said_as_such(argos: ArgosTranslator) -> None:
    router = TranslationRouter([argos, ApertiumTranslator()])
    with pytest.raises(NoRoute, match="from ja into es") as raised:
        router.translate("こんにちは", "ja", "es")
    assert (raised.value.source, raised.value.target) == ("ja", "es")
    with pytest.raises(TranslationUnavailable):
        ApertiumTranslator().translate("Hola", "es", "ja")


def test_a_file_that_is_not_a_package_is_refused(argos: ArgosTranslator, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.argosmodel"
    garbage.write_bytes(b"not a zip")
    with pytest.raises(InvalidPackage, match="not an Argos package"):
        argos.install(garbage)
    empty = tmp_path / "empty.argosmodel"
    with zipfile.ZipFile(empty, "w") as zipped:
        zipped.writestr("readme.txt", "hello")
    with pytest.raises(InvalidPackage, match=r"metadata\.json"):
        argos.install(empty)
    assert not (argos_packages_dir() / "readme.txt").exists()


def test_same_language_is_passed_through() -> None:
    translation = TranslationRouter([]).translate("Hello.", "en", "en")
    assert (translation.text, translation.engine) == ("Hello.", "identity")


def test_sentence_splitting_needs_no_model() -> None:
    assert split_sentences("One. Two? Three! Four") == ["One.", "Two?", "Three!", "Four"]
    assert split_sentences("Mr. Smith agrees. Art. 4 stands.") == [
        "Mr. Smith agrees.",
        "Art. 4 stands.",
    ]
    assert split_sentences("  ") == []
