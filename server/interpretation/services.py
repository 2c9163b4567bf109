"""Interpretation's writes: the booth operations (take, handover, release, mute, source),
the listener's channel, and what an interpreter's arrival or departure does to their booths.

Each booth change runs in one transaction under the room's lock and appends one
``interpretation.booth`` event carrying the booth's whole state (broadcast on commit)."""

from collections.abc import Collection

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.conferences.models import Meeting, Participant
from server.conferences.roles import is_interpreter
from server.rooms.models import RoomEvent, RoomState
from server.rooms.services import event_append, presence_hook, room_lock

from .events import BoothChange, BoothChanged
from .models import FLOOR, Booth, BoothConnection, BoothState, ChannelChoice
from .selectors import (
    booth_by_language,
    booth_ref,
    conference_booths,
    connected_participants,
    is_booth_interpreter,
    media_connected,
)


def _booth(meeting: Meeting, language: str) -> Booth:
    booth = booth_by_language(meeting, language)
    if booth is None:
        raise NotFound(_("This conference has no {language!r} booth."), language=language)
    return booth


def _interpreters_booth(meeting: Meeting, language: str, actor: Participant) -> Booth:
    booth = _booth(meeting, language)
    if not is_booth_interpreter(booth, actor):
        raise Forbidden(
            _("Only the interpreters of the {language!r} booth may do this."), language=language
        )
    return booth


def _state_lock(meeting: Meeting, booth: Booth) -> BoothState:
    """The booth's state in this meeting, locked (call under the room's lock)."""
    BoothState.objects.get_or_create(meeting=meeting, booth=booth)
    return (
        BoothState.objects.select_for_update(of=("self",))
        .select_related("live__delegation", "handover_to__delegation")
        .get(meeting=meeting, booth=booth)
    )


def _check_live(state: BoothState, actor: Participant) -> None:
    if state.live_id != actor.pk:
        raise Forbidden(_("Only the interpreter holding the booth's live microphone may do this."))


def _booth_event(
    room: RoomState,
    booth: Booth,
    state: BoothState,
    connected: Collection[int],
    *,
    change: BoothChange,
    actor: Participant,
) -> RoomEvent:
    state.save()
    ref = booth_ref(booth, state, connected)
    return event_append(state=room, payload=BoothChanged(**ref, change=change), actor=actor)


def _live_set(state: BoothState, holder: Participant | None) -> None:
    state.live = holder
    state.live_since = timezone.now() if holder is not None else None
    state.muted = False
    state.handover_to = None


def booth_take(*, actor: Participant, meeting: Meeting, language: str) -> RoomEvent:
    """Take the booth's live microphone: when nobody holds it, when its holder offered it
    to ``actor`` (a handover: the holder is silenced at the same moment) or when its holder
    has gone."""
    booth = _interpreters_booth(meeting, language, actor)
    with transaction.atomic():
        room = room_lock(meeting)
        state = _state_lock(meeting, booth)
        connected = connected_participants(meeting)
        if actor.pk not in connected:
            raise Conflict(_("Open the interpreter console first: you are not connected."))
        if state.live_id == actor.pk:
            raise Conflict(_("You already hold the live microphone."))
        held = state.live_id is not None and state.live_id in connected
        if held and state.handover_to_id != actor.pk:
            holder = state.live.display_name if state.live else ""
            raise Conflict(
                _("{holder} holds the live microphone: ask them for a handover."), holder=holder
            )
        _live_set(state, actor)
        return _booth_event(room, booth, state, connected, change="take", actor=actor)


def _partner(
    booth: Booth, actor: Participant, to: int | None, connected: Collection[int]
) -> Participant:
    partners = [p for p in booth.interpreters.all() if p.pk != actor.pk and p.pk in connected]
    if to is None:
        if not partners:
            raise Conflict(_("No partner of this booth is connected to take over."))
        return partners[0]
    for partner in partners:
        if partner.pk == to:
            return partner
    raise InvalidInput(_("Participant {to} is not a connected partner in this booth."), to=to)


