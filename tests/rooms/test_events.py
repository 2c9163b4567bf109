"""The room events' registry: every event type has one payload class; what ``event_append``
stores reads back as the same payload; nothing else may be appended; no module names an
event type but the registry."""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from pydantic import ValidationError

from server.captions.events import (
    EPHEMERAL_TYPES,
    CaptionFinal,
    CaptionTranslation,
    TranscriptRedone,
)
from server.interpretation.events import BoothChanged
from server.media.events import MediaMuted
from server.negotiation.events import PREFIX, NegotiationChange
from server.negotiation.state import EventKind
from server.rooms.events import (
    EVENT_PAYLOADS,
    AgendaSwitched,
    ChatMessage,
    EventPayload,
    FloorGranted,
    HandLowered,
    HandRaised,
    MeetingStatusChanged,
    ParticipantRef,
    PresenceJoined,
    PresenceLeft,
    SpeakersChanged,
    TimerStarted,
    TimerState,
    TimerStopped,
    UnknownEventType,
    event_payload,
    payload_read,
)
from server.rooms.models import RoomEvent
from server.rooms.services import event_append, room_lock
from server.votes.events import (
    BallotCast,
    DecisionClosed,
    DecisionObjected,
    DecisionOpened,
    DecisionRef,
    RollCalled,
)
from tests.support.builders import conference_build, meeting_build

