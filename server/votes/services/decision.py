"""What every decision service shares: the decision under the room's lock, the checks of
its state, and its room event."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.common.errors import Conflict, NotFound
from server.conferences.models import Meeting, Participant
from server.rooms.models import RoomEvent, RoomState
from server.rooms.services import event_append

from ..events import DecisionNoted
from ..models import Decision
from ..selectors import decision_fresh, decision_ref


def decision_in(meeting: Meeting, decision_id: int) -> Decision:
    """The meeting's decision (its row locked: call under the room's lock)."""
    decision = Decision.objects.select_for_update().filter(pk=decision_id, meeting=meeting).first()
    if decision is None:
        raise NotFound(_("No decision {decision_id} in this meeting."), decision_id=decision_id)
    return decision


def check_open(decision: Decision) -> None:
    if not decision.is_open:
        raise Conflict(_("Decision {decision_id} is closed."), decision_id=decision.pk)


def check_in_time(decision: Decision) -> None:
    if decision.closes_at is not None and timezone.now() >= decision.closes_at:
        raise Conflict(_("The time for voting has run out; the presiding officer closes the vote."))


def decision_announce(
    state: RoomState, decision: Decision, event: type[DecisionNoted], actor: Participant
) -> RoomEvent:
    """Append the event carrying the decision's public state as it is now."""
    payload = event(decision=decision_ref(decision_fresh(decision)))
    return event_append(state=state, payload=payload, actor=actor)
