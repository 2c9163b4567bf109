"""Term protection, for every engine: each term of a term base found in a sentence is replaced by
a placeholder (uppercase letters, which every engine passes through unchanged: digits would be
read as numbers), the sentence is translated, and each placeholder replaced by the term's
equivalent in the target language. Engines read a placeholder as a masculine singular noun, so
the article or determiner before it is then made to agree with the equivalent, and an article
the equivalent brings (``el Brasil``) is contracted with the preposition before it (``del``).

A term base is a list of ``Term``: its forms per language (the first form of a language is the
one written into it; every form is recognised in it), each with its gender and number. The
default diplomatic term base is ``data/terms.tsv``; a conference glossary is another
``TermBase`` (``TermBase(terms)``, or ``default.extended(terms)``).
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DEFAULT_TERMS = Path(__file__).with_name("data") / "terms.tsv"
GENDERS = ("m", "f", "mp", "fp")  # masculine / feminine, singular / plural
LETTERS = "BCDFGHJKLMNPQRSTVWXYZ"  # no vowels: never reads as a word or an acronym
TAG = re.compile(r"\s*\{(m|f|mp|fp)\}\s*$")
# Engines capitalise a short word after an unknown uppercase one (``ZXBB Y ZXBC``, ``ZXBB,
# Ma délégation``): such words are function words, written in lower case again.
AFTER_PLACEHOLDER = re.compile(r"(ZX[B-Z]{2},?\s+)([A-ZÀ-Ý][a-zà-ÿ]{0,2})(?!\w)")
VOWEL_START = re.compile(r"^[aeiouhàâäéèêëîïôöùûüœæ]", re.IGNORECASE)


@dataclass(frozen=True)
class Form:
    text: str
    gender: str = "m"  # one of GENDERS


@dataclass(frozen=True)
class Term:
    forms: dict[str, tuple[Form, ...]]  # language → forms, the first the one written

    def written(self, language: str) -> Form | None:
        forms = self.forms.get(language)
        return forms[0] if forms else None


@dataclass(frozen=True)
class Protected:
    """A sentence with its terms replaced by placeholders, and what each placeholder becomes."""

    text: str
    equivalents: dict[str, Form] = field(default_factory=dict)


LEADING_ARTICLES = {
    "en": ("the ",),
    "es": ("el ", "la ", "los ", "las "),
    "fr": ("le ", "la ", "les ", "l'"),
    "pt": ("o ", "a ", "os ", "as "),
    "it": ("il ", "lo ", "la ", "i ", "gli ", "le ", "l'"),
}


def recognised(form: str, language: str) -> tuple[str, ...]:
    """The form, and the form without the article it opens with (``the Sudan``, ``Sudan``)."""
    for article in LEADING_ARTICLES.get(language, ()):
        if form.startswith(article) and len(form) > len(article):
            return form, form[len(article) :]
    return (form,)


def placeholder(index: int) -> str:
    """ZXBB, ZXBC … ZXBZ, ZXCB …: four uppercase consonants, distinct per index."""
    first, second = divmod(index, len(LETTERS))
    return f"ZX{LETTERS[first % len(LETTERS)]}{LETTERS[second]}"


class TermBase:
    """Terms, matched case-insensitively on word boundaries, the longest form first."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms = tuple(terms)
        self._patterns: dict[tuple[str, str], re.Pattern[str] | None] = {}
        self._lookup: dict[tuple[str, str], dict[str, Form]] = {}

    def extended(self, terms: Iterable[Term]) -> "TermBase":
        """This term base with ``terms`` added; theirs win where both have a form."""
        return TermBase([*terms, *self.terms])

    def _pair(self, source: str, target: str) -> tuple[re.Pattern[str] | None, dict[str, Form]]:
        if (source, target) not in self._patterns:
            lookup: dict[str, Form] = {}
            for term in self.terms:
                written = term.written(target)
                if written is None:
                    continue
                for form in term.forms.get(source, ()):
                    for name in recognised(form.text, source):
                        lookup.setdefault(name.casefold(), written)
            names = sorted(lookup, key=len, reverse=True)
            self._patterns[(source, target)] = (
                re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)", re.I)
                if names
                else None
            )
            self._lookup[(source, target)] = lookup
        return self._patterns[(source, target)], self._lookup[(source, target)]

    def protect(self, text: str, source: str, target: str) -> Protected:
        pattern, lookup = self._pair(source, target)
        if pattern is None:
            return Protected(text)
        equivalents: dict[str, Form] = {}
        tokens: dict[str, str] = {}

        def replace(match: re.Match[str]) -> str:
            key = match[0].casefold()
            if key not in tokens:
                tokens[key] = placeholder(len(tokens))
                equivalents[tokens[key]] = lookup[key]
            return tokens[key]

        return Protected(pattern.sub(replace, text), equivalents)

    def restore(self, translated: str, protected: Protected, target: str) -> str:
        """Each placeholder replaced by its equivalent, articles made to agree."""
        text = AFTER_PLACEHOLDER.sub(lambda m: m[1] + m[2].lower(), translated)
        for token, form in protected.equivalents.items():
            text = agree(text, token, form, target)
        return _capital_kept(translated, text)


