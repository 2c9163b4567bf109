"""Who may do what to a text: every operation, refused to those who may not do it in a state
where those who may succeed at it (tests/support/permissions.py), so a refusal here cannot
be a stale version, a closed proposal or a missing clause in disguise."""

from collections.abc import Callable
from typing import Any

import pytest

from server.common.errors import Forbidden, InvalidInput, NotFound
from server.conferences.models import Meeting, Participant
from server.negotiation import selectors, services
from server.negotiation.models import NegotiationEvent
from server.negotiation.state import TextState
from server.rooms.actions import ACTIONS
from tests.support.builders import (
    Role,
    conference_build,
    delegation_build,
    meeting_build,
    participant_build,
    text_build,
)
from tests.support.permissions import only_allowed_may

pytestmark = [pytest.mark.django_db]


class Negotiation:
    """An open meeting, one participant of each role (Japan and Brazil negotiate), and a text
    of three clauses: 1 "Recalling;", 2 "Decides to [act];", 3 "Requests a report."."""

    def __init__(self) -> None:
        conference = self.conference = conference_build()
        self.meeting = meeting_build(conference, status=Meeting.Status.OPEN)
        self.chair = participant_build(conference, role=Role.CHAIR)
        self.vice_chair = participant_build(conference, role=Role.VICE_CHAIR)
        self.facilitator = participant_build(conference, role=Role.FACILITATOR)
        self.secretariat = participant_build(conference, role=Role.SECRETARIAT)
        self.japan = participant_build(conference, delegation=delegation_build(conference))
        self.brazil = participant_build(conference, delegation=delegation_build(conference))
        self.adviser = participant_build(conference, role=Role.ADVISER)
        self.observer = participant_build(conference, role=Role.OBSERVER)
        self.text = text_build(
            self.secretariat,
            clauses=[
                ("pp", "Recalling;"),
                ("op", "Decides to [act];"),
                ("op", "Requests a report."),
            ],
        )

    def presiding(self) -> list[Participant]:
        return [self.chair, self.vice_chair, self.facilitator]

    def not_presiding(self) -> list[Participant]:
        return [self.secretariat, self.japan, self.adviser, self.observer]

    def state(self) -> TextState:
        self.text.refresh_from_db()
        return selectors.text_state(self.text)

    def clause(self, key: int) -> dict[str, Any]:
        return {
            "text": self.text.pk,
            "clause": key,
            "base_version": self.state().clauses[key].version,
        }

    def tabled(self, sponsor: Participant, cosponsors: tuple[str, ...] = ()) -> int:
        services.proposal_table(
            actor=sponsor,
            meeting=self.meeting,
            text=self.text,
            kind="bracket_add",
            clause=3,
            operation={"span": "a report"},
            cosponsors=cosponsors,
            base_version=self.state().clauses[3].version,
        )
        return max(self.state().proposals)

    def proposal(self, key: int) -> dict[str, Any]:
        return {
            "text": self.text.pk,
            "proposal": key,
            "base_version": self.state().proposals[key].version,
        }

    def code(self, participant: Participant) -> str:
        assert participant.delegation is not None
        return participant.delegation.code


N = Negotiation
# Each operation: the state it succeeds in and its data, who may, and who may not.
Case = tuple[
    Callable[[N], dict[str, Any]],
    Callable[[N], list[Participant]],
    Callable[[N], list[Participant]],
]


def delegations(n: N) -> list[Participant]:
    return [n.japan, n.adviser]


