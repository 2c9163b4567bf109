"""The pages: my meetings, and one meeting's room. The room itself runs over its socket."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from server.captions.selectors import caption_choices, language_name
from server.conferences.models import Meeting, Participant
from server.rooms import selectors
from server.rooms.permissions import may_attend, may_preside


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = selectors.meetings_for(request.user)
    return render(request, "web/meeting_list.html", {"meetings": meetings})


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
        "presiding": may_preside(participant),
        "observer": participant.role == Participant.Role.OBSERVER,
        # The page's timers count against the server's clock, not the visitor's.
        "server_time_ms": round(timezone.now().timestamp() * 1000),
        "caption_languages": [(c, language_name(c)) for c in caption_choices(meeting)],
    }
    return render(request, "web/room.html", context)