# Agreement --------------------------------------------------------------------------------
# A determiner an engine wrote before a placeholder (masculine singular) → its forms for the
# other genders and numbers: f, mp, fp.
DETERMINERS: dict[str, dict[str, tuple[str, str, str]]] = {
    "es": {
        "el": ("la", "los", "las"),
        "un": ("una", "unos", "unas"),
        "este": ("esta", "estos", "estas"),
        "ese": ("esa", "esos", "esas"),
        "del": ("de la", "de los", "de las"),
        "al": ("a la", "a los", "a las"),
        "nuestro": ("nuestra", "nuestros", "nuestras"),
        "dicho": ("dicha", "dichos", "dichas"),
    },
    "fr": {
        "le": ("la", "les", "les"),
        "un": ("une", "des", "des"),
        "ce": ("cette", "ces", "ces"),
        "du": ("de la", "des", "des"),
        "au": ("à la", "aux", "aux"),
        "notre": ("notre", "nos", "nos"),
    },
    "pt": {
        "o": ("a", "os", "as"),
        "um": ("uma", "uns", "umas"),
        "este": ("esta", "estes", "estas"),
        "do": ("da", "dos", "das"),
        "ao": ("à", "aos", "às"),
        "no": ("na", "nos", "nas"),
        "pelo": ("pela", "pelos", "pelas"),
    },
    "it": {
        "il": ("la", "i", "le"),
        "un": ("una", "dei", "delle"),
        "questo": ("questa", "questi", "queste"),
        "del": ("della", "dei", "delle"),
        "al": ("alla", "ai", "alle"),
        "nel": ("nella", "nei", "nelle"),
    },
}
# Italian writes lo, uno, dello … before s + consonant, z (as in the placeholders), gn, ps, x.
ITALIAN_IMPURE = {"lo": "il", "uno": "un", "dello": "del", "allo": "al", "nello": "nel"}
ITALIAN_BEFORE_IMPURE = {
    **{normal: impure for impure, normal in ITALIAN_IMPURE.items()},
    **{"i": "gli", "dei": "degli", "ai": "agli", "nei": "negli"},
}
IMPURE_START = re.compile(r"^(s[^aeiouàèéìòù]|z|gn|ps|x|y)", re.IGNORECASE)
DETERMINERS["it"].update({impure: DETERMINERS["it"][n] for impure, n in ITALIAN_IMPURE.items()})
# The article an engine writes before a placeholder, for equivalents that bring their own
# (``el Brasil``, ``les États-Unis``): it gives way to theirs.
ARTICLES = {"en": {"the"}, "es": {"el"}, "fr": {"le", "l'"}, "pt": {"o"}, "it": {"il", "lo", "l'"}}
# A contraction an engine wrote before a placeholder → its preposition.
PREPOSITIONS = {
    "es": {"del": "de", "al": "a", "de": "de", "a": "a"},
    "fr": {"du": "de", "au": "à", "de": "de", "à": "à"},
    "pt": {"do": "de", "ao": "a", "no": "em", "pelo": "por", "de": "de", "em": "em", "por": "por"},
    "it": {"del": "di", "al": "a", "nel": "in", "di": "di", "a": "a", "in": "in"},
}
ITALIAN_ARTICLES = {"il": "l", "lo": "llo", "la": "lla", "i": "i", "gli": "gli", "le": "lle"}
# A preposition and the article an equivalent brings → their contraction.
CONTRACTIONS: dict[str, dict[str, str]] = {
    "es": {"de el": "del", "a el": "al"},
    "fr": {"de le": "du", "à le": "au", "de les": "des", "à les": "aux"},
    "pt": {
        **{f"de {a}": f"d{a}" for a in ("o", "a", "os", "as")},
        **{f"em {a}": f"n{a}" for a in ("o", "a", "os", "as")},
        **{"a o": "ao", "a os": "aos", "a a": "à", "a as": "às"},
        **{"por o": "pelo", "por a": "pela", "por os": "pelos", "por as": "pelas"},
    },
    "it": {
        **{f"di {a}": f"de{c}" for a, c in ITALIAN_ARTICLES.items()},
        **{f"a {a}": f"a{c}" for a, c in ITALIAN_ARTICLES.items()},
        **{f"in {a}": f"ne{c}" for a, c in ITALIAN_ARTICLES.items()},
    },
}
# Before a vowel (French, Italian): the word → its elided form.
ELISIONS: dict[str, dict[str, str]] = {
    "fr": {
        **{"le": "l'", "la": "l'", "de": "d'", "que": "qu'", "ce": "cet"},
        **{"de la": "de l'", "du": "de l'", "au": "à l'", "à la": "à l'"},
    },
    "it": {
        **{"il": "l'", "la": "l'", "della": "dell'", "alla": "all'", "una": "un'", "di": "d'"},
        **{"del": "dell'", "al": "all'", "nel": "nell'", "nella": "nell'"},
        **{"i": "gli", "dei": "degli", "ai": "agli", "nei": "negli"},
    },
}


