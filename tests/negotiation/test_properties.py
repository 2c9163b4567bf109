"""For any sequence of valid operations, replaying the log reproduces the current text and
the chain verifies; tampering with any stored event (edit, delete, swap, truncate) fails it."""

import itertools
from collections.abc import Callable

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from server.common.errors import PlenaryError
from server.conferences.models import Conference, Meeting, Participant
from server.negotiation import content as c
from server.negotiation import selectors, services
from server.negotiation.models import ClauseEvent, NegotiationEvent, NegotiationText
from server.negotiation.numbering import reading_order
from server.negotiation.state import ProposalState, TextState

from .conftest import past_the_trigger

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
Person = Callable[[str], Participant]
WORDS = [
    "Decides to act;",
    "Notes the [urgent] need;",
    "Urges {all | some | delete} Parties;",
    "Recalling,",
]
DELEGATES = ["brazil", "eu", "kenya2", "japan"]
PRESIDING = ["chair", "facilitator"]
NAMES = (f"text-{n}" for n in itertools.count())


def tamper(text: NegotiationText, how: str, where: int) -> None:
    events = list(NegotiationEvent.objects.filter(text=text).order_by("index"))
    target = events[where % len(events)]
    if how == "edit":
        NegotiationEvent.objects.filter(pk=target.pk).update(payload={"edited": True})
    elif how == "swap":
        other = events[(where + 1) % len(events)]
        for a, b in ((target, other), (other, target)):
            NegotiationEvent.objects.filter(pk=a.pk).update(
                payload=b.payload, kind=b.kind, leaf_hash=b.leaf_hash, chain_hash=b.chain_hash
            )
    else:
        doomed = events[-1] if how == "truncate" else target
        ClauseEvent.objects.filter(event=doomed).delete()
        doomed.delete()


class Negotiation(RuleBasedStateMachine):
    people: dict[str, Participant] = {}
    meeting: Meeting

    def __init__(self) -> None:
        super().__init__()
        self.text = services.text_create(
            actor=self.people["secretariat"], slug=next(NAMES), title="T"
        )

    def state(self) -> TextState:
        self.text.refresh_from_db()
        return selectors.text_state(self.text)

    def clause(self, pick: int) -> int | None:
        placed = reading_order(self.state())
        return placed[pick % len(placed)].clause.key if placed else None

    def attempt(self, change: Callable[[], object]) -> None:
        """A change either is logged whole or refused with nothing written."""
        before = self.state().version
        try:
            change()
        except PlenaryError:
            assert self.state().version == before

    @rule(kind=st.sampled_from(["pp", "op"]), words=st.sampled_from(WORDS), pick=st.integers(0, 50))
    def add_clause(self, kind: str, words: str, pick: int) -> None:
        state = self.state()
        after = [k for k in state.children.get(None, []) if state.clauses[k].kind == kind]
        self.attempt(
            lambda: services.clause_add(
                actor=self.people["secretariat"],
                text=self.text,
                kind=kind,
                markup=words,
                after=after[pick % len(after)] if after else None,
                base_version=state.structure_version,
            )
        )

    @rule(
        who=st.sampled_from(DELEGATES),
        pick=st.integers(0, 50),
        proposal=st.sampled_from(
            [
                ("replace", {"old": "Parties", "new": "[all] Parties"}),
                ("bracket_add", {"span": None}),
                ("bracket_remove", {"bracket": 1}),
                ("option_add", {"span": "need", "words": "delete"}),
                ("option_choose", {"group": 1, "alternative": 2}),
                ("delete", {}),
                ("move", {"parent": None, "after": None}),
            ]
        ),
    )
    def propose(self, who: str, pick: int, proposal: tuple[str, dict[str, object]]) -> None:
        key, state = self.clause(pick), self.state()
        if key is None:
            return
        kind, operation = proposal
        base = state.structure_version if kind == "move" else state.clauses[key].version
        self.attempt(
            lambda: services.proposal_table(
                actor=self.people[who],
                meeting=self.meeting,
                text=self.text,
                kind=kind,
                clause=key,
                operation=operation,
                base_version=base,
            )
        )

    @rule(who=st.sampled_from(DELEGATES), pick=st.integers(0, 50))
    def propose_merger(self, who: str, pick: int) -> None:
        first, second = self.clause(pick), self.clause(pick + 1)
        self.attempt(
            lambda: services.proposal_table(
                actor=self.people[who],
                meeting=self.meeting,
                text=self.text,
                kind="merge",
                operation={"sources": [first, second], "words": "Merged;"},
                base_version=self.state().structure_version,
            )
        )

    @rule(
        how=st.sampled_from(["accept", "reject", "withdraw"]),
        who=st.sampled_from(PRESIDING + DELEGATES),
        pick=st.integers(0, 50),
    )
    def decide(self, how: str, who: str, pick: int) -> None:
        tabled = [p for p in self.state().proposals.values() if p.state == ProposalState.TABLED]
        if not tabled:
            return
        p = tabled[pick % len(tabled)]
        service = {
            "accept": services.proposal_accept,
            "reject": services.proposal_reject,
            "withdraw": services.proposal_withdraw,
        }[how]
        self.attempt(
            lambda: service(
                actor=self.people[who],
                meeting=self.meeting,
                text=self.text,
                proposal=p.key,
                base_version=p.version,
            )
        )

    @rule(
        who=st.sampled_from(DELEGATES),
        stance=st.sampled_from(["support", "oppose", "reserve", "flexible"]),
        pick=st.integers(0, 50),
    )
    def position(self, who: str, stance: str, pick: int) -> None:
        key = self.clause(pick)
        if key is not None:
            self.attempt(
                lambda: services.position_take(
                    actor=self.people[who],
                    meeting=self.meeting,
                    text=self.text,
                    target="clause",
                    key=key,
                    stance=stance,
                    base_version=self.state().clauses[key].version,
                )
            )

    @rule(
        status=st.sampled_from(["under_discussion", "bracketed", "agreed_ad_ref", "agreed"]),
        pick=st.integers(0, 50),
    )
    def status(self, status: str, pick: int) -> None:
        key = self.clause(pick)
        if key is not None:
            self.attempt(
                lambda: services.clause_status_set(
                    actor=self.people["chair"],
                    meeting=self.meeting,
                    text=self.text,
                    clause=key,
                    status=status,
                    base_version=self.state().clauses[key].version,
                )
            )

    @precondition(lambda self: self.state().version >= 2)
    @rule(how=st.sampled_from(["edit", "delete", "swap", "truncate"]), where=st.integers(0, 10_000))
    def tampering_is_detected(self, how: str, where: int) -> None:
        with past_the_trigger(), transaction.atomic():
            tamper(self.text, how, where)
            report = selectors.chain_verify(self.text)
            transaction.set_rollback(True)
        assert not report.ok, f"{how} at {where} went unnoticed"

    @invariant()
    def replay_reproduces_the_text_and_the_chain_verifies(self) -> None:
        current = self.state()
        assert selectors.text_as_of(self.text) == current
        assert selectors.chain_verify(self.text).ok
        for placed in reading_order(current):
            assert c.from_json(c.to_json(placed.clause.content)) == placed.clause.content


def test_any_valid_sequence_replays_and_verifies(
    demo: Conference, person: Person, plenary: Meeting
) -> None:
    Negotiation.people = {name: person(name) for name in ["secretariat", *PRESIDING, *DELEGATES]}
    Negotiation.meeting = plenary
    run_state_machine_as_test(
        Negotiation,
        settings=settings(
            max_examples=50,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
