"""The speakers' list: participants ask for the floor or withdraw; the presiding officers
inscribe, remove and reorder. Points of order go to the front, everything else to the end."""

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.conferences.models import Meeting, Participant
from server.conferences.roles import check_may_take_floor, check_presiding

from ..events import SpeakersChanged
from ..models import RoomEvent, RoomState, SpeakerEntry
from ..selectors import speakers_ref
from .room import attendee, check_in_session, event_append, room_lock

Kind = SpeakerEntry.Kind


def speakers_changed(state: RoomState, meeting: Meeting, actor: Participant) -> RoomEvent:
    changed = SpeakersChanged(speakers=speakers_ref(meeting))
    return event_append(state=state, payload=changed, actor=actor)


def _inscribe(meeting: Meeting, participant: Participant, kind: str) -> None:
    """Points of order go to the front of the list; everything else to the end."""
    bounds = SpeakerEntry.objects.filter(meeting=meeting).aggregate(
        first=Min("position"), last=Max("position")
    )
    if kind == Kind.POINT_OF_ORDER:
        position = (bounds["first"] or 0) - 1
    else:
        position = (bounds["last"] or 0) + 1
    SpeakerEntry.objects.create(
        meeting=meeting,
        participant=participant,
        kind=kind,
        position=position,
        added_at=timezone.now(),
    )


def _check_kind(kind: str) -> None:
    if kind not in Kind.values:
        raise InvalidInput(
            _("Unknown speaker kind {kind!r}; use one of {kinds}."),
            kind=kind,
            kinds=", ".join(Kind.values),
        )


def floor_request(*, actor: Participant, meeting: Meeting, kind: str) -> RoomEvent:
    """A participant asks to be inscribed on the speakers' list."""
    _check_kind(kind)
    check_may_take_floor(actor)
    if actor.role == Participant.Role.OBSERVER and kind != Kind.SPEAKER:
        raise Forbidden(_("Observers may not raise points of order or reply."))
    with transaction.atomic():
        state = room_lock(meeting)
        check_in_session(meeting)
        if SpeakerEntry.objects.filter(meeting=meeting, participant=actor, kind=kind).exists():
            raise Conflict(_("You are already on the speakers' list for this."))
        _inscribe(meeting, actor, kind)
        return speakers_changed(state, meeting, actor)


def floor_withdraw(*, actor: Participant, meeting: Meeting) -> RoomEvent:
    with transaction.atomic():
        state = room_lock(meeting)
        deleted, _rows = SpeakerEntry.objects.filter(meeting=meeting, participant=actor).delete()
        if not deleted:
            raise Conflict(_("You are not on the speakers' list."))
        return speakers_changed(state, meeting, actor)


def speakers_add(
    *, actor: Participant, meeting: Meeting, participant_id: int, kind: str
) -> RoomEvent:
    check_presiding(actor)
    _check_kind(kind)
    participant = attendee(meeting, participant_id)
    check_may_take_floor(participant)
    with transaction.atomic():
        state = room_lock(meeting)
        _inscribe(meeting, participant, kind)
        return speakers_changed(state, meeting, actor)


def speakers_remove(*, actor: Participant, meeting: Meeting, entry_id: int) -> RoomEvent:
    check_presiding(actor)
    with transaction.atomic():
        state = room_lock(meeting)
        deleted, _rows = SpeakerEntry.objects.filter(meeting=meeting, pk=entry_id).delete()
        if not deleted:
            raise NotFound(_("No entry {entry_id} on the speakers' list."), entry_id=entry_id)
        return speakers_changed(state, meeting, actor)


def speakers_reorder(*, actor: Participant, meeting: Meeting, entry_ids: list[int]) -> RoomEvent:
    """Set the whole order; the list given must name every entry exactly once."""
    check_presiding(actor)
    with transaction.atomic():
        state = room_lock(meeting)
        entries = {e.pk: e for e in SpeakerEntry.objects.filter(meeting=meeting)}
        if sorted(entry_ids) != sorted(entries):
            raise Conflict(
                _(
                    "The new order must list every current entry once; the list has changed "
                    "meanwhile (current entries: {entries})."
                ),
                entries=sorted(entries),
            )
        for position, entry_id in enumerate(entry_ids, start=1):
            entries[entry_id].position = position
        SpeakerEntry.objects.bulk_update(entries.values(), ["position"])
        return speakers_changed(state, meeting, actor)
