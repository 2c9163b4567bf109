"""Every change to a negotiation text goes through here: authorise, check the version the
change was based on, validate, then log it (``changes``). One module per family of
operations: setting up a text, proposals, co-sponsorship, positions, clauses' statuses and
editorial fixes."""

from .changes import MAX_NOTE, StaleVersion, Transcript
from .clauses import clause_adopt, clause_correct, clause_number, clause_status_set, correction_note
from .cosponsors import cosponsor_accept, cosponsor_decline
from .positions import position_take
from .proposals import (
    proposal_accept,
    proposal_merge,
    proposal_reject,
    proposal_table,
    proposal_withdraw,
)
from .texts import clause_add, text_create

__all__ = [
    "MAX_NOTE",
    "StaleVersion",
    "Transcript",
    "clause_add",
    "clause_adopt",
    "clause_correct",
    "clause_number",
    "clause_status_set",
    "correction_note",
    "cosponsor_accept",
    "cosponsor_decline",
    "position_take",
    "proposal_accept",
    "proposal_merge",
    "proposal_reject",
    "proposal_table",
    "proposal_withdraw",
    "text_create",
]
