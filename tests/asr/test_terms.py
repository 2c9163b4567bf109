"""The term base: terms protected through every engine and route, equivalents written in,
articles made to agree; the default diplomatic term base; a glossary passed in."""

import shutil

import pytest

from asr.translate.apertium import ApertiumTranslator
from asr.translate.quality import chrf, read_test_set
from asr.translate.router import TranslationRouter
from asr.translate.terms import (
    Form,
    Term,
    TermBase,
    agree,
    default_term_base,
    placeholder,
    read_terms,
)

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None or len(ApertiumTranslator().pairs()) < 4,
    reason="Apertium's en-es, es-fr pairs are not installed (make test installs them)",
)


@pytest.fixture(scope="module")
def router() -> TranslationRouter:
    return TranslationRouter([ApertiumTranslator()])


@needs_apertium
@pytest.mark.parametrize(
    ("english", "spanish", "french"),
    [
        ("Thank you, Madam Chair.", "Señora Presidenta", "Madame la Présidente"),
        ("We propose to keep the text in brackets.", "entre corchetes", "entre crochets"),
        ("We thank the co-facilitators.", "cofacilitadores", "cofacilitateurs"),
    ],
)
def test_terms_come_through_in_each_language(
    router: TranslationRouter, english: str, spanish: str, french: str
) -> None:
    terms = default_term_base()
    assert spanish in router.translate(english, "en", "es", terms=terms).text
    assert french in router.translate(english, "en", "fr", terms=terms).text
    bare = router.translate(english, "en", "es").text
    assert spanish not in bare  # Madam Silla, en grupo …: what the term base is for


@needs_apertium
def test_articles_agree_with_the_equivalent(router: TranslationRouter) -> None:
    terms = default_term_base()
    spanish = router.translate(
        "The co-facilitators thank the Chair. Madam Chair, we request a recorded vote. "
        "The representative of Brazil spoke.",
        "en",
        "es",
        terms=terms,
    ).text
    assert "Los cofacilitadores" in spanish
    assert "a la Presidencia" in spanish
    assert "Señora Presidenta, pedimos una votación registrada" in spanish
    assert "del Brasil" in spanish
    assert "  " not in spanish  # "ZXBB,  pedimos": Apertium's blank for a dropped pronoun
    french = router.translate(
        "The delegation of Brazil supports the preambular paragraph.", "en", "fr", terms=terms
    ).text
    assert "du Brésil" in french and "l'alinéa du préambule" in french


@pytest.mark.parametrize(
    ("text", "form", "target", "expected"),
    [
        ("Damos las gracias a el ZXBB.", Form("Presidencia", "f"), "es", "a la Presidencia."),
        ("El ZXBB aguantará.", Form("cofacilitadores", "mp"), "es", "Los cofacilitadores"),
        ("La delegación del ZXBB", Form("los Estados Unidos"), "es", "de los Estados Unidos"),
        ("La delegación de ZXBB", Form("el Brasil"), "es", "delegación del Brasil"),
        ("El ZXBB apoya.", Form("el Brasil"), "es", "El Brasil apoya."),
        ("La délégation de ZXBB", Form("le Brésil"), "fr", "délégation du Brésil"),
        ("au ZXBB", Form("États-Unis", "mp"), "fr", "aux États-Unis"),
        ("autour du ZXBB", Form("alinéa du préambule"), "fr", "autour de l'alinéa"),
        ("chiede uno ZXBB.", Form("votazione registrata", "f"), "it", "una votazione"),
        ("il ZXBB", Form("progetto di risoluzione"), "it", "il progetto"),
        ("pede um ZXBB.", Form("votação registada", "f"), "pt", "uma votação"),
        ("Gracias, ZXBB.", Form("Señora Presidenta", "f"), "es", "Gracias, Señora Presidenta."),
        ("of the ZXBB", Form("the United States"), "en", "of the United States"),
    ],
)
def test_agreement(text: str, form: Form, target: str, expected: str) -> None:
    assert expected in agree(text, "ZXBB", form, target)


def test_placeholders_are_uppercase_letters_and_distinct() -> None:
    tokens = [placeholder(i) for i in range(300)]
    assert len(set(tokens)) == 300
    assert all(t.isalpha() and t.isupper() for t in tokens)


def test_the_default_term_base_names_every_member_state() -> None:
    terms = default_term_base()
    names = {form.text for term in terms.terms for form in term.forms.get("en", ())}
    assert {"Madam Chair", "co-facilitators", "point of order", "It was so decided"} <= names
    countries = [t for t in terms.terms if "Kenya" in {f.text for f in t.forms.get("en", ())}]
    assert countries[0].written("fr") == Form("le Kenya")
    assert len(terms.terms) > 193 + 25
    for term in terms.terms:
        assert {"en", "es", "fr"} <= set(term.forms), term


def test_a_glossary_passed_in_wins_and_other_terms_stay() -> None:
    glossary = [Term({"en": (Form("Bureau"),), "es": (Form("Mesa", "f"),)})]
    terms = default_term_base().extended(glossary)
    protected = terms.protect("The Bureau thanks the co-facilitators.", "en", "es")
    assert protected.text == "The ZXBB thanks the ZXBC."
    assert terms.restore("La ZXBB agradece el ZXBC.", protected, "es") == (
        "La Mesa agradece los cofacilitadores."
    )
    assert TermBase([]).protect("Madam Chair", "en", "es").text == "Madam Chair"


def test_the_term_file_format() -> None:
    terms = read_terms(["# comment", "en\tes\tfr", "bracket|brackets\tcorchete\t", ""])
    assert terms == [Term({"en": (Form("bracket"), Form("brackets")), "es": (Form("corchete"),)})]
    assert read_terms(["en\tes", "the floor\tla palabra {f}"])[0].written("es") == Form(
        "la palabra", "f"
    )


@needs_apertium
def test_the_term_base_raises_chrf_on_the_test_set(router: TranslationRouter) -> None:
    sentences = read_test_set()
    terms = default_term_base()
    for target in ("es", "fr"):
        bare = [router.translate(s, "en", target).text for s in sentences["en"]]
        termed = [router.translate(s, "en", target, terms=terms).text for s in sentences["en"]]
        assert chrf(termed, sentences[target]) > chrf(bare, sentences[target]) + 5


def test_a_short_word_an_engine_capitalised_after_a_placeholder_is_lowered() -> None:
    terms = default_term_base()
    protected = terms.protect("France and India, my delegation", "en", "fr")
    assert protected.text == "ZXBB and ZXBC, my delegation"
    restored = terms.restore("ZXBB Et ZXBC, Ma délégation", protected, "fr")
    assert restored == "La France et l'Inde, ma délégation"
