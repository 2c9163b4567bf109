"""``GET /meetings/<id>/media/``: the page's ticket to the floor's audio and video, for a
participant admitted to the meeting (as the room page: 404, or 403 for a closed session).
The room itself is created in Janus by the signalling proxy, as the page connects."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from server.conferences.models import Meeting
from server.conferences.roles import may_attend
from server.rooms.selectors import participant_for

from .selectors import media_offer


@require_GET
@login_required
def meeting_media(request: HttpRequest, meeting_id: int) -> JsonResponse:
    meeting = Meeting.objects.select_related("conference").filter(pk=meeting_id).first()
    participant = participant_for(request.user, meeting) if meeting else None
    if meeting is None or participant is None:
        raise Http404("No such meeting in your conferences.")
    if not may_attend(participant, meeting):
        message = "This is a closed session and your delegation is not admitted."
        return JsonResponse({"code": "forbidden", "message": message}, status=403)
    return JsonResponse(media_offer(meeting, participant))
