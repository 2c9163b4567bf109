"""The input of each negotiation operation (docs/protocol.md, "Negotiation"), declared once
for the room socket and ``POST /api/meetings/<id>/actions/<type>`` alike. Kinds, stances
and statuses are checked by the services, which know the text's state."""

from typing import Annotated

from pydantic import Field, StrictFloat

from server.common.schemas import Integer, Operation, OptionalText, Text, null_as


class OnText(Operation):
    text: Integer
    """The negotiation text, in the meeting's conference."""


class Versioned(OnText):
    base_version: Integer
    """The text's version the client saw; a stale one is a conflict."""


class Transcribed(Versioned):
    transcript: tuple[StrictFloat, StrictFloat] | None = None
    """``[from, to]`` in seconds of the meeting's transcript the decision was spoken in."""


class Propose(Transcribed):
    kind: Text
    clause: Integer | None = None
    operation: Annotated[dict[str, object], null_as({})] = Field(default_factory=dict)
    """The change, by kind (docs/negotiation.md)."""
    rationale: OptionalText = ""
    cosponsors: Annotated[list[Text], null_as([])] = Field(default_factory=list)
    """Delegation codes invited to co-sponsor."""


class Decide(Transcribed):
    proposal: Integer


class Reject(Decide):
    reason: OptionalText = ""


class Withdraw(Versioned):
    proposal: Integer


class Cosponsor(OnText):
    proposal: Integer


class Merge(Versioned):
    proposal: Integer
    into: Integer


class Position(Transcribed):
    target: Text
    id: Integer
    stance: Text
    comment: OptionalText = ""


class Status(Transcribed):
    clause: Integer
    status: Text


class Add(Transcribed):
    kind: Text
    parent: Integer | None = None
    after: Integer | None = None
    words: Text


class Correct(Versioned):
    clause: Integer
    old: Text
    new: Text
    note: OptionalText = ""


class Number(Versioned):
    clause: Integer
    label: Text


class Note(OnText):
    event: Integer
    note: Text