def booth_handover(
    *, actor: Participant, meeting: Meeting, language: str, to: int | None
) -> RoomEvent:
    """The live interpreter offers the microphone to a partner, who takes it with
    ``booth_take``; until then the offerer stays live."""
    booth = _interpreters_booth(meeting, language, actor)
    with transaction.atomic():
        room = room_lock(meeting)
        state = _state_lock(meeting, booth)
        _check_live(state, actor)
        connected = connected_participants(meeting)
        state.handover_to = _partner(booth, actor, to, connected)
        return _booth_event(room, booth, state, connected, change="handover", actor=actor)


def booth_release(*, actor: Participant, meeting: Meeting, language: str) -> RoomEvent:
    """The live interpreter leaves the microphone: the booth goes silent."""
    booth = _interpreters_booth(meeting, language, actor)
    with transaction.atomic():
        room = room_lock(meeting)
        state = _state_lock(meeting, booth)
        _check_live(state, actor)
        _live_set(state, None)
        connected = connected_participants(meeting)
        return _booth_event(room, booth, state, connected, change="release", actor=actor)


def booth_mute(
    *, actor: Participant, meeting: Meeting, language: str, muted: bool
) -> RoomEvent | None:
    """The cough key of the live interpreter; no event when nothing changes."""
    booth = _interpreters_booth(meeting, language, actor)
    with transaction.atomic():
        room = room_lock(meeting)
        state = _state_lock(meeting, booth)
        _check_live(state, actor)
        if state.muted == muted:
            return None
        state.muted = muted
        connected = connected_participants(meeting)
        return _booth_event(room, booth, state, connected, change="mute", actor=actor)


def _check_source(meeting: Meeting, booth: Booth, source: str) -> None:
    """A relay takes another booth of the conference that itself hears the floor, and only
    while no booth relays this one (no chains)."""
    if source == booth.language:
        raise InvalidInput(_("A booth cannot relay its own channel."))
    relayed = _booth(meeting, source)
    relaying = BoothState.objects.filter(meeting=meeting).exclude(source=FLOOR)
    if relaying.filter(booth=relayed).exists():
        raise InvalidInput(
            _(
                "The {source!r} booth relays another booth itself: take the floor or a booth that "
                "hears the floor."
            ),
            source=source,
        )
    if relaying.filter(source=booth.language).exists():
        raise InvalidInput(
            _("Another booth relays the {language!r} booth: it must keep the floor."),
            language=booth.language,
        )


def booth_source(
    *, actor: Participant, meeting: Meeting, language: str, source: str
) -> RoomEvent | None:
    """What the booth hears: the floor, or (relay) another booth's channel. Any interpreter
    of the booth; no event when nothing changes."""
    booth = _interpreters_booth(meeting, language, actor)
    with transaction.atomic():
        room = room_lock(meeting)
        state = _state_lock(meeting, booth)
        if state.source == source:
            return None
        if source != FLOOR:
            _check_source(meeting, booth, source)
        state.source = source
        connected = connected_participants(meeting)
        return _booth_event(room, booth, state, connected, change="source", actor=actor)


def channel_listen(
    *, actor: Participant, meeting: Meeting, channel: str, floor_under: bool
) -> None:
    """The channel ``actor`` listens to, kept for every meeting of the conference: the
    floor ("") or a booth's language. Not a room event: the caller's snapshot has it."""
    if channel != FLOOR:
        _booth(meeting, channel)
    ChannelChoice.objects.update_or_create(
        participant=actor, defaults={"channel": channel, "floor_under": floor_under}
    )


# Interpreters arriving and leaving (room sockets and media sessions)


def interpreter_arrived(
    room: RoomState, meeting: Meeting, interpreter: Participant
) -> list[RoomEvent]:
    """``interpreter`` has just become connected (their first room socket or media session):
    each of their booths that this staffs says so (change "joined")."""
    connected = connected_participants(meeting)
    before = connected - {interpreter.pk}
    events = []
    for booth in conference_booths(meeting.conference_id).filter(interpreters=interpreter):
        state = (
            BoothState.objects.filter(meeting=meeting, booth=booth)
            .select_related("live__delegation", "handover_to__delegation")
            .first()
        )
        if booth_ref(booth, state, before) != booth_ref(booth, state, connected):
            ref = booth_ref(booth, state, connected)
            payload = BoothChanged(**ref, change="joined")
            events.append(event_append(state=room, payload=payload, actor=interpreter))
    return events


