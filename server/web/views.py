"""The pages: my meetings (and the texts negotiated in their conferences), one meeting's
room, an interpreter's console for it, and the protocol's constants the pages' modules
read. The room itself runs over its socket."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language_info

from server.captions.events import EPHEMERAL_TYPES
from server.captions.selectors import caption_choices, language_name
from server.conferences.models import Meeting, Participant
from server.conferences.roles import is_presiding, may_attend, may_vote
from server.interpretation.selectors import conference_booths, participant_booths
from server.negotiation.events import NegotiationChange
from server.negotiation.selectors import texts_for
from server.rooms import admission, selectors
from server.rooms.events import EVENT_PAYLOADS
from server.rooms.protocol import CLOSE_TOO_SLOW
from server.rooms.services import TRANSITIONS


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = selectors.meetings_for(request.user)
    texts = texts_for(request.user).order_by("conference__title", "conference_id", "title")
    return render(request, "web/meeting_list.html", {"meetings": meetings, "texts": texts})


@login_required
def meeting_room(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("conference"), pk=meeting_id)
    participant = selectors.participant_for(request.user, meeting)
    if participant is None:  # another conference's meeting: as if there were none
        raise Http404("No such meeting in your conferences.")
    if not may_attend(participant, meeting):  # a closed session: its title stays unsaid
        return render(request, "web/forbidden.html", status=403)
    context = {
        "meeting": meeting,
        "participant": participant,
        "presiding": is_presiding(participant),
        "observer": participant.role == Participant.Role.OBSERVER,
        "may_vote": may_vote(participant),
        # The page's timers count against the server's clock, not the visitor's.
        "server_time_ms": round(timezone.now().timestamp() * 1000),
        "caption_languages": [(c, language_name(c)) for c in caption_choices(meeting)],
        "booths": booth_choices(meeting),
        "interpreter": bool(interpreter_booths(participant)),
    }
    return render(request, "web/room.html", context)


def booth_name(language: str) -> str:
    """A booth's language by its name in the page's language ("es": "Spanish")."""
    try:
        return str(get_language_info(language)["name_translated"])
    except KeyError:
        return language


def booth_choices(meeting: Meeting) -> list[tuple[str, str]]:
    """The conference's booths as (language, its name), by channel."""
    languages = conference_booths(meeting.conference_id).values_list("language", flat=True)
    return [(code, booth_name(code)) for code in languages]


def interpreter_booths(participant: Participant) -> list[str]:
    """The booths an interpreter serves (none for anyone else)."""
    if participant.role != Participant.Role.INTERPRETER:
        return []
    return participant_booths(participant)


@login_required
def meeting_interpret(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The interpreter's console: for the interpreters of the meeting's conference who serve
    a booth; anyone else of the conference is refused as from a closed session."""
    meeting = get_object_or_404(Meeting.objects.select_related("conference"), pk=meeting_id)
    participant = selectors.participant_for(request.user, meeting)
    if participant is None:
        raise Http404("No such meeting in your conferences.")
    if not may_attend(participant, meeting):
        return render(request, "web/forbidden.html", status=403)
    mine = interpreter_booths(participant)
    if not mine:
        return render(request, "web/console_forbidden.html", {"meeting": meeting}, status=403)
    texts = texts_for(request.user).filter(conference_id=meeting.conference_id)
    context = {
        "meeting": meeting,
        "participant": participant,
        "booths": [(code, booth_name(code)) for code in mine],
        "languages": booth_choices(meeting),
        "texts": texts.filter(Q(session__isnull=True) | Q(session=meeting)),
        "caption_languages": [(c, language_name(c)) for c in caption_choices(meeting)],
    }
    return render(request, "web/interpret.html", context)


def protocol_constants(request: HttpRequest) -> JsonResponse:
    """The room protocol's constants for the pages' modules (``frontend/static/js/
    protocol.js``), so no module keeps its own copy: the close codes (after all but
    ``too_slow`` a client does not reconnect), the meeting's status transitions, the event
    types broadcast without a sequence number, the negotiation events, and every event type
    by a name for the modules (``presence.joined`` as ``presence_joined``). Public, like
    the protocol document."""
    constants = {
        "close_codes": {
            "logged_out": admission.CLOSE_LOGGED_OUT,
            "unauthenticated": admission.CLOSE_UNAUTHENTICATED,
            "forbidden": admission.CLOSE_FORBIDDEN,
            "not_found": admission.CLOSE_NOT_FOUND,
            "too_many_sockets": admission.CLOSE_TOO_MANY_SOCKETS,
            "too_slow": CLOSE_TOO_SLOW,
        },
        "meeting_transitions": {
            f"meeting.{action}": {"from": sorted(sources), "to": target}
            for action, (sources, target) in TRANSITIONS.items()
        },
        "ephemeral_types": list(EPHEMERAL_TYPES),
        "negotiation_event_types": list(NegotiationChange.TYPES),
        "event_types": {
            name.replace(".", "_"): name for name in [*EVENT_PAYLOADS, *EPHEMERAL_TYPES]
        },
    }
    return JsonResponse(constants)
