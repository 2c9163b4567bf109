"""The minutes pages: a meeting's minutes, the editor (the record beside the transcript it
comes from), the corrections audit, exports. Forms post to small views that call one service
each and come back to the page with what happened."""

from collections.abc import Callable, Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from server.captions.selectors import spoken_segment
from server.common.errors import PlenaryError
from server.common.values import answers_bad_input, form_text, param_int
from server.conferences.models import Meeting, Participant
from server.rooms.selectors import participant_for

from . import exports, selectors, services
from .editor import editor_parts
from .layout import Document, document
from .models import Minutes, StatementSummary
from .permissions import may_prepare, may_read
from .record import Record
from .summariser import summariser_config


def _meeting(request: HttpRequest, meeting_id: int) -> tuple[Meeting, Participant]:
    meeting = get_object_or_404(Meeting.objects.select_related("conference"), pk=meeting_id)
    reader = participant_for(request.user, meeting)
    if reader is None or not may_read(reader, meeting):
        raise Http404("No such meeting in your conferences.")
    return meeting, reader


def _minutes(request: HttpRequest, minutes_id: int) -> tuple[Minutes, Participant]:
    minutes = get_object_or_404(
        Minutes.objects.select_related("meeting__conference", "corrigendum_of"), pk=minutes_id
    )
    _, reader = _meeting(request, minutes.meeting_id)
    return minutes, reader


def _laid_out(
    request: HttpRequest, minutes: Minutes, summaries: Mapping[int, StatementSummary]
) -> tuple[Record, Document]:
    """The record and its layout in the language asked for (``?language=``), else the
    minutes' own."""
    record = selectors.minutes_record(minutes)
    asked = request.GET.get("language", "")
    language = asked if asked in selectors.record_languages(record, minutes) else minutes.language
    texts = {turn: summary.text for turn, summary in summaries.items()}
    return record, document(record, minutes, language=language, summaries=texts)


Done = tuple[str, str]  # what happened, and the page to go to


def _done(request: HttpRequest, back: str, act: Callable[[], Done]) -> HttpResponse:
    """Run a change; say what it did and go on, or say why not and go ``back``."""
    try:
        message, to = act()
    except PlenaryError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, message)
    return redirect(to)


def _page(minutes: Minutes) -> str:
    return reverse("minutes-page", args=[minutes.pk])


@login_required
def meeting_minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, reader = _meeting(request, meeting_id)
    if request.method == "POST":

        def create() -> Done:
            created = services.minutes_create(
                actor=reader,
                meeting=meeting,
                form=form_text(request.POST, "form"),
                language=form_text(request.POST, "language"),
            )
            said = _("Draft {form} started.").format(form=created.get_form_display().lower())
            return said, _page(created)

        return _done(request, request.path, create)
    context = {
        "meeting": meeting,
        "minutes": selectors.minutes_of(meeting),
        "preparing": may_prepare(reader),
        "forms": Minutes.Form.choices,
        "languages": selectors.meeting_languages(meeting),
    }
    return render(request, "minutes/meeting.html", context)


@login_required
def minutes_page(request: HttpRequest, minutes_id: int) -> HttpResponse:
    minutes, reader = _minutes(request, minutes_id)
    summaries = selectors.summaries_of(minutes)
    record, doc = _laid_out(request, minutes, summaries)
    locked_by = selectors.issued_latest(minutes.meeting)
    open_for_corrections = minutes.state == Minutes.State.DRAFT and locked_by is None
    context = {
        "minutes": minutes,
        "doc": doc,
        "parts": editor_parts(
            doc, reader, corrections_open=open_for_corrections, summaries=summaries
        ),
        "languages": selectors.record_languages(record, minutes),
        "formats": exports.FORMATS,
        "preparing": may_prepare(reader),
        "locked_by": locked_by,
        "summariser": summariser_config() is not None,
        "corrigendum": selectors.corrigendum_of(minutes),
    }
    return render(request, "minutes/editor.html", context)


@login_required
def minutes_audit(request: HttpRequest, minutes_id: int) -> HttpResponse:
    minutes, _ = _minutes(request, minutes_id)
    context = {
        "minutes": minutes,
        "corrections": selectors.corrections_in(minutes.meeting),
        "versions": selectors.versions_of(minutes),
        "summaries": selectors.summaries_of(minutes).values(),
    }
    return render(request, "minutes/audit.html", context)


@login_required
def minutes_export(request: HttpRequest, minutes_id: int, fmt: str) -> HttpResponse:
    minutes, _ = _minutes(request, minutes_id)
    if fmt not in exports.FORMATS:
        raise Http404("No such export.")
    _, doc = _laid_out(request, minutes, selectors.summaries_of(minutes))
    return exports.response(exports.minutes_export(doc, fmt))


@require_POST
@login_required
def minutes_issue(request: HttpRequest, minutes_id: int) -> HttpResponse:
    minutes, reader = _minutes(request, minutes_id)

    def issue() -> Done:
        issued = services.minutes_issue(actor=reader, minutes=minutes)
        return _("{symbol} is issued: it will not change.").format(symbol=issued.symbol), _page(
            issued
        )

    return _done(request, _page(minutes), issue)


@require_POST
@login_required
def minutes_reopen(request: HttpRequest, minutes_id: int) -> HttpResponse:
    minutes, reader = _minutes(request, minutes_id)

    def reopen() -> Done:
        reason = form_text(request.POST, "reason")
        reopened = services.minutes_reopen(actor=reader, minutes=minutes, reason=reason)
        said = _("{symbol} is a draft corrigendum of {original}.")
        return said.format(symbol=reopened.symbol, original=minutes.symbol), _page(reopened)

    return _done(request, _page(minutes), reopen)


def _turn(request: HttpRequest) -> int:
    turn = param_int(request.POST, "turn")
    if turn is None:
        raise Http404("No such statement.")
    return turn


@require_POST
@login_required
@answers_bad_input
def summary_save(request: HttpRequest, minutes_id: int) -> HttpResponse:
    minutes, reader = _minutes(request, minutes_id)
    turn = _turn(request)

    def save() -> Done:
        text = form_text(request.POST, "text")
        services.summary_write(actor=reader, minutes=minutes, turn_id=turn, text=text)
        return _("Summary saved."), f"{_page(minutes)}#statement-{turn}"

    return _done(request, _page(minutes), save)


@require_POST
@login_required
@answers_bad_input
def summary_draft(request: HttpRequest, minutes_id: int) -> HttpResponse:
    minutes, reader = _minutes(request, minutes_id)
    turn = _turn(request)

    def draft() -> Done:
        services.summary_draft(actor=reader, minutes=minutes, turn_id=turn)
        return _(
            "The summariser drafted the summary: check it."
        ), f"{_page(minutes)}#statement-{turn}"

    return _done(request, _page(minutes), draft)


@require_POST
@login_required
def segment_correct(request: HttpRequest, minutes_id: int, segment_id: int) -> HttpResponse:
    minutes, reader = _minutes(request, minutes_id)
    segment = spoken_segment(segment_id)
    if segment is None or segment.meeting_id != minutes.meeting_id:
        raise Http404("No such statement in this meeting.")
    back = f"{_page(minutes)}?language={request.POST.get('view', '')}#segment-{segment.id}"

    def correct() -> Done:
        services.segment_correct(
            actor=reader,
            segment_id=segment.id,
            language=form_text(request.POST, "language"),
            text=form_text(request.POST, "text"),
            reason=form_text(request.POST, "reason"),
        )
        return _("Correction recorded."), back

    return _done(request, back, correct)
