"""The room's client operations by name: each declares its input schema and calls one
service with what the schema read.

Other apps add theirs with ``register``; the consumer and the HTTP action view run them all
the same way (``ACTIONS[name](actor, meeting, data)``), in the database thread, after the
rate limit and before the acknowledgement.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from server.common.schemas import NoInput, Operation, operation_parse
from server.conferences.models import Meeting, Participant

from . import services
from .models import RoomEvent
from .schemas import (
    AgendaSwitch,
    ChatSend,
    FloorGive,
    FloorRequest,
    HandLower,
    SpeakersAdd,
    SpeakersRemove,
    SpeakersReorder,
    TimerStart,
)

ActionResult = RoomEvent | list[RoomEvent] | None
Input = TypeVar("Input", bound=Operation)
Run = Callable[[Participant, Meeting, Input], ActionResult]


class Action(Protocol):
    @property
    def schema(self) -> type[Operation]: ...

    def __call__(
        self, actor: Participant, meeting: Meeting, data: Mapping[str, object]
    ) -> ActionResult: ...


@dataclass(frozen=True)
class RoomAction(Generic[Input]):
    """An operation: its schema reads the client's ``data``, ``run`` acts on the result."""

    schema: type[Input]
    run: Run[Input]

    def __call__(
        self, actor: Participant, meeting: Meeting, data: Mapping[str, object]
    ) -> ActionResult:
        return self.run(actor, meeting, operation_parse(self.schema, data))


ACTIONS: dict[str, Action] = {}


def register(name: str, schema: type[Input]) -> Callable[[Run[Input]], Run[Input]]:
    def decorate(run: Run[Input]) -> Run[Input]:
        if name in ACTIONS:
            raise ValueError(f"room action {name!r} registered twice")
        action: RoomAction[Input] = RoomAction(schema, run)
        ACTIONS[name] = action
        return run

    return decorate


@register("chat.send", ChatSend)
def chat_send(actor: Participant, meeting: Meeting, data: ChatSend) -> ActionResult:
    return services.chat_send(actor=actor, meeting=meeting, text=data.text, scope=data.scope)


@register("hand.raise", NoInput)
def hand_raise(actor: Participant, meeting: Meeting, data: NoInput) -> ActionResult:
    return services.hand_raise(actor=actor, meeting=meeting)


@register("hand.lower", HandLower)
def hand_lower(actor: Participant, meeting: Meeting, data: HandLower) -> ActionResult:
    target = None if data.participant is None else services.attendee(meeting, data.participant)
    return services.hand_lower(actor=actor, meeting=meeting, participant=target)


@register("floor.request", FloorRequest)
def floor_request(actor: Participant, meeting: Meeting, data: FloorRequest) -> ActionResult:
    return services.floor_request(actor=actor, meeting=meeting, kind=data.kind)


@register("floor.withdraw", NoInput)
def floor_withdraw(actor: Participant, meeting: Meeting, data: NoInput) -> ActionResult:
    return services.floor_withdraw(actor=actor, meeting=meeting)


@register("speakers.add", SpeakersAdd)
def speakers_add(actor: Participant, meeting: Meeting, data: SpeakersAdd) -> ActionResult:
    return services.speakers_add(
        actor=actor, meeting=meeting, participant_id=data.participant, kind=data.kind
    )


@register("speakers.remove", SpeakersRemove)
def speakers_remove(actor: Participant, meeting: Meeting, data: SpeakersRemove) -> ActionResult:
    return services.speakers_remove(actor=actor, meeting=meeting, entry_id=data.entry)


@register("speakers.reorder", SpeakersReorder)
def speakers_reorder(actor: Participant, meeting: Meeting, data: SpeakersReorder) -> ActionResult:
    return services.speakers_reorder(actor=actor, meeting=meeting, entry_ids=data.entries)


@register("floor.give", FloorGive)
def floor_give(actor: Participant, meeting: Meeting, data: FloorGive) -> ActionResult:
    return services.floor_give(actor=actor, meeting=meeting, participant_id=data.participant)


@register("timer.start", TimerStart)
def timer_start(actor: Participant, meeting: Meeting, data: TimerStart) -> ActionResult:
    return services.timer_start(actor=actor, meeting=meeting, limit=data.limit)


@register("timer.stop", NoInput)
def timer_stop(actor: Participant, meeting: Meeting, data: NoInput) -> ActionResult:
    return services.timer_stop(actor=actor, meeting=meeting)


@register("agenda.switch", AgendaSwitch)
def agenda_switch(actor: Participant, meeting: Meeting, data: AgendaSwitch) -> ActionResult:
    return services.agenda_switch(actor=actor, meeting=meeting, item_id=data.item)


def _transition(action: str) -> Run[NoInput]:
    def run(actor: Participant, meeting: Meeting, data: NoInput) -> ActionResult:
        return services.meeting_transition(actor=actor, meeting=meeting, action=action)

    return run


for _name in services.TRANSITIONS:
    register(f"meeting.{_name}", NoInput)(_transition(_name))
