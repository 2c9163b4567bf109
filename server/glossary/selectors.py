"""Reads of a conference's glossary: its term base for translation (rebuilt only when the
glossary changed), and the words Whisper is told to spell as written."""

import re
import threading

from django.conf import settings
from django.db.models import Count, Max

from asr import Term, TermBase, default_term_base
from asr.translate.terms import read_forms
from server.conferences.models import Conference, Delegation, Participant

from .models import Glossary, GlossaryTerm

# Hotwords lengthen every decode: 200 characters (about 50 tokens) cost Whisper base on a CPU
# a few per cent; 400 up to half as much again.
HOTWORD_CHARS = 200
PARENTHESIS = re.compile(r"\s*\([^)]*\)")

Stamp = tuple[int, int, str]  # the glossary, its terms, the latest change
_built: dict[int, tuple[Stamp, TermBase]] = {}
_lock = threading.Lock()


def _stamp(conference_id: int) -> Stamp | None:
    glossary = Glossary.objects.filter(conference_id=conference_id).first()
    if glossary is None:
        return None
    terms = GlossaryTerm.objects.filter(glossary=glossary).aggregate(
        n=Count("id"), at=Max("updated_at")
    )
    return glossary.pk, terms["n"], str(terms["at"])


def _term(row: GlossaryTerm) -> Term:
    forms = {row.language: read_forms(row.term)}
    forms.update({language: read_forms(cell) for language, cell in row.equivalents.items()})
    return Term({language: found for language, found in forms.items() if found})


def conference_term_base(conference_id: int) -> TermBase:
    """The conference's glossary as a term base (the default one until it is first edited)."""
    stamp = _stamp(conference_id)
    if stamp is None:
        return default_term_base()
    with _lock:
        built = _built.get(conference_id)
        if built is not None and built[0] == stamp:
            return built[1]
    rows = GlossaryTerm.objects.filter(glossary_id=stamp[0])
    terms = TermBase(_term(row) for row in rows)
    with _lock:
        _built[conference_id] = (stamp, terms)
    return terms


def term_base_by_slug(slug: str) -> TermBase | None:
    """The glossary of the conference ``slug``; None if there is no such conference."""
    conference = Conference.objects.filter(slug=slug).values_list("pk", flat=True).first()
    return conference_term_base(conference) if conference is not None else None


def glossary_terms(conference: Conference) -> list[GlossaryTerm]:
    return list(GlossaryTerm.objects.filter(glossary__conference=conference))


def glossary_languages(conference: Conference, terms: list[GlossaryTerm]) -> list[str]:
    """The languages a glossary page shows: the working languages first, then the others its
    terms are written in."""
    working = [code.strip() for code in conference.languages.split(",") if code.strip()]
    others = {term.language for term in terms} | {code for t in terms for code in t.equivalents}
    return working + sorted(others - set(working))


def _names(conference_id: int, speaker: Participant | None) -> list[str]:
    """The speaker, their delegation, then the conference's delegations."""
    names = []
    if speaker is not None:
        names.append(PARENTHESIS.sub("", speaker.display_name))
        if speaker.delegation is not None:
            names.append(speaker.delegation.name)
    names += Delegation.objects.filter(conference_id=conference_id).values_list("name", flat=True)
    return names


def _capped(words: list[str]) -> str:
    kept: list[str] = []
    length = 0
    for word in dict.fromkeys(w.strip() for w in words if w.strip()):
        if length + len(word) + 2 > HOTWORD_CHARS:
            break
        kept.append(word)
        length += len(word) + 2
    return ", ".join(kept)


def hotwords(
    conference_id: int, languages: list[str], speaker: Participant | None
) -> dict[str, str]:
    """For each language (and "" for speech not yet known to be in one), the names of the
    speaker and of the delegations, then the glossary's terms in that language, in its order
    (the conference's own first, procedure before the names of states), up to
    ``HOTWORD_CHARS``. None at all unless ``PLENARY_ASR_HOTWORDS=1``."""
    if not settings.ASR_HOTWORDS:
        return {}
    names = _names(conference_id, speaker)
    terms = conference_term_base(conference_id).terms
    words = {"": _capped(names)}
    for language in languages:
        written = [form.text for term in terms if (form := term.written(language)) is not None]
        words[language] = _capped(names + written)
    return words
