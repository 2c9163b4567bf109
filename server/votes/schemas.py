"""The input of each decision operation (docs/protocol.md, "Decisions and votes"), declared
once for the room socket and ``POST /api/meetings/<id>/actions/<type>`` alike. Lengths,
ranges and what a kind of vote allows are checked by the services."""

from typing import Annotated, Literal

from pydantic import Field, StrictBool

from server.common.schemas import Integer, Operation, Text, null_as

Subject = Literal["text", "clause", "amendment", "motion", "election", "other"]
VoteKind = Literal["recorded", "roll_call", "show_of_hands", "secret"]
"""The values of ``Decision.Subject`` and ``Decision.Kind`` (tests/votes hold them equal)."""


class Put(Operation):
    question: Text
    """What is decided, as the record names it: "Draft resolution CF/2026/L.1"."""
    subject: Subject = "other"
    text: Integer | None = None
    """A question on a clause: the negotiation text…"""
    clause: Integer | None = None
    """…and the clause's key; adopted, it becomes agreed in the text's record."""


class DecisionPut(Put):
    pause: Integer = 10
    """Seconds in which a delegation may object."""


class VotePut(Put):
    kind: VoteKind
    majority: Literal["simple", "two_thirds"] = "simple"
    quorum: Integer | None = None
    """Delegations that must take part (abstaining counts); none if absent."""
    changes_allowed: StrictBool = False
    duration: Integer | None = None
    """Seconds of the countdown; none: until the presiding officer closes the vote."""
    candidates: Annotated[list[Text], null_as([])] = Field(default_factory=list)
    """An election's candidates (secret ballot)."""


class OnDecision(Operation):
    decision: Integer


class VoteCast(OnDecision):
    choice: Literal["yes", "no", "abstain"] | None = None
    candidate: Integer | None = None
    """A secret ballot: the candidate's place in the list (from 1); blank: ``choice``
    "abstain"."""
