"""Writes of a conference's glossary: seeded from the default term base on first use, then
edited by the secretariat (the page or the admin). Caption translation reads it afresh after
each change (``selectors.conference_term_base``)."""

import re
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from asr import Term, default_term_base
from asr.translate.terms import read_forms, write_forms
from server.captions.services import check_language_code
from server.common.errors import Conflict, InvalidInput, NotFound
from server.common.values import text_check
from server.conferences.models import Conference, Participant

from .models import Glossary, GlossaryTerm
from .permissions import check_edit

MAX_FORMS_CHARS = 300
NOT_IN_A_FORM = re.compile(r"[{}\t\n\r]")


def _row(glossary: Glossary, term: Term, position: int) -> GlossaryTerm:
    language, *others = term.forms
    return GlossaryTerm(
        glossary=glossary,
        language=language,
        term=write_forms(term.forms[language]),
        equivalents={other: write_forms(term.forms[other]) for other in others},
        position=position,
        updated_at=glossary.created_at,
    )


def glossary_seed(conference: Conference) -> Glossary:
    """The conference's glossary, a copy of the default diplomatic term base the first time."""
    with transaction.atomic():
        Conference.objects.select_for_update().filter(pk=conference.pk).first()  # one seeder
        glossary = Glossary.objects.filter(conference=conference).first()
        if glossary is None:
            glossary = Glossary.objects.create(conference=conference, created_at=timezone.now())
            GlossaryTerm.objects.bulk_create(
                _row(glossary, term, position)
                for position, term in enumerate(default_term_base().terms, start=1)
            )
    return glossary


def check_forms(cell: str, what: StrOrPromise) -> str:
    """``cell`` as forms (``Señora Presidenta{f}|Presidenta{f}``), written the one way, or
    ``InvalidInput`` saying what is wrong with ``what``."""
    if len(cell) > MAX_FORMS_CHARS:
        raise InvalidInput(
            _("{what} is longer than {max_forms_chars} characters."),
            what=what,
            max_forms_chars=MAX_FORMS_CHARS,
        )
    forms = read_forms(text_check(cell, what))
    if not forms:
        raise InvalidInput(_("{what} is empty."), what=what)
    if any(NOT_IN_A_FORM.search(form.text) for form in forms):
        raise InvalidInput(
            _("{what}: a gender tag is {{f}}, {{mp}} or {{fp}}, after the form it belongs to."),
            what=what,
        )
    return write_forms(forms)


def _checked(
    language: str, term: str, equivalents: Mapping[str, str]
) -> tuple[str, str, dict[str, str]]:
    language = check_language_code(language)
    written = check_forms(term, _("The term"))
    checked: dict[str, str] = {}
    for code, cell in equivalents.items():
        if cell.strip():
            other = check_language_code(code)
            if other != language:
                checked[other] = check_forms(
                    cell, format_lazy(_("The {language} equivalent"), language=other)
                )
    if not checked:
        raise InvalidInput(_("Give the term's equivalent in at least one other language."))
    return language, written, checked


def _check_actor(actor: Participant, conference: Conference) -> None:
    check_edit(actor)
    if actor.conference_id != conference.pk:
        raise NotFound(_("No such conference in yours."))


def _folded(cell: str) -> set[str]:
    return {form.text.casefold() for form in read_forms(cell)}


def _check_unique(glossary: Glossary, row: GlossaryTerm, language: str, written: str) -> None:
    """A form is the term of one row only (in its language)."""
    forms = _folded(written)
    others = GlossaryTerm.objects.filter(glossary=glossary, language=language).exclude(pk=row.pk)
    for other in others.only("term"):
        if forms & _folded(other.term):
            raise Conflict(
                _("“{term}” ({language}) is already in the glossary: change it."),
                term=other.term,
                language=language,
            )


def glossary_term_save(
    *,
    actor: Participant,
    conference: Conference,
    term_id: int | None,
    language: str,
    term: str,
    equivalents: Mapping[str, str],
) -> GlossaryTerm:
    """Add a term to the conference's glossary (``term_id`` None), or change one. A term the
    secretariat adds comes before the seeded ones: where both have a form, it wins."""
    _check_actor(actor, conference)
    language, written, checked = _checked(language, term, equivalents)
    glossary = glossary_seed(conference)
    with transaction.atomic():
        if term_id is None:
            row = GlossaryTerm(glossary=glossary, position=0)
        else:
            found = GlossaryTerm.objects.select_for_update().filter(glossary=glossary, pk=term_id)
            row = found.first() or _missing()
        _check_unique(glossary, row, language, written)
        row.language, row.term, row.equivalents = language, written, checked
        row.updated_at = timezone.now()
        row.save()
    return row


def glossary_term_delete(*, actor: Participant, conference: Conference, term_id: int) -> str:
    """Remove a term from the conference's glossary; returns what it was."""
    _check_actor(actor, conference)
    glossary = glossary_seed(conference)
    with transaction.atomic():
        row = GlossaryTerm.objects.filter(glossary=glossary, pk=term_id).first() or _missing()
        row.delete()
    return row.term


def _missing() -> GlossaryTerm:
    raise NotFound(_("No such term in this glossary (removed meanwhile?)."))
