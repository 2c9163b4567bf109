"""Who a participant is at the conference, and which meetings they may attend: the role
predicates every app's permissions build on. Defined here once; rooms, negotiation, minutes
and captions ask these."""

from server.common.errors import Forbidden

from .models import Delegation, Meeting, Participant

Role = Participant.Role
PRESIDING_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.FACILITATOR})
# The bureau and the secretariat serve every meeting, closed sessions included.
STAFF_ROLES = PRESIDING_ROLES | {Role.SECRETARIAT}


def is_presiding(participant: Participant) -> bool:
    """The chair, a vice-chair or a facilitator."""
    return participant.role in PRESIDING_ROLES


def is_secretariat(participant: Participant) -> bool:
    return participant.role == Role.SECRETARIAT


def is_staff(participant: Participant) -> bool:
    """A presiding officer or the secretariat: they serve every meeting."""
    return participant.role in STAFF_ROLES


def check_presiding(participant: Participant) -> None:
    if not is_presiding(participant):
        raise Forbidden("Only the chair, a vice-chair or a facilitator may do this.")


def check_secretariat(participant: Participant) -> None:
    if not is_secretariat(participant):
        raise Forbidden("Only the secretariat may do this.")


def may_attend(participant: Participant, meeting: Meeting) -> bool:
    """A participant of the meeting's conference; for a closed session, only the staff and
    the delegations admitted to it."""
    if participant.conference_id != meeting.conference_id:
        return False
    if meeting.kind != Meeting.Kind.CLOSED or is_staff(participant):
        return True
    admitted = {delegation.pk for delegation in meeting.admitted_delegations.all()}
    return participant.delegation_id in admitted


def is_member_delegate(participant: Participant) -> bool:
    """A delegate (the head of delegation or an accredited alternate) of a delegation that is
    not an observer: not an adviser, an observer or the staff."""
    delegation = participant.delegation
    return (
        participant.role == Role.DELEGATE
        and delegation is not None
        and delegation.kind != Delegation.Kind.OBSERVER
    )


def may_vote(participant: Participant) -> bool:
    """Member delegates vote; advisers, observers and staff do not (docs/votes.md)."""
    return is_member_delegate(participant)


def check_voting(participant: Participant) -> Delegation:
    """The delegation on whose behalf ``participant`` votes or objects."""
    if not may_vote(participant) or participant.delegation is None:
        raise Forbidden(
            "Only the head or an accredited alternate of a member delegation may do this."
        )
    return participant.delegation