pytestmark = [pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
# The modules that name event types: the registry (rooms), the captions', the decisions' and
# the media's event kinds.
REGISTRY = {
    ROOT / "server/rooms/events.py",
    ROOT / "server/captions/events.py",
    ROOT / "server/votes/events.py",
    ROOT / "server/media/events.py",
    ROOT / "server/interpretation/events.py",
}

WHO: ParticipantRef = {
    "id": 7,
    "name": "Amina",
    "delegation": "KEN",
    "delegation_name": "Kenya",
    "role": "delegate",
}
TIMER: TimerState = {"limit": 180, "running_since": "2026-12-01T10:00:00+00:00", "elapsed": 12.5}

STOPPED: TimerState = {"limit": None, "running_since": None, "elapsed": 0.0}
DECISION: DecisionRef = {
    "id": 1,
    "kind": "roll_call",
    "subject": "clause",
    "question": "Operative paragraph 3",
    "text": 1,
    "clause": 3,
    "agenda_item": None,
    "majority": "two_thirds",
    "quorum": 5,
    "changes_allowed": False,
    "opened_at": "2026-12-01T10:00:00+00:00",
    "closes_at": None,
    "closed_at": "2026-12-01T10:05:00+00:00",
    "voted": ["KEN"],
    "objections": [],
    "candidates": [],
    "roll_call": {"order": ["KEN", "BRA", "BRA"], "turn": None, "second_call": True},
    "result": {
        "outcome": "no_quorum",
        "yes": 1,
        "no": 0,
        "abstain": 0,
        "required": 1,
        "reached": False,
        "quorum_met": False,
        "in_favour": ["Kenya"],
        "against": [],
        "abstaining": [],
        "not_voting": ["Brazil"],
        "candidates": [{"name": "Ms. Souza", "votes": 0}],
        "elected": None,
        "objections": [],
    },
}


def every_payload() -> list[EventPayload]:
    """One payload of each registered event type."""
    return [
        PresenceJoined(participant=WHO),
        PresenceLeft(participant=WHO),
        ChatMessage(scope="delegation", text="Ça va ✓", delegation="KEN"),
        HandRaised(participant=WHO),
        HandLowered(participant=WHO),
        SpeakersChanged(speakers=[{"entry": 3, "kind": "reply", "participant": WHO}]),
        FloorGranted(holder=WHO, since="2026-12-01T10:00:00+00:00", timer=TIMER),
        FloorGranted(holder=None, since=None, timer=STOPPED),
        TimerStarted(timer=TIMER),
        TimerStopped(timer=STOPPED),
        AgendaSwitched(item={"id": 2, "number": "2", "title": "Budget"}),
        AgendaSwitched(item=None),
        MeetingStatusChanged(status="suspended", previous="open"),
        CaptionFinal(
            segment=1,
            turn=2,
            speaker=WHO,
            language="fr",
            text="Merci.",
            start="2026-12-01T10:00:00+00:00",
            end="2026-12-01T10:00:02+00:00",
            agenda_item=None,
            replaces=[7],
        ),
        CaptionTranslation(segment=1, turn=2, language="en", text="Thanks.", engine="argos"),
        MediaMuted(participant=WHO, muted=True),
        TranscriptRedone(recording=4, turn=2, segments=3, superseded=2),
        DecisionOpened(decision={**DECISION, "closed_at": None, "result": None}),
        DecisionObjected(decision=DECISION),
        BallotCast(decision=DECISION),
        RollCalled(decision=DECISION),
        DecisionClosed(decision=DECISION),
        BoothChanged(
            booth="fr",
            channel=3,
            live=WHO,
            status="live",
            source="es",
            muted=False,
            handover_to=None,
            change="take",
        ),
        *(
            NegotiationChange(
                text=1,
                index=5,
                kind=kind,
                head="ab" * 32,
                delegation=None,
                payload={"clause": 3, "effects": [{"op": "status", "status": "agreed"}]},
            )
            for kind in EventKind
        ),
    ]


def test_every_registered_type_round_trips_through_the_event_log() -> None:
    payloads = every_payload()
    assert {payload.event_type for payload in payloads} == set(EVENT_PAYLOADS)
    meeting = meeting_build(conference_build())
    with transaction.atomic():
        state = room_lock(meeting)
        for payload in payloads:
            event_append(state=state, payload=payload, actor=None)
    stored = RoomEvent.objects.filter(meeting=meeting).order_by("seq")
    assert [event.type for event in stored] == [payload.event_type for payload in payloads]
    assert [event_payload(event.type, event.data) for event in stored] == payloads


def test_the_negotiation_change_is_stored_under_its_kind() -> None:
    change = every_payload()[-1]
    assert isinstance(change, NegotiationChange)
    assert change.event_type == PREFIX + change.kind
    assert EVENT_PAYLOADS[change.event_type] is NegotiationChange


@dataclass(frozen=True)
class Unregistered(EventPayload):
    note: str


def test_an_unregistered_or_ill_typed_payload_is_refused_and_nothing_is_stored() -> None:
    meeting = meeting_build(conference_build())
    ill_typed = [
        ChatMessage(scope="meeting", text=3, delegation=None),  # type: ignore[arg-type]
        ChatMessage(scope="everyone", text="hi", delegation=None),  # type: ignore[arg-type]
        HandRaised(participant={"id": 7}),  # type: ignore[typeddict-item]
        Unregistered(note="not an event"),
    ]
    for payload in ill_typed:
        with pytest.raises(TypeError), transaction.atomic():
            event_append(state=room_lock(meeting), payload=payload, actor=None)
    assert not RoomEvent.objects.filter(meeting=meeting).exists()


def test_stored_data_is_read_only_as_its_type_s_payload() -> None:
    with pytest.raises(UnknownEventType):
        event_payload("hand.waved", {"participant": WHO})
    with pytest.raises(ValidationError):
        event_payload(ChatMessage.TYPES[0], {"scope": "meeting", "text": "no delegation"})
    with pytest.raises(TypeError):
        payload_read(HandLowered, HandRaised.TYPES[0], {"participant": WHO})
    assert payload_read(HandRaised, HandRaised.TYPES[0], {"participant": WHO}).participant == WHO


def test_no_module_names_an_event_type_but_the_registry() -> None:
    """In string literals: Python's quotes, and JavaScript's template literals too (a
    docstring's ``presence.joined`` is documentation, not a copy). Migrations are left out:
    they name models as "app.model" ("interpretation.booth", the booth model)."""
    names = "|".join(re.escape(name) for name in sorted({*EVENT_PAYLOADS, *EPHEMERAL_TYPES}))
    python = re.compile(f"[\"']({names})[\"']")
    javascript = re.compile(f"[\"'`]({names})[\"'`]")
    sources = [
        *((path, python) for path in ROOT.glob("server/**/*.py") if "migrations" not in path.parts),
        *((path, javascript) for path in ROOT.glob("frontend/**/*.js")),
        *((path, javascript) for path in ROOT.glob("frontend/**/*.html")),
    ]
    assert len(sources) > 50
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path, quoted in sources
        if path not in REGISTRY
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if quoted.search(line)
    ]
    assert found == []
