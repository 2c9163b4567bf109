"""Co-sponsorship: a delegation invited to co-sponsor a tabled proposal accepts or declines."""

from django.utils.translation import gettext_lazy as _

from server.common.errors import Conflict, Forbidden
from server.common.json_types import JSON
from server.conferences.models import Meeting, Participant

from ..models import NegotiationEvent, NegotiationText
from ..permissions import check_delegation
from ..state import EventKind, ProposalState
from .changes import changing, proposal_concerns, proposal_key, record


def cosponsor_accept(
    *, actor: Participant, meeting: Meeting, text: NegotiationText, proposal: int
) -> NegotiationEvent:
    """A member of a delegation invited to co-sponsor a tabled proposal accepts: from now
    on the delegation is a co-sponsor (and shares the attribution of what it adds)."""
    return _cosponsor_answer(actor, meeting, text, proposal, EventKind.COSPONSOR_ACCEPTED)


def cosponsor_decline(
    *, actor: Participant, meeting: Meeting, text: NegotiationText, proposal: int
) -> NegotiationEvent:
    """A member of a delegation invited to co-sponsor a proposal declines."""
    return _cosponsor_answer(actor, meeting, text, proposal, EventKind.COSPONSOR_DECLINED)


def _cosponsor_answer(
    actor: Participant, meeting: Meeting, text: NegotiationText, proposal: int, kind: str
) -> NegotiationEvent:
    code = check_delegation(actor).code
    with changing(text, actor, meeting, None) as change:
        key = proposal_key(change, proposal)
        tabled = change.state.proposals[key]
        if code in tabled.cosponsors or code in tabled.declined:
            if code in tabled.cosponsors:
                answered = _("{code} already accepted to co-sponsor proposal {key}.")
            else:
                answered = _("{code} already declined to co-sponsor proposal {key}.")
            raise Conflict(answered, code=code, key=key)
        if code not in tabled.invited:
            raise Forbidden(
                _("{code} was not invited to co-sponsor proposal {key}."), code=code, key=key
            )
        if tabled.state != ProposalState.TABLED:
            raise Conflict(
                _("Proposal {key} is {state}, no longer tabled."), key=key, state=tabled.state
            )
        payload: dict[str, JSON] = {"proposal": key, "delegation": code}
        return record(change, kind, payload, proposal_concerns(change, key))