CASES: dict[str, Case] = {
    "negotiation.propose": (
        lambda n: {**n.clause(3), "kind": "bracket_add", "operation": {"span": "a report"}},
        delegations,
        lambda n: [n.chair, n.facilitator, n.secretariat, n.observer],
    ),
    "negotiation.position": (
        lambda n: {
            "text": n.text.pk,
            "target": "clause",
            "id": 3,
            "stance": "reserve",
            "base_version": n.state().clauses[3].version,
        },
        delegations,
        lambda n: [n.chair, n.secretariat, n.observer],
    ),
    "negotiation.accept": (lambda n: n.proposal(n.tabled(n.japan)), N.presiding, N.not_presiding),
    "negotiation.reject": (lambda n: n.proposal(n.tabled(n.japan)), N.presiding, N.not_presiding),
    "negotiation.merge": (
        lambda n: {**n.proposal(n.tabled(n.japan)), "into": n.tabled(n.brazil)},
        N.presiding,
        N.not_presiding,
    ),
    "negotiation.withdraw": (
        lambda n: n.proposal(n.tabled(n.japan)),
        lambda n: [n.japan],
        lambda n: [n.brazil, n.chair, n.secretariat],
    ),
    "negotiation.cosponsor.accept": (
        lambda n: {"text": n.text.pk, "proposal": n.tabled(n.japan, (n.code(n.brazil),))},
        lambda n: [n.brazil],
        lambda n: [n.adviser, n.chair, n.observer],
    ),
    "negotiation.cosponsor.decline": (
        lambda n: {"text": n.text.pk, "proposal": n.tabled(n.japan, (n.code(n.brazil),))},
        lambda n: [n.brazil],
        lambda n: [n.adviser, n.chair, n.observer],
    ),
    "negotiation.status": (
        lambda n: {**n.clause(1), "status": "agreed"},
        N.presiding,
        N.not_presiding,
    ),
    "negotiation.add": (
        lambda n: {
            "text": n.text.pk,
            "kind": "op",
            "words": "Decides;",
            "after": 3,
            "base_version": n.state().structure_version,
        },
        lambda n: [n.secretariat, n.chair, n.facilitator],
        lambda n: [n.japan, n.observer],
    ),
    "negotiation.correct": (
        lambda n: {**n.clause(3), "old": "report", "new": "reports"},
        lambda n: [n.secretariat],
        lambda n: [n.chair, n.japan],
    ),
    "negotiation.number": (
        lambda n: {**n.clause(3), "label": "2 bis"},
        lambda n: [n.secretariat],
        lambda n: [n.chair, n.facilitator, n.japan],
    ),
    "negotiation.note": (
        lambda n: {"text": n.text.pk, "event": 1, "note": "Typo."},
        lambda n: [n.secretariat, n.chair],
        lambda n: [n.japan, n.observer],
    ),
}


@pytest.fixture
def negotiation() -> Negotiation:
    return Negotiation()


def test_every_negotiation_operation_is_covered() -> None:
    assert {n for n in ACTIONS if n.startswith("negotiation.")} == set(CASES)


@pytest.mark.parametrize("action", sorted(CASES))
def test_refused_where_those_allowed_succeed(negotiation: Negotiation, action: str) -> None:
    setup, allowed, refused = CASES[action]
    data = setup(negotiation)
    only_allowed_may(
        negotiation.meeting,
        action,
        data,
        allowed=allowed(negotiation),
        refused=refused(negotiation),
    )


def test_a_closed_session_text_is_negotiated_only_by_those_admitted(
    negotiation: Negotiation,
) -> None:
    admitted = negotiation.japan.delegation
    assert admitted is not None
    closed = meeting_build(
        negotiation.conference,
        kind=Meeting.Kind.CLOSED,
        status=Meeting.Status.OPEN,
        admitted=[admitted],
    )
    text = text_build(negotiation.chair, clauses=[("op", "Decides;")], session=closed)
    negotiation.text = text
    data = {**negotiation.clause(1), "kind": "bracket_add", "operation": {"span": None}}
    only_allowed_may(
        closed,
        "negotiation.propose",
        data,
        allowed=[negotiation.japan],
        refused=[negotiation.brazil],
    )


def test_setting_up_a_text_is_for_the_secretariat_and_presiding_officers(
    negotiation: Negotiation,
) -> None:
    n = negotiation
    with pytest.raises(Forbidden):
        services.text_create(actor=n.japan, slug="mine", title="Mine", meeting=n.meeting)
    chairs = services.text_create(actor=n.chair, slug="mine", title="Chair's", meeting=n.meeting)
    assert chairs.event_count == 1


def test_only_the_secretariat_may_act_outside_a_meeting(negotiation: Negotiation) -> None:
    n = negotiation
    version = n.state().structure_version

    def add(actor: Participant) -> NegotiationEvent:
        return services.clause_add(
            actor=actor,
            meeting=None,
            text=n.text,
            kind="op",
            markup="Decides;",
            after=3,
            base_version=version,
        )

    with pytest.raises(InvalidInput):
        add(n.chair)
    assert add(n.secretariat).kind


def test_another_conference_does_not_see_the_text(negotiation: Negotiation) -> None:
    n = negotiation
    version = n.state().clauses[3].version

    def propose(actor: Participant) -> NegotiationEvent:
        return services.proposal_table(
            actor=actor,
            meeting=n.meeting,
            text=n.text,
            kind="bracket_add",
            clause=3,
            operation={"span": "a report"},
            base_version=version,
        )

    with pytest.raises(NotFound):
        propose(participant_build(conference_build()))
    assert propose(n.japan).kind
