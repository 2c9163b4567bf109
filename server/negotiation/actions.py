"""The negotiation operations on the room socket (and ``POST /api/meetings/<id>/actions/``):
each declares its schema (schemas.py) and calls one service. See docs/protocol.md."""

from django.utils.translation import gettext_lazy as _

from server.common.errors import NotFound
from server.conferences.models import Meeting, Participant
from server.rooms.actions import ActionResult, register

from . import services
from .models import NegotiationText
from .schemas import (
    Add,
    Correct,
    Cosponsor,
    Decide,
    Merge,
    Note,
    Number,
    OnText,
    Position,
    Propose,
    Reject,
    Status,
    Withdraw,
)


def _text(meeting: Meeting, data: OnText) -> NegotiationText:
    text = NegotiationText.objects.filter(pk=data.text, conference_id=meeting.conference_id).first()
    if text is None:
        raise NotFound(_("No text {text} in this conference."), text=data.text)
    return text


@register("negotiation.propose", Propose)
def propose(actor: Participant, meeting: Meeting, data: Propose) -> ActionResult:
    return services.proposal_table(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        kind=data.kind,
        clause=data.clause,
        operation=data.operation,
        base_version=data.base_version,
        rationale=data.rationale,
        cosponsors=data.cosponsors,
        transcript=data.transcript,
    ).room_event


@register("negotiation.accept", Decide)
def accept(actor: Participant, meeting: Meeting, data: Decide) -> ActionResult:
    return services.proposal_accept(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        proposal=data.proposal,
        base_version=data.base_version,
        transcript=data.transcript,
    ).room_event


@register("negotiation.reject", Reject)
def reject(actor: Participant, meeting: Meeting, data: Reject) -> ActionResult:
    return services.proposal_reject(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        proposal=data.proposal,
        base_version=data.base_version,
        reason=data.reason,
        transcript=data.transcript,
    ).room_event


@register("negotiation.withdraw", Withdraw)
def withdraw(actor: Participant, meeting: Meeting, data: Withdraw) -> ActionResult:
    return services.proposal_withdraw(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        proposal=data.proposal,
        base_version=data.base_version,
    ).room_event


@register("negotiation.cosponsor.accept", Cosponsor)
def cosponsor_accept(actor: Participant, meeting: Meeting, data: Cosponsor) -> ActionResult:
    return services.cosponsor_accept(
        actor=actor, meeting=meeting, text=_text(meeting, data), proposal=data.proposal
    ).room_event


@register("negotiation.cosponsor.decline", Cosponsor)
def cosponsor_decline(actor: Participant, meeting: Meeting, data: Cosponsor) -> ActionResult:
    return services.cosponsor_decline(
        actor=actor, meeting=meeting, text=_text(meeting, data), proposal=data.proposal
    ).room_event


@register("negotiation.merge", Merge)
def merge(actor: Participant, meeting: Meeting, data: Merge) -> ActionResult:
    return services.proposal_merge(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        proposal=data.proposal,
        into=data.into,
        base_version=data.base_version,
    ).room_event


@register("negotiation.position", Position)
def position(actor: Participant, meeting: Meeting, data: Position) -> ActionResult:
    return services.position_take(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        target=data.target,
        key=data.id,
        stance=data.stance,
        comment=data.comment,
        base_version=data.base_version,
        transcript=data.transcript,
    ).room_event


@register("negotiation.status", Status)
def status(actor: Participant, meeting: Meeting, data: Status) -> ActionResult:
    return services.clause_status_set(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        clause=data.clause,
        status=data.status,
        base_version=data.base_version,
        transcript=data.transcript,
    ).room_event


@register("negotiation.add", Add)
def add(actor: Participant, meeting: Meeting, data: Add) -> ActionResult:
    return services.clause_add(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        kind=data.kind,
        parent=data.parent,
        after=data.after,
        markup=data.words,
        base_version=data.base_version,
        transcript=data.transcript,
    ).room_event


@register("negotiation.correct", Correct)
def correct(actor: Participant, meeting: Meeting, data: Correct) -> ActionResult:
    return services.clause_correct(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        clause=data.clause,
        old=data.old,
        new=data.new,
        note=data.note,
        base_version=data.base_version,
    ).room_event


@register("negotiation.number", Number)
def number(actor: Participant, meeting: Meeting, data: Number) -> ActionResult:
    return services.clause_number(
        actor=actor,
        meeting=meeting,
        text=_text(meeting, data),
        clause=data.clause,
        label=data.label,
        base_version=data.base_version,
    ).room_event


@register("negotiation.note", Note)
def note(actor: Participant, meeting: Meeting, data: Note) -> ActionResult:
    return services.correction_note(
        actor=actor, meeting=meeting, text=_text(meeting, data), event=data.event, note=data.note
    ).room_event
