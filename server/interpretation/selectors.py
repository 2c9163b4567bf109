"""Reads of interpretation, no writes: a conference's booths, each booth's state in a
meeting as the room events carry it and the snapshot holds it, who is connected, each
participant's channel, and the booth log for the record (the media plane, the pages and
the minutes read interpretation only through these)."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from typing_extensions import TypedDict

from server.conferences.models import Meeting, Participant
from server.rooms.models import RoomConnection
from server.rooms.selectors import meeting_happenings, participant_ref, snapshot_part

from .events import BoothChanged, BoothRef, BoothStatus
from .models import FLOOR, Booth, BoothConnection, BoothState, ChannelChoice


def conference_booths(conference_id: int) -> QuerySet[Booth]:
    """The conference's booths by channel, with their interpreters (two queries)."""
    interpreters = Participant.objects.select_related("delegation").order_by("display_name", "id")
    return (
        Booth.objects.filter(conference_id=conference_id)
        .prefetch_related(Prefetch("interpreters", queryset=interpreters))
        .order_by("channel")
    )


def booth_by_language(meeting: Meeting, language: str) -> Booth | None:
    """The meeting's conference's booth into ``language``, with its interpreters."""
    return conference_booths(meeting.conference_id).filter(language=language).first()


def is_booth_interpreter(booth: Booth, participant: Participant) -> bool:
    """``participant`` is one of the interpreters assigned to ``booth`` (prefetched)."""
    return any(interpreter.pk == participant.pk for interpreter in booth.interpreters.all())


def participant_booths(participant: Participant) -> list[str]:
    """The languages of the booths ``participant`` is assigned to, by channel."""
    booths = Booth.objects.filter(interpreters=participant).order_by("channel")
    return list(booths.values_list("language", flat=True))


def media_connected(meeting_id: int) -> set[int]:
    """The interpreters with an open media session in one of the meeting's booth rooms."""
    rows = BoothConnection.objects.filter(meeting_id=meeting_id, sessions__gt=0)
    return set(rows.values_list("participant_id", flat=True))


def connected_participants(meeting: Meeting) -> set[int]:
    """Who counts as connected for a booth (one query): a media session in a booth room,
    or a socket in the room (an interpreter at the console has both; either staffs the
    booth)."""
    media = BoothConnection.objects.filter(meeting=meeting, sessions__gt=0)
    room = RoomConnection.objects.filter(meeting=meeting)
    ids = media.values_list("participant_id", flat=True).union(
        room.values_list("participant_id", flat=True)
    )
    return set(ids)


def booth_states(meeting: Meeting) -> dict[int, BoothState]:
    """The meeting's booth states by booth id (a booth without a row has none yet)."""
    states = BoothState.objects.filter(meeting=meeting).select_related(
        "live__delegation", "handover_to__delegation"
    )
    return {state.booth_id: state for state in states}


def booth_status(booth: Booth, state: BoothState | None, connected: Collection[int]) -> BoothStatus:
    if state is not None and state.live_id is not None and state.live_id in connected:
        return "live"
    if any(interpreter.pk in connected for interpreter in booth.interpreters.all()):
        return "silent"
    return "unstaffed"


def booth_ref(booth: Booth, state: BoothState | None, connected: Collection[int]) -> BoothRef:
    """One booth as everyone sees it now. ``booth`` comes from ``conference_booths``."""
    live = state.live if state is not None else None
    handover_to = state.handover_to if state is not None else None
    return {
        "booth": booth.language,
        "channel": booth.channel,
        "live": participant_ref(live) if live is not None else None,
        "status": booth_status(booth, state, connected),
        "source": state.source if state is not None else FLOOR,
        "muted": state.muted if state is not None else False,
        "handover_to": participant_ref(handover_to) if handover_to is not None else None,
    }


def meeting_booth_refs(meeting: Meeting, booths: Iterable[Booth] | None = None) -> list[BoothRef]:
    """Every booth of the meeting's conference (``booths``, from ``conference_booths``), by
    channel, as everyone sees it now: no more queries when it has none."""
    booths = list(conference_booths(meeting.conference_id) if booths is None else booths)
    if not booths:
        return []
    states = booth_states(meeting)
    connected = connected_participants(meeting)
    return [booth_ref(booth, states.get(booth.pk), connected) for booth in booths]


@dataclass(frozen=True)
class BoothLive:
    """Who the media plane lets be heard on a booth's channel, and what the booth hears."""

    language: str
    channel: int
    live: int | None  # the participant holding the live microphone
    muted: bool
    source: str


