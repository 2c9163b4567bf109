"""Who a participant is at the conference, and which meetings they may attend: the role
predicates every app's permissions build on. Defined here once; rooms, negotiation, minutes
and captions ask these."""

from django.utils.translation import gettext_lazy as _

from server.common.errors import Forbidden

from .models import Delegation, Meeting, Participant

Role = Participant.Role
PRESIDING_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.FACILITATOR})
# The bureau and the secretariat serve every meeting, closed sessions included.
STAFF_ROLES = PRESIDING_ROLES | {Role.SECRETARIAT}
# Interpreters serve every meeting too (a booth interprets them all), but are not staff: they
# neither preside nor take part in the debate.
SERVING_ROLES = STAFF_ROLES | {Role.INTERPRETER}


def is_presiding(participant: Participant) -> bool:
    """The chair, a vice-chair or a facilitator."""
    return participant.role in PRESIDING_ROLES


def is_secretariat(participant: Participant) -> bool:
    return participant.role == Role.SECRETARIAT


def is_staff(participant: Participant) -> bool:
    """A presiding officer or the secretariat: they serve every meeting."""
    return participant.role in STAFF_ROLES


def is_interpreter(participant: Participant) -> bool:
    return participant.role == Role.INTERPRETER


def serves_every_meeting(participant: Participant) -> bool:
    """The staff and the interpreters: admitted to every meeting, closed sessions too."""
    return participant.role in SERVING_ROLES


def may_take_floor(participant: Participant) -> bool:
    """Everyone but the interpreters may ask for the floor, raise a hand and be given the
    floor: an interpreter speaks only in their booth."""
    return not is_interpreter(participant)


def check_may_take_floor(participant: Participant) -> None:
    if not may_take_floor(participant):
        raise Forbidden(_("Interpreters speak in their booth; they may not take the floor."))


def check_presiding(participant: Participant) -> None:
    if not is_presiding(participant):
        raise Forbidden(_("Only the chair, a vice-chair or a facilitator may do this."))


def check_secretariat(participant: Participant) -> None:
    if not is_secretariat(participant):
        raise Forbidden(_("Only the secretariat may do this."))


def may_attend(participant: Participant, meeting: Meeting) -> bool:
    """A participant of the meeting's conference; for a closed session, only the staff, the
    interpreters and the delegations admitted to it."""
    if participant.conference_id != meeting.conference_id:
        return False
    if meeting.kind != Meeting.Kind.CLOSED or serves_every_meeting(participant):
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
    """Member delegates vote; advisers, observers, interpreters and staff do not
    (docs/votes.md)."""
    return is_member_delegate(participant)


def check_voting(participant: Participant) -> Delegation:
    """The delegation on whose behalf ``participant`` votes or objects."""
    if not may_vote(participant) or participant.delegation is None:
        raise Forbidden(
            _("Only the head or an accredited alternate of a member delegation may do this.")
        )
    return participant.delegation
