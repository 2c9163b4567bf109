"""Who may do what to a negotiation text. Every service checks through these.

* The chair, vice-chairs and facilitators (presiding officers) accept, reject and merge
  proposals, set clause statuses (agreed ones included) and add clauses directly.
* Delegations (their delegates and advisers; not observers) table proposals, withdraw their
  own, and take positions.
* The secretariat sets texts up, and fixes numbering and typos (recorded as such).
* Every participant of the conference may read, except a text negotiated in a closed
  session: only the delegations admitted to it, presiding officers and the secretariat may
  read that one (its pages, exports, history, diffs, receipts; its changes are made, and
  announced, only in that session's room).
"""

from django.utils.translation import gettext_lazy as _

from server.common.errors import Forbidden
from server.conferences.models import Delegation, Participant
from server.conferences.roles import is_presiding, is_secretariat, may_attend

from .models import NegotiationText

Role = Participant.Role
DELEGATION_ROLES = frozenset({Role.DELEGATE, Role.ADVISER})


def may_read(participant: Participant | None, text: NegotiationText) -> bool:
    if participant is None or participant.conference_id != text.conference_id:
        return False
    return text.session is None or may_attend(participant, text.session)


def may_negotiate(participant: Participant) -> bool:
    delegation = participant.delegation
    return (
        participant.role in DELEGATION_ROLES
        and delegation is not None
        and delegation.kind != Delegation.Kind.OBSERVER
    )


def check_delegation(participant: Participant) -> Delegation:
    """The delegation on whose behalf ``participant`` negotiates."""
    if not may_negotiate(participant) or participant.delegation is None:
        raise Forbidden(_("Only delegates and advisers of a negotiating delegation may do this."))
    return participant.delegation


def check_drafting(participant: Participant) -> None:
    """Setting up a text and adding clauses directly: the secretariat or a presiding officer."""
    if not (is_secretariat(participant) or is_presiding(participant)):
        raise Forbidden(_("Only the secretariat or a presiding officer may draft the text."))