def booths_live(meeting: Meeting) -> list[BoothLive]:
    """Each booth of the meeting by channel: its live holder, muted and source (the media
    plane unmutes only a live holder who is not muted)."""
    states = booth_states(meeting)
    result = []
    for booth in Booth.objects.filter(conference_id=meeting.conference_id).order_by("channel"):
        state = states.get(booth.pk)
        result.append(
            BoothLive(
                language=booth.language,
                channel=booth.channel,
                live=state.live_id if state is not None else None,
                muted=state.muted if state is not None else False,
                source=state.source if state is not None else FLOOR,
            )
        )
    return result


class Choice(TypedDict):
    channel: str
    floor_under: bool


def channel_choice(participant: Participant) -> Choice:
    """The channel ``participant`` listens to ("" the floor) and whether the floor plays
    underneath."""
    choice = ChannelChoice.objects.filter(participant=participant).first()
    if choice is None:
        return {"channel": FLOOR, "floor_under": False}
    return {"channel": choice.channel, "floor_under": choice.floor_under}


class InterpretationPart(TypedDict):
    booths: list[BoothRef]
    my_channel: str
    floor_under: bool
    my_booths: list[str]


@snapshot_part("interpretation")
def interpretation_snapshot(
    meeting: Meeting, participant: Participant, seq: int
) -> InterpretationPart:
    """The booths as of the snapshot (taken under its ``seq``), the participant's channel
    and, for an interpreter, the booths they serve."""
    booths = list(conference_booths(meeting.conference_id))
    choice = channel_choice(participant)
    return {
        "booths": meeting_booth_refs(meeting, booths),
        "my_channel": choice["channel"],
        "floor_under": choice["floor_under"],
        "my_booths": [b.language for b in booths if is_booth_interpreter(b, participant)],
    }


# The booth log, for the record (the minutes read interpretation only through these)


@dataclass(frozen=True)
class BoothShift:
    """An interpreter holding a booth's live microphone, from ``began`` to ``ended`` (None:
    still holding it)."""

    interpreter: Participant
    began: datetime
    ended: datetime | None
    handover: bool  # taken over from the previous holder at that very moment


@dataclass(frozen=True)
class BoothRelay:
    """A booth hearing another booth's channel instead of the floor."""

    source: str
    began: datetime
    ended: datetime | None


@dataclass(frozen=True)
class BoothLog:
    """Who interpreted in one booth when, with the handovers and relays: for the
    secretariat, from the meeting's ``interpretation.booth`` events."""

    booth: str
    shifts: tuple[BoothShift, ...]
    relays: tuple[BoothRelay, ...]


class _BoothLogBuilder:
    def __init__(self, booth: str) -> None:
        self.booth = booth
        self.shifts: list[BoothShift] = []
        self.relays: list[BoothRelay] = []

    def live(self, interpreter: Participant | None, at: datetime) -> None:
        current = self.shifts[-1] if self.shifts and self.shifts[-1].ended is None else None
        if (current.interpreter.pk if current else None) == (
            interpreter.pk if interpreter else None
        ):
            return
        if current is not None:
            self.shifts[-1] = replace(current, ended=at)
        if interpreter is not None:
            self.shifts.append(BoothShift(interpreter, at, None, handover=current is not None))

    def source(self, source: str, at: datetime) -> None:
        current = self.relays[-1] if self.relays and self.relays[-1].ended is None else None
        if (current.source if current else FLOOR) == source:
            return
        if current is not None:
            self.relays[-1] = replace(current, ended=at)
        if source != FLOOR:
            self.relays.append(BoothRelay(source, at, None))

    def log(self) -> BoothLog:
        return BoothLog(self.booth, tuple(self.shifts), tuple(self.relays))


def meeting_booth_log(meeting: Meeting) -> list[BoothLog]:
    """Each booth that was live or relayed in the meeting, by channel (three queries)."""
    happenings = meeting_happenings(meeting, [BoothChanged])
    ids = {
        h.payload.live["id"]
        for h in happenings
        if isinstance(h.payload, BoothChanged) and h.payload.live
    }
    interpreters = Participant.objects.select_related("delegation").in_bulk(ids)
    builders: dict[str, _BoothLogBuilder] = {}
    channels: dict[str, int] = {}
    for happening in happenings:
        payload = happening.payload
        if not isinstance(payload, BoothChanged):
            continue
        builder = builders.setdefault(payload.booth, _BoothLogBuilder(payload.booth))
        channels[payload.booth] = payload.channel
        live = interpreters.get(payload.live["id"]) if payload.live else None
        builder.live(live, happening.at)
        builder.source(payload.source, happening.at)
    logs = [builders[booth].log() for booth in sorted(builders, key=channels.__getitem__)]
    return [log for log in logs if log.shifts or log.relays]
