"""The decision operations on the room socket (and ``POST /api/meetings/<id>/actions/``):
each declares its schema (schemas.py) and calls one service. See docs/protocol.md."""

from server.conferences.models import Meeting, Participant
from server.rooms.actions import ActionResult, register

from . import services
from .schemas import DecisionPut, OnDecision, Put, VoteCast, VotePut
from .services.opening import Question, Rules


def _question(data: Put) -> Question:
    return Question(
        question=data.question, subject=data.subject, text=data.text, clause=data.clause
    )


@register("decision.open", DecisionPut)
def decision_open(actor: Participant, meeting: Meeting, data: DecisionPut) -> ActionResult:
    return services.decision_open(
        actor=actor, meeting=meeting, question=_question(data), pause=data.pause
    )


@register("decision.object", OnDecision)
def decision_object(actor: Participant, meeting: Meeting, data: OnDecision) -> ActionResult:
    return services.decision_object(actor=actor, meeting=meeting, decision_id=data.decision)


@register("decision.close", OnDecision)
def decision_close(actor: Participant, meeting: Meeting, data: OnDecision) -> ActionResult:
    return services.decision_close(actor=actor, meeting=meeting, decision_id=data.decision)


@register("vote.open", VotePut)
def vote_open(actor: Participant, meeting: Meeting, data: VotePut) -> ActionResult:
    rules = Rules(
        kind=data.kind,
        majority=data.majority,
        quorum=data.quorum,
        changes_allowed=data.changes_allowed,
        duration=data.duration,
    )
    return services.vote_open(
        actor=actor,
        meeting=meeting,
        question=_question(data),
        rules=rules,
        candidates=data.candidates,
    )


@register("vote.cast", VoteCast)
def vote_cast(actor: Participant, meeting: Meeting, data: VoteCast) -> ActionResult:
    return services.vote_cast(
        actor=actor,
        meeting=meeting,
        decision_id=data.decision,
        choice=data.choice,
        candidate=data.candidate,
    )


@register("vote.pass", OnDecision)
def vote_pass(actor: Participant, meeting: Meeting, data: OnDecision) -> ActionResult:
    return services.vote_pass(actor=actor, meeting=meeting, decision_id=data.decision)
