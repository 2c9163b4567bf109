"""A decision's result from what was cast: the majority required and whether it was reached.
Pure functions; the close (services) stores what they give, the record shows it.

Members present and voting are those voting yes or no (for an election: for a candidate);
abstentions and blank ballots count for the quorum only, as in the UN's rules of procedure.
"""

from dataclasses import dataclass

from .events import ResultRef, Tally
from .models import Decision

Majority = Decision.Majority
Outcome = Decision.Outcome


def required_votes(majority: str, present_and_voting: int) -> int:
    """Votes needed: more than half, or two thirds, of those present and voting (at least 1)."""
    if majority == Majority.TWO_THIRDS:
        return max(1, (2 * present_and_voting + 2) // 3)
    return present_and_voting // 2 + 1


@dataclass(frozen=True)
class Counted:
    """A recorded, roll-call or show-of-hands vote: delegation names by choice."""

    in_favour: list[str]
    against: list[str]
    abstaining: list[str]
    not_voting: list[str]
    named: bool  # the record lists the names (not a show of hands)


def _quorum_met(quorum: int | None, taking_part: int) -> bool:
    return quorum is None or taking_part >= quorum


def _result(
    outcome: str,
    *,
    counts: tuple[int, int, int] = (0, 0, 0),
    required: int = 0,
    reached: bool = False,
    quorum_met: bool = True,
    counted: Counted | None = None,
    candidates: list[Tally] | None = None,
    elected: str | None = None,
    objections: list[str] | None = None,
) -> ResultRef:
    named = counted is not None and counted.named
    return {
        "outcome": outcome,
        "yes": counts[0],
        "no": counts[1],
        "abstain": counts[2],
        "required": required,
        "reached": reached,
        "quorum_met": quorum_met,
        "in_favour": counted.in_favour if counted and named else [],
        "against": counted.against if counted and named else [],
        "abstaining": counted.abstaining if counted and named else [],
        "not_voting": counted.not_voting if counted and named else [],
        "candidates": candidates or [],
        "elected": elected,
        "objections": objections or [],
    }


def without_vote_result(objections: list[str]) -> ResultRef:
    """No objection: adopted ("It was so decided"); else not adopted without a vote."""
    outcome = Outcome.OBJECTED if objections else Outcome.ADOPTED
    return _result(outcome, reached=not objections, objections=objections)


def vote_result(decision: Decision, counted: Counted) -> ResultRef:
    yes, no, abstain = len(counted.in_favour), len(counted.against), len(counted.abstaining)
    required = required_votes(decision.majority, yes + no)
    quorum_met = _quorum_met(decision.quorum, yes + no + abstain)
    reached = quorum_met and yes >= required
    if not quorum_met:
        outcome = Outcome.NO_QUORUM
    else:
        outcome = Outcome.ADOPTED if reached else Outcome.REJECTED
    return _result(
        outcome,
        counts=(yes, no, abstain),
        required=required,
        reached=reached,
        quorum_met=quorum_met,
        counted=counted,
    )


def election_result(decision: Decision, tallies: list[Tally], blank: int) -> ResultRef:
    """The candidate with the most votes is elected if they have the majority required and
    nobody has as many."""
    voting = sum(tally["votes"] for tally in tallies)
    required = required_votes(decision.majority, voting)
    quorum_met = _quorum_met(decision.quorum, voting + blank)
    ranked = sorted(tallies, key=lambda tally: -tally["votes"])
    top = ranked[0] if ranked else None
    alone = top is not None and (len(ranked) == 1 or ranked[1]["votes"] < top["votes"])
    reached = quorum_met and top is not None and alone and top["votes"] >= required
    if not quorum_met:
        outcome = Outcome.NO_QUORUM
    else:
        outcome = Outcome.ELECTED if reached else Outcome.NOT_ELECTED
    return _result(
        outcome,
        counts=(voting, 0, blank),
        required=required,
        reached=reached,
        quorum_met=quorum_met,
        candidates=tallies,
        elected=top["name"] if reached and top is not None else None,
    )
