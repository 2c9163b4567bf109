"""A presiding officer puts a question to the meeting: for adoption without a vote (any
delegation may object during a pause), or to the vote (recorded, roll-call, show of hands or
secret ballot)."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from server.common.errors import Conflict, InvalidInput, NotFound
from server.conferences.models import Meeting, Participant
from server.conferences.roles import check_presiding
from server.negotiation.models import NegotiationText
from server.negotiation.permissions import may_read
from server.negotiation.selectors import (
    clause_adoption_problem,
    text_adoption_problem,
    text_state,
)
from server.rooms.models import RoomEvent, RoomState
from server.rooms.services import room_lock
from server.rooms.services.room import check_in_session

from ..events import DecisionOpened
from ..models import Candidate, Decision
from ..selectors import voting_delegations
from .decision import decision_announce

Kind = Decision.Kind
Subject = Decision.Subject
MAX_QUESTION = 500
MAX_CANDIDATES = 50
MAX_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Question:
    """What is put to the meeting: its wording and, for a clause, the text and the clause."""

    question: str
    subject: str
    text: int | None = None
    clause: int | None = None


def _text_checked(
    actor: Participant, meeting: Meeting, question: Question
) -> NegotiationText | None:
    if question.subject not in (Subject.TEXT, Subject.CLAUSE):
        if question.text is not None or question.clause is not None:
            raise InvalidInput(_("Only a question on a draft text or a clause names a text."))
        return None
    if question.subject == Subject.CLAUSE and (question.text is None or question.clause is None):
        raise InvalidInput(_("A question on a clause names its text and its clause."))
    if question.subject == Subject.TEXT and question.clause is not None:
        raise InvalidInput(_("A question on a whole draft text names no clause."))
    if question.text is None:  # a draft text not negotiated in Plenary
        return None
    text = NegotiationText.objects.filter(
        pk=question.text, conference_id=meeting.conference_id
    ).first()
    if text is None or not may_read(actor, text):
        raise NotFound(_("No text {text} in this conference."), text=question.text)
    if text.session_id is not None and text.session_id != meeting.pk:
        raise Conflict(_("This text is negotiated in its closed session only."))
    state = text_state(text)
    problem = (
        text_adoption_problem(state)
        if question.clause is None
        else clause_adoption_problem(state, question.clause)
    )
    if problem is not None:
        raise Conflict(problem)
    return text


def _question_checked(question: Question) -> None:
    if not question.question.strip() or len(question.question) > MAX_QUESTION:
        raise InvalidInput(
            _("The question is 1 to {max_question} characters."), max_question=MAX_QUESTION
        )
    if question.subject not in Subject.values:
        raise InvalidInput(_("Unknown subject {subject!r}."), subject=question.subject)


def _seconds_checked(seconds: int | None, what: StrOrPromise) -> timedelta | None:
    if seconds is None:
        return None
    if not 0 <= seconds <= MAX_SECONDS:
        raise InvalidInput(
            _("The {what} is 0 to {max_seconds} seconds."), what=what, max_seconds=MAX_SECONDS
        )
    return timedelta(seconds=seconds)


def _decision_create(
    actor: Participant, meeting: Meeting, state: RoomState, question: Question, **fields: object
) -> Decision:
    """Under the room's lock: one decision open at a time, in an open meeting."""
    text = _text_checked(actor, meeting, question)
    check_in_session(meeting)
    if Decision.objects.filter(meeting=meeting, closed_at__isnull=True).exists():
        raise Conflict(_("Another decision is open in this meeting; close it first."))
    return Decision.objects.create(
        meeting=meeting,
        agenda_item_id=state.agenda_item_id,
        subject=question.subject,
        question=question.question.strip(),
        text=text,
        clause=question.clause,
        opened_by=actor,
        opened_at=timezone.now(),
        **fields,
    )


def decision_open(
    *, actor: Participant, meeting: Meeting, question: Question, pause: int
) -> RoomEvent:
    """Ask "Is there any objection?": the question is adopted without a vote at the close
    unless a delegation objects within ``pause`` seconds."""
    check_presiding(actor)
    _question_checked(question)
    wait = _seconds_checked(pause, _("pause for objections"))
    with transaction.atomic():
        state = room_lock(meeting)
        now = timezone.now()
        decision = _decision_create(
            actor,
            meeting,
            state,
            question,
            kind=Kind.WITHOUT_VOTE,
            closes_at=now + wait if wait is not None else None,
        )
        return decision_announce(state, decision, DecisionOpened, actor)


@dataclass(frozen=True)
class Rules:
    """How a vote is taken and what it needs."""

    kind: str
    majority: str = Decision.Majority.SIMPLE
    quorum: int | None = None
    changes_allowed: bool = False
    duration: int | None = None  # seconds of the countdown; None: until the chair closes


def _rules_checked(rules: Rules, question: Question, candidates: list[str]) -> None:
    if rules.kind not in Kind.values or rules.kind == Kind.WITHOUT_VOTE:
        raise InvalidInput(_("Unknown kind of vote {kind!r}."), kind=rules.kind)
    if rules.majority not in Decision.Majority.values:
        raise InvalidInput(_("Unknown majority {majority!r}."), majority=rules.majority)
    if rules.quorum is not None and not 1 <= rules.quorum <= 10_000:
        raise InvalidInput(_("A quorum is 1 to 10000 delegations."))
    if rules.changes_allowed and rules.kind in (Kind.SECRET, Kind.ROLL_CALL):
        raise InvalidInput(_("A secret ballot or a roll call cannot allow changes of vote."))
    elections = rules.kind == Kind.SECRET
    if elections != (question.subject == Subject.ELECTION):
        raise InvalidInput(_("Elections, and only they, are held by secret ballot."))
    names = [name.strip() for name in candidates]
    if elections and not 1 <= len(names) <= MAX_CANDIDATES:
        raise InvalidInput(
            _("An election has 1 to {max_candidates} candidates."), max_candidates=MAX_CANDIDATES
        )
    if not elections and names:
        raise InvalidInput(_("Only an election has candidates."))
    if any(not name or len(name) > 200 for name in names) or len(set(names)) != len(names):
        raise InvalidInput(_("Each candidate has a name (at most 200 characters), once."))


def vote_open(
    *,
    actor: Participant,
    meeting: Meeting,
    question: Question,
    rules: Rules,
    candidates: list[str],
) -> RoomEvent:
    """Put the question to the vote. A roll call draws by lot the delegation called first,
    then calls the others in alphabetical order."""
    check_presiding(actor)
    _question_checked(question)
    _rules_checked(rules, question, candidates)
    duration = _seconds_checked(rules.duration, _("countdown"))
    with transaction.atomic():
        state = room_lock(meeting)
        roll = [d.code for d in voting_delegations(meeting)]
        if not roll:
            raise Conflict(_("No delegation votes in this meeting."))
        start = secrets.randbelow(len(roll))
        called = roll[start:] + roll[:start] if rules.kind == Kind.ROLL_CALL else []
        decision = _decision_create(
            actor,
            meeting,
            state,
            question,
            kind=rules.kind,
            majority=rules.majority,
            quorum=rules.quorum,
            changes_allowed=rules.changes_allowed,
            closes_at=timezone.now() + duration if duration is not None else None,
            roll=called,
            first_calls=len(called),
        )
        Candidate.objects.bulk_create(
            Candidate(decision=decision, position=position, name=name.strip())
            for position, name in enumerate(candidates, start=1)
        )
        return decision_announce(state, decision, DecisionOpened, actor)
