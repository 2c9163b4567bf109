"""Reads of room state, shaped for the wire. No writes here."""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypedDict, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from server.conferences.models import AgendaItem, Delegation, Meeting, Participant
from server.conferences.roles import may_attend

from .events import (
    PROTOCOL_VERSION,
    AgendaRef,
    ChatMessage,
    EventPayload,
    LayerEvent,
    ParticipantRef,
    SpeakerRef,
    TimerState,
    WireEvent,
    encode,
    event_payload,
    payload_read,
)
from .models import FloorTurn, RaisedHand, RoomConnection, RoomEvent, RoomState, SpeakerEntry

CHAT_HISTORY = 50


def participant_ref(participant: Participant) -> ParticipantRef:
    delegation = participant.delegation
    return {
        "id": participant.pk,
        "name": participant.display_name,
        "delegation": delegation.code if delegation else None,
        "delegation_name": delegation.name if delegation else None,
        "role": participant.role,
    }


def agenda_ref(item: AgendaItem) -> AgendaRef:
    return {"id": item.pk, "number": item.number, "title": item.title}


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def timer_state(state: RoomState) -> TimerState:
    return {
        "limit": state.timer_limit_seconds,
        "running_since": iso(state.timer_started_at),
        "elapsed": round(state.timer_elapsed_seconds, 3),
    }


def speakers_ref(meeting: Meeting) -> list[SpeakerRef]:
    entries = SpeakerEntry.objects.filter(meeting=meeting).select_related("participant__delegation")
    return [
        {"entry": e.pk, "kind": e.kind, "participant": participant_ref(e.participant)}
        for e in entries
    ]


def event_wire(event: RoomEvent, *, sealed: bool) -> WireEvent:
    wire: WireEvent = {
        "v": PROTOCOL_VERSION,
        "type": "sealed" if sealed else event.type,
        "seq": event.seq,
        "ts": event.created_at.isoformat(),
    }
    if not sealed:
        wire["actor"] = participant_ref(event.actor) if event.actor else None
        wire["data"] = event.data
    return wire


def layer_event(event: RoomEvent) -> LayerEvent:
    """The event encoded once for all readers: in full, and sealed when it has an audience."""
    return {
        "type": "room.event",
        "meeting": event.meeting_id,
        "seq": event.seq,
        "text": encode(event_wire(event, sealed=False)),
        "sealed": encode(event_wire(event, sealed=True)) if event.audience_id else None,
        "audience": event.audience_id,
    }


def layer_events_between(meeting_id: int, after_seq: int, until: int) -> list[LayerEvent]:
    events = (
        RoomEvent.objects.filter(meeting_id=meeting_id, seq__gt=after_seq, seq__lte=until)
        .select_related("actor__delegation")
        .order_by("seq")
    )
    return [layer_event(e) for e in events]


def is_sealed_for(event: RoomEvent, participant: Participant) -> bool:
    return event.audience_id is not None and event.audience_id != participant.delegation_id


def events_after(
    meeting: Meeting,
    participant: Participant,
    after_seq: int,
    *,
    limit: int,
    until: int | None = None,
) -> list[WireEvent]:
    """Events with ``after_seq < seq <= until`` in order, sealed where not for this reader."""
    events = RoomEvent.objects.filter(meeting=meeting, seq__gt=after_seq)
    if until is not None:
        events = events.filter(seq__lte=until)
    events = events.select_related("actor__delegation").order_by("seq")[:limit]
    return [event_wire(e, sealed=is_sealed_for(e, participant)) for e in events]


def events_encoded(
    meeting: Meeting, participant: Participant, after_seq: int, until: int
) -> list[str]:
    """The wire text of the events in ``(after_seq, until]``, as ``participant`` sees them."""
    events = events_after(meeting, participant, after_seq, limit=until - after_seq, until=until)
    return [encode(e) for e in events]


def room_last_seq(meeting: Meeting) -> int:
    last = RoomState.objects.filter(meeting=meeting).values_list("last_seq", flat=True).first()
    return last or 0


def present_participants(meeting: Meeting) -> QuerySet[Participant]:
    ids = RoomConnection.objects.filter(meeting=meeting).values("participant_id")
    return Participant.objects.filter(pk__in=ids).select_related("delegation")


class ChatLineData(TypedDict):
    scope: Literal["meeting", "delegation"]
    text: str
    delegation: str | None


class ChatLine(TypedDict):
    seq: int
    ts: str
    actor: ParticipantRef | None
    data: ChatLineData


def recent_chat(meeting: Meeting, participant: Participant) -> list[ChatLine]:
    events = (
        RoomEvent.objects.filter(meeting=meeting, type__in=ChatMessage.TYPES)
        .select_related("actor__delegation")
        .order_by("-seq")[:CHAT_HISTORY]
    )
    visible = [e for e in events if not is_sealed_for(e, participant)]
    return [_chat_line(e) for e in reversed(visible)]


def _chat_line(event: RoomEvent) -> ChatLine:
    message = payload_read(ChatMessage, event.type, event.data)
    return {
        "seq": event.seq,
        "ts": event.created_at.isoformat(),
        "actor": participant_ref(event.actor) if event.actor else None,
        "data": {"scope": message.scope, "text": message.text, "delegation": message.delegation},
    }


