"""Reads of decisions, no writes: a decision's public state (what the room events carry and
the snapshot holds), the delegations that vote in a meeting, and the decisions of a meeting
for its record (the minutes read votes only through these)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from pydantic import TypeAdapter
from typing_extensions import TypedDict

from server.conferences.models import Delegation, Meeting, Participant
from server.rooms.selectors import iso, snapshot_part

from .events import DecisionRef, ResultRef, RollCall
from .models import Ballot, Decision, Objection, Voter

_RESULT = TypeAdapter(ResultRef)


def voting_delegations(meeting: Meeting) -> list[Delegation]:
    """The delegations that vote in this meeting, by name: every delegation of the conference
    that is not an observer (in a closed session, those admitted to it)."""
    delegations = Delegation.objects.filter(conference_id=meeting.conference_id).exclude(
        kind=Delegation.Kind.OBSERVER
    )
    if meeting.kind == Meeting.Kind.CLOSED:
        delegations = delegations.filter(admitted_meetings=meeting)
    return list(delegations.order_by("name", "id"))


def decisions_with_parts() -> QuerySet[Decision]:
    """Decisions with what ``decision_ref`` reads, in four queries however many."""
    return Decision.objects.prefetch_related(
        Prefetch("ballots", queryset=Ballot.objects.select_related("delegation")),
        Prefetch("voters", queryset=Voter.objects.select_related("delegation")),
        Prefetch("objections", queryset=Objection.objects.select_related("delegation")),
        "candidates",
    )


def decision_fresh(decision: Decision) -> Decision:
    return decisions_with_parts().get(pk=decision.pk)


def result_read(decision: Decision) -> ResultRef | None:
    return None if decision.result is None else _RESULT.validate_python(decision.result)


def _roll_call(decision: Decision) -> RollCall | None:
    if decision.kind != Decision.Kind.ROLL_CALL:
        return None
    order = [str(code) for code in decision.roll]
    turn = order[decision.turn] if decision.is_open and decision.turn < len(order) else None
    return {"order": order, "turn": turn, "second_call": decision.turn >= decision.first_calls}


def decision_ref(decision: Decision) -> DecisionRef:
    """The decision as everyone may see it now: while open, who has voted and who objected,
    never how anyone voted. ``decision`` comes from ``decisions_with_parts``."""
    if decision.is_secret:
        voted = [voter.delegation.code for voter in decision.voters.all()]
    else:
        voted = [ballot.delegation.code for ballot in decision.ballots.all()]
    return {
        "id": decision.pk,
        "kind": decision.kind,
        "subject": decision.subject,
        "question": decision.question,
        "text": decision.text_id,
        "clause": decision.clause,
        "agenda_item": decision.agenda_item_id,
        "majority": decision.majority,
        "quorum": decision.quorum,
        "changes_allowed": decision.changes_allowed,
        "opened_at": iso(decision.opened_at) or "",
        "closes_at": iso(decision.closes_at),
        "closed_at": iso(decision.closed_at),
        "voted": sorted(voted),
        "objections": [objection.delegation.code for objection in decision.objections.all()],
        "candidates": [candidate.name for candidate in decision.candidates.all()],
        "roll_call": _roll_call(decision),
        "result": result_read(decision),
    }


class VotesPart(TypedDict):
    decisions: list[DecisionRef]


def meeting_decision_refs(meeting: Meeting) -> list[DecisionRef]:
    """Every decision of the meeting, as everyone may see it now."""
    decisions = decisions_with_parts().filter(meeting=meeting).order_by("id")
    return [decision_ref(decision) for decision in decisions]


@snapshot_part("votes")
def votes_snapshot(meeting: Meeting, participant: Participant, seq: int) -> VotesPart:
    """Every decision of the meeting, as of the snapshot (taken under its ``seq``)."""
    return {"decisions": meeting_decision_refs(meeting)}


# The record (the minutes read decisions only through these)


@dataclass(frozen=True)
class DecisionTaken:
    """A closed decision as the record shows it."""

    id: int
    kind: str
    subject: str
    question: str
    majority: str
    agenda_item_id: int | None
    at: datetime
    result: ResultRef


def meeting_decisions(meeting: Meeting) -> list[DecisionTaken]:
    """The decisions the meeting took (closed ones), in the order they were closed."""
    closed: Iterable[Decision] = Decision.objects.filter(
        meeting=meeting, closed_at__isnull=False
    ).order_by("closed_at", "id")
    return [
        DecisionTaken(
            id=decision.pk,
            kind=decision.kind,
            subject=decision.subject,
            question=decision.question,
            majority=decision.majority,
            agenda_item_id=decision.agenda_item_id,
            at=decision.closed_at,
            result=result,
        )
        for decision in closed
        if decision.closed_at is not None and (result := result_read(decision)) is not None
    ]
