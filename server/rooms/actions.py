"""The room's client operations by name: each parses its ``data`` and calls one service.

Other apps add theirs with ``register``; the consumer runs them all the same way, in the
database thread, after the rate limit and before the acknowledgement.
"""

from collections.abc import Callable

from server.conferences.models import Meeting, Participant

from . import services
from .models import RoomEvent
from .protocol import get_choice, get_int, get_int_list, get_optional_int, get_str

ActionResult = RoomEvent | list[RoomEvent] | None
Action = Callable[[Participant, Meeting, dict[str, object]], ActionResult]

ACTIONS: dict[str, Action] = {}


def register(name: str) -> Callable[[Action], Action]:
    def decorate(action: Action) -> Action:
        if name in ACTIONS:
            raise ValueError(f"room action {name!r} registered twice")
        ACTIONS[name] = action
        return action

    return decorate


SPEAKER_KINDS = tuple(services.Kind.values)


@register("chat.send")
def chat_send(actor: Participant, meeting: Meeting, data: dict[str, object]) -> ActionResult:
    scope = get_choice(data, "scope", ("meeting", "delegation"), "meeting")
    return services.chat_send(actor=actor, meeting=meeting, text=get_str(data, "text"), scope=scope)


@register("hand.raise")
def hand_raise(actor: Participant, meeting: Meeting, data: dict[str, object]) -> ActionResult:
    return services.hand_raise(actor=actor, meeting=meeting)


@register("hand.lower")
def hand_lower(actor: Participant, meeting: Meeting, data: dict[str, object]) -> ActionResult:
    participant_id = get_optional_int(data, "participant")
    target = None if participant_id is None else services.attendee(meeting, participant_id)
    return services.hand_lower(actor=actor, meeting=meeting, participant=target)


@register("floor.request")
def floor_request(actor: Participant, meeting: Meeting, data: dict[str, object]) -> ActionResult:
    kind = get_choice(data, "kind", SPEAKER_KINDS, "speaker")
    return services.floor_request(actor=actor, meeting=meeting, kind=kind)


@register("floor.withdraw")
def floor_withdraw(actor: Participant, meeting: Meeting, data: dict[str, object]) -> ActionResult:
    return services.floor_withdraw(actor=actor, meeting=meeting)


@register("speakers.add")
def speakers_add(actor: Participant, meeting: Meeting, data: dict[str, object]) -> ActionResult:
    return services.speakers_add(
        actor=actor,
        meeting=meeting,
        participant_id=get_int(data, "participant"),
        kind=get_choice(data, "kind", SPEAKER_KINDS, "speaker"),
    )


@register("speakers.remove")
def speakers_remove(actor: Participant, meeting: Meeting, data: dict[str, object]) -> ActionResult:
    return services.speakers_remove(actor=actor, meeting=meeting, entry_id=get_int(data, "entry"))


@register("speakers.reorder")
def speakers_reorder(actor: Participant, meeting: Meeting, data: dict[str, object]) -> ActionResult:
    return services.speakers_reorder(
        actor=actor, meeting=meeting, entry_ids=get_int_list(data, "entries")
    )


@register("floor.give")
def floor_give(actor: Participant, meeting: Meeting, data: dict[str, object]) -> ActionResult:
    return services.floor_give(
        actor=actor, meeting=meeting, participant_id=get_optional_int(data, "participant")
    )


@register("timer.start")
def timer_start(actor: Participant, meeting: Meeting, data: dict[str, object]) -> ActionResult:
    return services.timer_start(actor=actor, meeting=meeting, limit=get_optional_int(data, "limit"))


@register("timer.stop")
def timer_stop(actor: Participant, meeting: Meeting, data: dict[str, object]) -> ActionResult:
    return services.timer_stop(actor=actor, meeting=meeting)


@register("agenda.switch")
def agenda_switch(actor: Participant, meeting: Meeting, data: dict[str, object]) -> ActionResult:
    return services.agenda_switch(actor=actor, meeting=meeting, item_id=get_int(data, "item"))


def _transition(action: str) -> Action:
    def run(actor: Participant, meeting: Meeting, data: dict[str, object]) -> ActionResult:
        return services.meeting_transition(actor=actor, meeting=meeting, action=action)

    return run


for _name in services.TRANSITIONS:
    register(f"meeting.{_name}")(_transition(_name))