SnapshotPart = Callable[[Meeting, Participant, int], object]
# Other apps add to the snapshot (captions adds "captions"): name → reader of that part as
# of the snapshot's ``seq``.
SNAPSHOT_PARTS: dict[str, SnapshotPart] = {}


Part = TypeVar("Part", bound=SnapshotPart)


def snapshot_part(name: str) -> Callable[[Part], Part]:
    def decorate(part: Part) -> Part:
        if name in SNAPSHOT_PARTS:
            raise ValueError(f"snapshot part {name!r} registered twice")
        SNAPSHOT_PARTS[name] = part
        return part

    return decorate


class Snapshot(TypedDict):
    v: int
    type: str
    seq: int
    meeting: dict[str, object]
    you: ParticipantRef
    presence: list[ParticipantRef]
    speakers: list[SpeakerRef]
    hands: list[ParticipantRef]
    floor: dict[str, object]
    agenda: list[AgendaRef]
    agenda_item: AgendaRef | None
    chat: list[ChatLine]
    parts: dict[str, object]


def room_snapshot(meeting: Meeting, participant: Participant) -> Snapshot:
    """Everything a client needs to draw the room, consistent as of ``seq``."""
    state = RoomState.objects.select_related("floor_holder__delegation", "agenda_item").get(
        meeting=meeting
    )
    meeting.refresh_from_db(fields=["status"])
    hands = RaisedHand.objects.filter(meeting=meeting).select_related("participant__delegation")
    return {
        "v": PROTOCOL_VERSION,
        "type": "snapshot",
        "seq": state.last_seq,
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "symbol": meeting.symbol,
            "kind": meeting.kind,
            "status": meeting.status,
            "speaking_time": meeting.speaking_time_seconds,
        },
        "you": participant_ref(participant),
        "presence": [participant_ref(p) for p in present_participants(meeting)],
        "speakers": speakers_ref(meeting),
        "hands": [participant_ref(h.participant) for h in hands],
        "floor": {
            "holder": participant_ref(state.floor_holder) if state.floor_holder else None,
            "since": iso(state.floor_since),
            "timer": timer_state(state),
        },
        "agenda": [agenda_ref(i) for i in meeting.agenda_items.all()],
        "agenda_item": agenda_ref(state.agenda_item) if state.agenda_item else None,
        "chat": recent_chat(meeting, participant),
        "parts": {
            name: part(meeting, participant, state.last_seq)
            for name, part in SNAPSHOT_PARTS.items()
        },
    }


def participant_for(user: AbstractBaseUser | AnonymousUser, meeting: Meeting) -> Participant | None:
    if not user.is_authenticated:
        return None
    return (
        Participant.objects.select_related("delegation")
        .filter(user_id=user.pk, conference_id=meeting.conference_id)
        .first()
    )


def meetings_for(user: AbstractBaseUser | AnonymousUser) -> list[tuple[Meeting, Participant]]:
    """The meetings this user may attend, with the participant they attend as."""
    if not user.is_authenticated:
        return []
    participants: Iterable[Participant] = Participant.objects.filter(
        user_id=user.pk
    ).select_related("delegation")
    result: list[tuple[Meeting, Participant]] = []
    for participant in participants:
        meetings = (
            Meeting.objects.filter(conference_id=participant.conference_id)
            .select_related("conference")
            .prefetch_related("admitted_delegations")
        )
        result.extend((m, participant) for m in meetings if may_attend(participant, m))
    return result


# What happened in a meeting, for its record (the minutes read rooms only through these)


@dataclass(frozen=True)
class Happening:
    """A room event as the record reads it: its actor comes with their delegation."""

    at: datetime
    actor: Participant | None
    payload: EventPayload


def meeting_happenings(meeting: Meeting, kinds: Collection[type[EventPayload]]) -> list[Happening]:
    """The meeting's events with payloads of these kinds, in order, in one query."""
    types = [name for kind in kinds for name in kind.TYPES]
    events = (
        RoomEvent.objects.filter(meeting=meeting, type__in=types)
        .select_related("actor__delegation")
        .order_by("seq")
    )
    return [
        Happening(event.created_at, event.actor, event_payload(event.type, event.data))
        for event in events
    ]


@dataclass(frozen=True)
class Turn:
    """A floor turn: who spoke (and for which delegation), when, under which agenda item."""

    id: int
    kind: str
    participant: Participant
    delegation: Delegation | None
    agenda_item_id: int | None
    started_at: datetime
    ended_at: datetime | None

    @property
    def point_of_order(self) -> bool:
        return self.kind == SpeakerEntry.Kind.POINT_OF_ORDER


def floor_turns(meeting: Meeting) -> list[Turn]:
    """The meeting's floor turns in the order they were given, in one query."""
    turns = (
        FloorTurn.objects.filter(meeting=meeting)
        .select_related("participant", "delegation")
        .order_by("started_at", "id")
    )
    return [
        Turn(
            turn.pk,
            turn.kind,
            turn.participant,
            turn.delegation,
            turn.agenda_item_id,
            turn.started_at,
            turn.ended_at,
        )
        for turn in turns
    ]


def floor_turn_exists(meeting_id: int, turn_id: int) -> bool:
    return FloorTurn.objects.filter(pk=turn_id, meeting_id=meeting_id).exists()
