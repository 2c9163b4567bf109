"""The negotiation operations on the room socket (and ``POST /api/meetings/<id>/actions/``):
each parses its ``data`` and calls one service. See docs/protocol.md."""

from server.common.errors import InvalidInput, NotFound
from server.conferences.models import Meeting, Participant
from server.rooms.actions import ActionResult, register
from server.rooms.protocol import get_int, get_optional_int, get_str

from . import services
from .models import NegotiationText
from .services import Transcript

Data = dict[str, object]


def _text(meeting: Meeting, data: Data) -> NegotiationText:
    text_id = get_int(data, "text")
    text = NegotiationText.objects.filter(pk=text_id, conference_id=meeting.conference_id).first()
    if text is None:
        raise NotFound(f"No text {text_id} in this conference.")
    return text


def _optional_str(data: Data, name: str) -> str:
    return "" if data.get(name) is None else get_str(data, name)


def _transcript(data: Data) -> Transcript:
    value = data.get("transcript")
    if value is None:
        return None
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        return float(value[0]), float(value[1])
    raise InvalidInput("'transcript' is a pair [from, to] of seconds.")


def _codes(data: Data, name: str) -> list[str]:
    value = data.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"'{name}' is a list of delegation codes.")
    return [str(v) for v in value]


def _operation(data: Data) -> dict[str, object]:
    value = data.get("operation") or {}
    if not isinstance(value, dict):
        raise InvalidInput("'operation' is an object.")
    return {str(k): v for k, v in value.items()}


@register("negotiation.propose")
def propose(actor: Participant, meeting: Meeting, data: Data) -> ActionResult:
    event = services.proposal_table(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        kind=get_str(data, "kind"),
        clause=get_optional_int(data, "clause"),
        operation=_operation(data),
        base_version=get_int(data, "base_version"),
        rationale=_optional_str(data, "rationale"),
        cosponsors=_codes(data, "cosponsors"),
        transcript=_transcript(data),
    )
    return event.room_event


@register("negotiation.accept")
def accept(actor: Participant, meeting: Meeting, data: Data) -> ActionResult:
    return services.proposal_accept(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        proposal=get_int(data, "proposal"),
        base_version=get_int(data, "base_version"),
        transcript=_transcript(data),
    ).room_event


@register("negotiation.reject")
def reject(actor: Participant, meeting: Meeting, data: Data) -> ActionResult:
    return services.proposal_reject(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        proposal=get_int(data, "proposal"),
        base_version=get_int(data, "base_version"),
        reason=_optional_str(data, "reason"),
        transcript=_transcript(data),
    ).room_event


@register("negotiation.withdraw")
def withdraw(actor: Participant, meeting: Meeting, data: Data) -> ActionResult:
    return services.proposal_withdraw(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        proposal=get_int(data, "proposal"),
        base_version=get_int(data, "base_version"),
    ).room_event


@register("negotiation.cosponsor.accept")
def cosponsor_accept(actor: Participant, meeting: Meeting, data: Data) -> ActionResult:
    return services.cosponsor_accept(
        actor=actor, meeting=meeting, text=_text(meeting, data), proposal=get_int(data, "proposal")
    ).room_event


@register("negotiation.cosponsor.decline")
def cosponsor_decline(actor: Participant, meeting: Meeting, data: Data) -> ActionResult:
    return services.cosponsor_decline(
        actor=actor, meeting=meeting, text=_text(meeting, data), proposal=get_int(data, "proposal")
    ).room_event


@register("negotiation.merge")
def merge(actor: Participant, meeting: Meeting, data: Data) -> ActionResult:
    return services.proposal_merge(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        proposal=get_int(data, "proposal"),
        into=get_int(data, "into"),
        base_version=get_int(data, "base_version"),
    ).room_event


@register("negotiation.position")
def position(actor: Participant, meeting: Meeting, data: Data) -> ActionResult:
    return services.position_take(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        target=get_str(data, "target"),
        key=get_int(data, "id"),
        stance=get_str(data, "stance"),
        comment=_optional_str(data, "comment"),
        base_version=get_int(data, "base_version"),
        transcript=_transcript(data),
    ).room_event


@register("negotiation.status")
def status(actor: Participant, meeting: Meeting, data: Data) -> ActionResult:
    return services.clause_status_set(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        clause=get_int(data, "clause"),
        status=get_str(data, "status"),
        base_version=get_int(data, "base_version"),
        transcript=_transcript(data),
    ).room_event


@register("negotiation.add")
def add(actor: Participant, meeting: Meeting, data: Data) -> ActionResult:
    return services.clause_add(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        kind=get_str(data, "kind"),
        parent=get_optional_int(data, "parent"),
        after=get_optional_int(data, "after"),
        markup=get_str(data, "words"),
        base_version=get_int(data, "base_version"),
        transcript=_transcript(data),
    ).room_event


@register("negotiation.correct")
def correct(actor: Participant, meeting: Meeting, data: Data) -> ActionResult:
    return services.clause_correct(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        clause=get_int(data, "clause"),
        old=get_str(data, "old"),
        new=get_str(data, "new"),
        note=_optional_str(data, "note"),
        base_version=get_int(data, "base_version"),
    ).room_event


@register("negotiation.number")
def number(actor: Participant, meeting: Meeting, data: Data) -> ActionResult:
    return services.clause_number(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        clause=get_int(data, "clause"),
        label=get_str(data, "label"),
        base_version=get_int(data, "base_version"),
    ).room_event


@register("negotiation.note")
def note(actor: Participant, meeting: Meeting, data: Data) -> ActionResult:
    return services.correction_note(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        event=get_int(data, "event"),
        note=get_str(data, "note"),
    ).room_event
