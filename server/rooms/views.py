"""HTTP access to a room: the events a client missed, and the same operations as the
socket (``ACTIONS``), for scripts and clients that cannot hold a WebSocket open."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from server.common.errors import Forbidden, NotFound, PlenaryError, ProtocolError
from server.common.ratelimit import user_bucket
from server.common.values import json_decode, param_int
from server.conferences.models import Meeting, Participant
from server.conferences.roles import may_attend

from . import selectors
from .actions import ACTIONS

STATUS = {"forbidden": 403, "not_found": 404, "conflict": 409, "unauthenticated": 401}


def _error(exc: PlenaryError) -> JsonResponse:
    return JsonResponse(
        {"code": exc.code, "message": exc.message}, status=STATUS.get(exc.code, 400)
    )


def _too_many(retry_after: int) -> JsonResponse:
    response = JsonResponse(
        {
            "code": "rate_limited",
            "message": gettext(
                "Too many operations: at most {rate} a second, sockets and HTTP together. "
                "Retry in {seconds} s."
            ).format(rate=f"{settings.ROOM_RATE_PER_SECOND:g}", seconds=retry_after),
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _attendee(request: HttpRequest, meeting_id: int) -> tuple[Meeting, Participant]:
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    participant = selectors.participant_for(request.user, meeting) if meeting else None
    if meeting is None or participant is None:
        raise NotFound(
            _("Meeting {meeting_id} does not exist or you are not a participant."),
            meeting_id=meeting_id,
        )
    if not may_attend(participant, meeting):
        raise Forbidden(_("This is a closed session and your delegation is not admitted."))
    return meeting, participant


@require_GET
@login_required
def meeting_events(request: HttpRequest, meeting_id: int) -> JsonResponse:
    """``GET /api/meetings/<id>/events?after=N[&until=M]``: the events a client missed."""
    try:
        meeting, participant = _attendee(request, meeting_id)
        after = param_int(request.GET, "after") or 0
        until = param_int(request.GET, "until")
        if until is not None and until < after:
            raise ProtocolError("wrong_type", _("'until' must not be less than 'after'."))
    except PlenaryError as exc:
        return _error(exc)
    events = selectors.events_after(
        meeting, participant, after, limit=settings.ROOM_REPLAY_LIMIT, until=until
    )
    return JsonResponse({"events": events})


@require_POST
@login_required
def meeting_action(request: HttpRequest, meeting_id: int, action: str) -> JsonResponse:
    """``POST /api/meetings/<id>/actions/<type>`` with the message's ``data`` as the JSON
    body: the same operation, checks, events and rate budget as the socket message of that
    type."""
    assert request.user.pk is not None  # login_required
    bucket = user_bucket(request.user.pk)
    if not bucket.take():
        return _too_many(bucket.retry_after())
    try:
        meeting, participant = _attendee(request, meeting_id)
        run = ACTIONS.get(action)
        if run is None:
            raise ProtocolError("unknown_type", _("Unknown operation {action!r}."), action=action)
        data = json_decode(request.body or b"{}", "data")
        if not isinstance(data, dict):
            raise ProtocolError("bad_message", _("The body must be a JSON object."))
        result = run(participant, meeting, data)
    except PlenaryError as exc:
        return _error(exc)
    events = result if isinstance(result, list) else [result] if result else []
    return JsonResponse({"seqs": [e.seq for e in events]})
