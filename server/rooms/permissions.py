"""Who may do what in a meeting room. Every service checks through these."""

from server.common.errors import Forbidden
from server.conferences.models import Meeting, Participant

Role = Participant.Role
PRESIDING_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.FACILITATOR})
# The bureau and the secretariat serve every meeting, closed sessions included.
STAFF_ROLES = PRESIDING_ROLES | {Role.SECRETARIAT}


def may_attend(participant: Participant, meeting: Meeting) -> bool:
    if participant.conference_id != meeting.conference_id:
        return False
    if meeting.kind != Meeting.Kind.CLOSED or participant.role in STAFF_ROLES:
        return True
    admitted = {delegation.pk for delegation in meeting.admitted_delegations.all()}
    return participant.delegation_id in admitted


def may_preside(participant: Participant) -> bool:
    return participant.role in PRESIDING_ROLES


def check_presiding(participant: Participant) -> None:
    if not may_preside(participant):
        raise Forbidden("Only the chair, a vice-chair or a facilitator may do this.")


def check_delegation_member(participant: Participant) -> None:
    if participant.delegation_id is None:
        raise Forbidden("You are not a member of a delegation.")