def interpreter_gone(
    room: RoomState, meeting: Meeting, interpreter: Participant, *, was_connected: bool
) -> list[RoomEvent]:
    """``interpreter`` lost their booth microphone (their last media session closed, or
    their last connection of any kind): a booth they held goes to a connected partner (the
    one offered a handover first) or falls silent; a handover offered them lapses."""
    connected = connected_participants(meeting)
    before = connected | {interpreter.pk} if was_connected else connected
    hearing = connected - {interpreter.pk}
    events = []
    for booth in conference_booths(meeting.conference_id).filter(interpreters=interpreter):
        state = _state_lock(meeting, booth)
        old = booth_ref(booth, state, before)
        if state.live_id == interpreter.pk:
            offered = state.handover_to
            partners = [p for p in booth.interpreters.all() if p.pk in hearing]
            if offered is not None and offered.pk in hearing:
                partners.insert(0, offered)
            _live_set(state, partners[0] if partners else None)
        elif state.handover_to_id == interpreter.pk:
            state.handover_to = None
        state.save()
        new = booth_ref(booth, state, connected)
        if new != old:
            payload = BoothChanged(**new, change="left")
            events.append(event_append(state=room, payload=payload, actor=interpreter))
    return events


def _interpreter(meeting_id: int, participant_id: int) -> tuple[Meeting, Participant] | None:
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    participant = (
        Participant.objects.select_related("delegation")
        .filter(pk=participant_id, role=Participant.Role.INTERPRETER)
        .first()
    )
    if meeting is None or participant is None:
        return None
    if participant.conference_id != meeting.conference_id:
        return None
    return meeting, participant


def booth_interpreter_connected(meeting_id: int, participant_id: int) -> list[RoomEvent]:
    """Presence hook of the media socket: an interpreter's media session joined one of
    the meeting's booth rooms."""
    found = _interpreter(meeting_id, participant_id)
    if found is None:
        return []
    meeting, interpreter = found
    with transaction.atomic():
        room = room_lock(meeting)
        was_connected = interpreter.pk in connected_participants(meeting)
        row, created = BoothConnection.objects.select_for_update().get_or_create(
            meeting=meeting, participant=interpreter
        )
        if not created:
            row.sessions += 1
            row.save(update_fields=["sessions"])
        if was_connected:
            return []
        return interpreter_arrived(room, meeting, interpreter)


def booth_interpreter_disconnected(meeting_id: int, participant_id: int) -> list[RoomEvent]:
    """Presence hook of the media socket: an interpreter's media session left the booth
    room. Their last one closing takes the live microphone from them (their voice is gone
    even while their room page stays open)."""
    found = _interpreter(meeting_id, participant_id)
    if found is None:
        return []
    meeting, interpreter = found
    with transaction.atomic():
        room = room_lock(meeting)
        row = (
            BoothConnection.objects.select_for_update()
            .filter(meeting=meeting, participant=interpreter)
            .first()
        )
        if row is None:
            return []
        if row.sessions > 1:
            row.sessions -= 1
            row.save(update_fields=["sessions"])
            return []
        row.delete()
        return interpreter_gone(room, meeting, interpreter, was_connected=True)


@presence_hook
def room_presence_changed(room: RoomState, participant: Participant, present: bool) -> None:
    """Room socket presence (``rooms.services.presence`` calls this under the room's lock):
    an interpreter present in the room staffs their booths; one who leaves the room with no
    media session open leaves their booths."""
    if not is_interpreter(participant):
        return
    meeting = Meeting.objects.get(pk=room.pk)
    if participant.pk in media_connected(meeting.pk):
        return
    if present:
        interpreter_arrived(room, meeting, participant)
    else:
        interpreter_gone(room, meeting, participant, was_connected=True)
