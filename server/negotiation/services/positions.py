"""Positions: a delegation's stance on a clause or a proposal."""

from django.utils.translation import gettext_lazy as _

from server.common.errors import InvalidInput
from server.common.json_types import JSON
from server.conferences.models import Meeting, Participant

from ..models import NegotiationEvent, NegotiationText
from ..permissions import check_delegation
from ..state import EventKind, Stance, Target
from .changes import (
    MAX_NOTE,
    Change,
    Transcript,
    changing,
    check_clause_version,
    check_proposal_version,
    clause_key,
    proposal_concerns,
    proposal_key,
    record,
)


def position_take(
    *,
    actor: Participant,
    meeting: Meeting,
    text: NegotiationText,
    target: str,
    key: int,
    stance: str,
    base_version: int,
    comment: str = "",
    transcript: Transcript = None,
) -> NegotiationEvent:
    """A delegation's position on a clause or a proposal; a change of position is logged
    like any other change."""
    delegation = check_delegation(actor)
    if stance not in frozenset(Stance):
        raise InvalidInput(_("A position is one of: {stances}."), stances=", ".join(Stance))
    if len(comment) > MAX_NOTE:
        raise InvalidInput(_("A comment is at most {max_note} characters."), max_note=MAX_NOTE)
    with changing(text, actor, meeting, transcript) as change:
        concerns = _position_target(change, target, key, base_version)
        payload: dict[str, JSON] = {
            "target": target,
            "id": key,
            "delegation": delegation.code,
            "stance": stance,
            "comment": comment.strip(),
        }
        return record(change, EventKind.POSITION_TAKEN, payload, concerns)


def _position_target(change: Change, target: str, key: int, base_version: int) -> list[int]:
    if target == Target.CLAUSE:
        check_clause_version(change, clause_key(change, key), base_version)
        return [key]
    if target == Target.PROPOSAL:
        check_proposal_version(change, proposal_key(change, key), base_version)
        return proposal_concerns(change, key)
    raise InvalidInput(_("A position is taken on a 'clause' or a 'proposal'."))
