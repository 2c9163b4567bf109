"""While a decision is open: delegations vote (through their head or an accredited
alternate) or object to adoption without a vote; in a roll call, the presiding officer
passes over a delegation that does not answer, to call it again at the end.

A secret ballot adds one to a tally and marks the delegation as having voted, in the same
transaction, and writes nothing else: nothing stored says which tally it added to."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.common.errors import Conflict, InvalidInput, NotFound
from server.conferences.models import Delegation, Meeting, Participant
from server.conferences.roles import check_presiding, check_voting
from server.rooms.models import RoomEvent
from server.rooms.services import room_lock
from server.rooms.services.room import check_in_session

from ..events import BallotCast, DecisionObjected, RollCalled
from ..models import Ballot, Candidate, Decision, Objection, Voter
from .decision import check_in_time, check_open, decision_announce, decision_in
from .opening import MAX_CANDIDATES

Kind = Decision.Kind


def _secret_cast(
    decision: Decision, delegation: Delegation, choice: str | None, candidate: int | None
) -> None:
    if (candidate is None) == (choice is None) or choice not in (None, Ballot.Choice.ABSTAIN):
        raise InvalidInput(_("A secret ballot names one candidate, or is blank ('abstain')."))
    if Voter.objects.filter(decision=decision, delegation=delegation).exists():
        raise Conflict(_("Your delegation has voted; a secret ballot cannot be changed."))
    if candidate is None:
        Decision.objects.filter(pk=decision.pk).update(blank=F("blank") + 1)
    elif not (
        1 <= candidate <= MAX_CANDIDATES
        and Candidate.objects.filter(decision=decision, position=candidate).update(
            votes=F("votes") + 1
        )
    ):
        raise NotFound(_("No candidate {candidate} in this election."), candidate=candidate)
    Voter.objects.create(decision=decision, delegation=delegation)


def _ballot_cast(
    decision: Decision,
    actor: Participant,
    delegation: Delegation,
    choice: str | None,
    candidate: int | None,
) -> None:
    if choice is None or candidate is not None:
        raise InvalidInput(_("A vote is 'yes', 'no' or 'abstain', without a candidate."))
    existing = Ballot.objects.filter(decision=decision, delegation=delegation).first()
    if existing is not None and not decision.changes_allowed:
        raise Conflict(_("Your delegation has voted; this vote does not allow changes."))
    Ballot.objects.update_or_create(
        decision=decision,
        delegation=delegation,
        defaults={"choice": choice, "cast_by": actor, "cast_at": timezone.now()},
    )


def _roll_call_answer(decision: Decision, delegation: Delegation) -> None:
    """The delegation answers its call; the roll moves on."""
    if decision.turn >= len(decision.roll):
        raise Conflict(_("Every delegation has been called; the vote is to be closed."))
    called = decision.roll[decision.turn]
    if called != delegation.code:
        raise Conflict(
            _("It is the turn of {called}; wait for your delegation to be called."), called=called
        )
    decision.turn += 1
    decision.save(update_fields=["turn"])


def vote_cast(
    *,
    actor: Participant,
    meeting: Meeting,
    decision_id: int,
    choice: str | None,
    candidate: int | None,
) -> RoomEvent:
    """One ballot per delegation. Everyone learns that the delegation voted, not how."""
    delegation = check_voting(actor)
    with transaction.atomic():
        state = room_lock(meeting)
        check_in_session(meeting)
        decision = decision_in(meeting, decision_id)
        check_open(decision)
        if decision.kind == Kind.WITHOUT_VOTE:
            raise Conflict(_("This question is for adoption without a vote: object to it instead."))
        check_in_time(decision)
        if decision.kind == Kind.ROLL_CALL:
            _roll_call_answer(decision, delegation)
        if decision.is_secret:
            _secret_cast(decision, delegation, choice, candidate)
        else:
            _ballot_cast(decision, actor, delegation, choice, candidate)
        return decision_announce(state, decision, BallotCast, actor)


def vote_pass(*, actor: Participant, meeting: Meeting, decision_id: int) -> RoomEvent:
    """The delegation called does not answer: on its first call it is called again at the
    end of the roll; on its second, it does not vote."""
    check_presiding(actor)
    with transaction.atomic():
        state = room_lock(meeting)
        check_in_session(meeting)
        decision = decision_in(meeting, decision_id)
        check_open(decision)
        if decision.kind != Kind.ROLL_CALL:
            raise Conflict(_("Only a roll call calls delegations in turn."))
        if decision.turn >= len(decision.roll):
            raise Conflict(_("Every delegation has been called; the vote is to be closed."))
        if decision.turn < decision.first_calls:
            decision.roll = [*decision.roll, decision.roll[decision.turn]]
        decision.turn += 1
        decision.save(update_fields=["roll", "turn"])
        return decision_announce(state, decision, RollCalled, actor)


def decision_object(*, actor: Participant, meeting: Meeting, decision_id: int) -> RoomEvent:
    """A delegation answers "Is there any objection?" by objecting, during the pause: the
    question is then not adopted without a vote."""
    delegation = check_voting(actor)
    with transaction.atomic():
        state = room_lock(meeting)
        check_in_session(meeting)
        decision = decision_in(meeting, decision_id)
        check_open(decision)
        if decision.kind != Kind.WITHOUT_VOTE:
            raise Conflict(_("This question is put to the vote: vote against it instead."))
        if decision.closes_at is not None and timezone.now() >= decision.closes_at:
            raise Conflict(_("The pause for objections is over."))
        if Objection.objects.filter(decision=decision, delegation=delegation).exists():
            raise Conflict(_("Your delegation has objected already."))
        Objection.objects.create(
            decision=decision, delegation=delegation, by=actor, at=timezone.now()
        )
        return decision_announce(state, decision, DecisionObjected, actor)
