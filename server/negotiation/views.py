"""The negotiation pages: the text (live), a clause's history with diffs, the text at any
event, diffs between versions, and exports. Changes go through the room actions
(``POST /api/meetings/<id>/actions/negotiation.*``), so pages only read."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from server.common.values import answers_bad_input, param_int
from server.conferences.models import Meeting, Participant
from server.conferences.roles import is_presiding, is_secretariat, may_attend

from . import exports, receipts, selectors
from .models import NegotiationText
from .permissions import may_negotiate, may_read
from .state import ClauseKind, ClauseStatus, ProposalKind, Stance, TextState


def _readable(request: HttpRequest, text_id: int) -> tuple[NegotiationText, Participant]:
    texts = NegotiationText.objects.select_related("conference", "session")
    text = get_object_or_404(texts, pk=text_id)
    participant = selectors.participant_in(request.user, text)
    if participant is None or not may_read(participant, text):
        raise Http404("No such text in your conferences.")
    return text, participant


def _meeting(request: HttpRequest, text: NegotiationText, who: Participant) -> Meeting | None:
    """The open meeting the page negotiates in: ``?meeting=`` or the first one (a closed
    session's text: that session)."""
    meetings = Meeting.objects.filter(conference=text.conference, status=Meeting.Status.OPEN)
    if text.session_id is not None:
        meetings = meetings.filter(pk=text.session_id)
    wanted = param_int(request.GET, "meeting")
    if wanted is not None:
        meetings = meetings.filter(pk=wanted)
    return next((m for m in meetings if may_attend(who, m)), None)


def _body_context(text: NegotiationText, who: Participant, state: TextState) -> dict[str, object]:
    return {
        "text": text,
        "view": selectors.compilation(state),
        "presiding": is_presiding(who),
        "negotiating": may_negotiate(who),
        "delegation": who.delegation.code if who.delegation else None,
        "statuses": [s for s in ClauseStatus if s != ClauseStatus.DELETED],
        "stances": list(Stance),
    }


@login_required
def text_list(request: HttpRequest) -> HttpResponse:
    return render(request, "negotiation/list.html", {"texts": selectors.texts_for(request.user)})


@login_required
@answers_bad_input
def text_page(request: HttpRequest, text_id: int) -> HttpResponse:
    text, who = _readable(request, text_id)
    at = param_int(request.GET, "at")
    state = selectors.text_as_of(text, until=at) if at is not None else selectors.text_state(text)
    context = _body_context(text, who, state)
    context.update(
        {
            "sound": at is not None or selectors.projection_sound(text, state),
            "unsound": selectors.UNSOUND,
            "participant": who,
            "meeting": None if at is not None else _meeting(request, text, who),
            "at": at,
            "secretariat": is_secretariat(who),
            "proposal_kinds": list(ProposalKind),
            "clause_kinds": list(ClauseKind),
        }
    )
    return render(request, "negotiation/text.html", context)


@login_required
def text_body(request: HttpRequest, text_id: int) -> HttpResponse:
    """The text's body alone: what a live page reloads after negotiation events. With
    ``?since=N`` (the version the page had), it carries one line saying what changed."""
    text, who = _readable(request, text_id)
    state = selectors.text_state(text)
    context = _body_context(text, who, state)
    since = param_int(request.GET, "since")
    if since is not None:
        context["summary"] = selectors.change_announcement(text, state, since)
    return render(request, "negotiation/_body.html", context)


@login_required
def clause_history(request: HttpRequest, text_id: int, key: int) -> HttpResponse:
    text, _ = _readable(request, text_id)
    history = selectors.clause_history(text, key)
    if not history:
        raise Http404(f"No clause {key} in this text.")
    context = {"text": text, "key": key, "history": history, "current": selectors.text_state(text)}
    return render(request, "negotiation/history.html", context)


@login_required
@answers_bad_input
def text_diff(request: HttpRequest, text_id: int) -> HttpResponse:
    """``?from=A&to=B``: the whole text after event B against the text after event A."""
    text, _ = _readable(request, text_id)
    last = text.event_count - 1
    older, newer = param_int(request.GET, "from") or 0, param_int(request.GET, "to")
    newer = last if newer is None else min(newer, last)
    diff = selectors.text_diff_between(text, older, newer)
    context = {"text": text, "diff": diff, "older": older, "newer": newer, "last": last}
    return render(request, "negotiation/diff.html", context)


@login_required
def text_export(request: HttpRequest, text_id: int, document: str, fmt: str) -> HttpResponse:
    text, _ = _readable(request, text_id)
    if document not in exports.DOCUMENTS or fmt not in exports.FORMATS:
        raise Http404("No such export.")
    return exports.response(exports.text_document(text, document, fmt))


@login_required
def history_export(request: HttpRequest, text_id: int, key: int, fmt: str) -> HttpResponse:
    text, _ = _readable(request, text_id)
    if fmt not in exports.FORMATS or not selectors.clause_history(text, key):
        raise Http404("No such export.")
    return exports.response(exports.history_document(text, key, fmt))


@login_required
def text_receipt(request: HttpRequest, text_id: int) -> HttpResponse:
    """A receipt for the text's record as it stands (JSON), for a delegation to keep."""
    text, _ = _readable(request, text_id)
    try:
        receipt = receipts.receipt_issue(text)
    except receipts.ReceiptError as exc:
        raise Http404(str(exc)) from exc
    reply = HttpResponse(receipts.receipt_dumps(receipt), content_type="application/json")
    filename = f"{text.slug}-receipt-v{receipt['version']}.json"
    reply["Content-Disposition"] = f'attachment; filename="{filename}"'
    return reply