def _join(word: str, text: str) -> str:
    return word + text if word.endswith("'") else f"{word} {text}"


def _own_article(equivalent: str, target: str) -> str | None:
    """The article an equivalent opens with (``el`` of ``el Brasil``, ``l'`` of ``l'Inde``),
    if any; ``El Salvador`` opens with a name."""
    first = equivalent.split(" ", 1)[0]
    if target == "en":
        return first if first == "the" else None
    if first.startswith("l'") and target in ("fr", "it"):
        return "l'"
    articles = {long.split(" ")[1] for long in CONTRACTIONS.get(target, {})} | {"la", "los", "las"}
    return first if first in articles and " " in equivalent else None


def _contracted(phrase: str, target: str) -> str:
    """``de el Brasil`` → ``del Brasil``, ``à le Mexique`` → ``au Mexique``."""
    for long, short in CONTRACTIONS.get(target, {}).items():
        if phrase.lower().startswith(long + " "):
            return short + phrase[len(long) :]
    return phrase


def _agreed(word: str, form: Form, target: str) -> str:
    """What the word an engine wrote before a placeholder, and the placeholder, become."""
    lower = word.lower()
    if _own_article(form.text, target):
        if lower in ARTICLES.get(target, set()):
            return form.text  # the equivalent's own article replaces the engine's
        preposition = PREPOSITIONS.get(target, {}).get(lower, lower)
        return _contracted(_join(preposition, form.text), target)
    forms = DETERMINERS.get(target, {}).get(lower)
    agreed = forms[GENDERS.index(form.gender) - 1] if forms and form.gender != "m" else lower
    if target == "it":
        agreed = ITALIAN_IMPURE.get(agreed, agreed)
        if IMPURE_START.match(form.text) and form.gender in ("m", "mp"):
            agreed = ITALIAN_BEFORE_IMPURE.get(agreed, agreed)
    if VOWEL_START.match(form.text) and (form.gender in ("m", "f") or target == "it"):
        elided = ELISIONS.get(target, {}).get(agreed, agreed)
        agreed = elided if form.gender in ("m", "f") or not elided.endswith("'") else agreed
    return _join(agreed, form.text)


def agree(text: str, token: str, form: Form, target: str) -> str:
    """``token`` replaced by ``form`` in ``text``, the words before it made to agree."""
    prepositions = {p for p, plain in PREPOSITIONS.get(target, {}).items() if p == plain}
    words = {*DETERMINERS.get(target, {}), *prepositions, *ARTICLES.get(target, set())}
    words |= set(ELISIONS.get(target, {}))
    if not words:
        return text.replace(token, form.text)
    alternatives = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    preceding = "|".join(map(re.escape, sorted(prepositions, key=len, reverse=True)))
    before = re.compile(rf"(?<!\w)(?:({preceding})\s+)?({alternatives})\s+{token}(?!\w)", re.I)

    def replace(match: re.Match[str]) -> str:
        agreed = _agreed(match[2], form, target)
        if match[1]:
            agreed = _contracted(f"{match[1].lower()} {agreed}", target)
        return agreed[0].upper() + agreed[1:] if match[0][0].isupper() else agreed

    return before.sub(replace, text).replace(token, form.text)


def _capital_kept(translated: str, restored: str) -> str:
    """A sentence that opened with a capital still does."""
    if translated[:1].isupper() and restored[:1].islower():
        return restored[0].upper() + restored[1:]
    return restored


# The term base file -----------------------------------------------------------------------


def read_forms(cell: str) -> tuple[Form, ...]:
    """``Señora Presidenta{f}|Presidenta{f}``: forms separated by ``|``, each followed by its
    gender tag where it is not masculine singular."""
    forms = []
    for variant in cell.split("|"):
        tag = TAG.search(variant)
        text = TAG.sub("", variant).strip()
        if text:
            forms.append(Form(text, tag[1] if tag else "m"))
    return tuple(forms)


def write_forms(forms: Iterable[Form]) -> str:
    """The cell ``read_forms`` reads back as ``forms``."""
    return "|".join(
        form.text + ("" if form.gender == "m" else f"{{{form.gender}}}") for form in forms
    )


def read_terms(lines: Sequence[str]) -> list[Term]:
    """Tab-separated: a header of language codes, then a term a line, each cell its forms in
    that language separated by ``|``, a form followed by ``{f}``, ``{mp}`` or ``{fp}`` where it
    is not masculine singular; ``#`` starts a comment line, an empty cell has no form."""
    rows = [line.rstrip("\n") for line in lines if line.strip() and not line.startswith("#")]
    languages = rows[0].split("\t")
    terms = []
    for row in rows[1:]:
        cells = row.split("\t")
        forms = {lang: read_forms(cell) for lang, cell in zip(languages, cells, strict=False)}
        terms.append(Term({lang: f for lang, f in forms.items() if f}))
    return terms


@cache
def default_term_base() -> TermBase:
    """The diplomatic term base shipped with Plenary (``data/terms.tsv``)."""
    return TermBase(read_terms(DEFAULT_TERMS.read_text(encoding="utf-8").splitlines()))
