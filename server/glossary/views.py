"""The glossary page: the conference's terms and their equivalents, which every caption
translation applies; the secretariat adds, changes and removes terms there. Forms post to
small views that call one service each and come back to the page with what happened."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from server.captions.selectors import language_name
from server.common.errors import PlenaryError
from server.common.values import decimal_or_none
from server.conferences.models import Conference, Participant

from . import selectors, services
from .permissions import may_edit

EQUIVALENT = "equivalent-"  # a form field per language: equivalent-es, equivalent-fr …


def _conference(request: HttpRequest, slug: str) -> tuple[Conference, Participant]:
    conference = get_object_or_404(Conference, slug=slug)
    user = request.user
    reader = None
    if user.is_authenticated:
        reader = Participant.objects.filter(conference=conference, user_id=user.pk).first()
    if reader is None:
        raise Http404("No such conference in yours.")
    return conference, reader


def _page(conference: Conference) -> str:
    return reverse("glossary", args=[conference.slug])


@login_required
def glossary_page(request: HttpRequest, slug: str) -> HttpResponse:
    conference, reader = _conference(request, slug)
    terms = selectors.glossary_terms(conference)
    if not terms:  # never edited: a copy of the default term base, which it uses till then
        services.glossary_seed(conference)
        terms = selectors.glossary_terms(conference)
    languages = selectors.glossary_languages(conference, terms)
    query = request.GET.get("q", "").strip()
    if query:
        folded = query.casefold()
        terms = [
            t for t in terms if folded in " ".join([t.term, *t.equivalents.values()]).casefold()
        ]
    rows = [(t, [(code, t.equivalents.get(code, "")) for code in languages]) for t in terms]
    context = {
        "conference": conference,
        "editing": may_edit(reader),
        "languages": [(code, language_name(code)) for code in languages],
        "rows": rows,
        "query": query,
    }
    return render(request, "glossary/glossary.html", context)


def _changed(
    request: HttpRequest, conference: Conference, change: Callable[[], str]
) -> HttpResponse:
    try:
        done = change()
    except PlenaryError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(_page(conference))


def _term_id(raw: str) -> int:
    term_id = decimal_or_none(raw)
    if term_id is None:
        raise Http404("No such term.")
    return term_id


@require_POST
@login_required
def term_save(request: HttpRequest, slug: str) -> HttpResponse:
    conference, reader = _conference(request, slug)
    raw_id = request.POST.get("term_id", "")
    term_id = _term_id(raw_id) if raw_id else None

    def save() -> str:
        equivalents = {
            key.removeprefix(EQUIVALENT): request.POST.get(key, "")
            for key in request.POST
            if key.startswith(EQUIVALENT)
        }
        saved = services.glossary_term_save(
            actor=reader,
            conference=conference,
            term_id=term_id,
            language=request.POST.get("language", ""),
            term=request.POST.get("term", ""),
            equivalents=equivalents,
        )
        return _("“{term}” saved: captions translate it so from now on.").format(term=saved.term)

    return _changed(request, conference, save)


@require_POST
@login_required
def term_delete(request: HttpRequest, slug: str) -> HttpResponse:
    conference, reader = _conference(request, slug)
    term_id = _term_id(request.POST.get("term_id", ""))

    def delete() -> str:
        term = services.glossary_term_delete(actor=reader, conference=conference, term_id=term_id)
        return _("“{term}” removed from the glossary.").format(term=term)

    return _changed(request, conference, delete)
