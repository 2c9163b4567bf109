"""Reads: a clause's history, the text as of any event or date, diffs, lists and counts."""

import random
import time
from collections.abc import Callable

import pytest
from django.utils import translation

from server.conferences.models import Meeting, Participant
from server.negotiation import content as c
from server.negotiation import selectors, services
from server.negotiation.diff import Run, word_diff
from server.negotiation.models import NegotiationEvent, NegotiationText

from .conftest import clause_version, now, proposal_version

pytestmark = [pytest.mark.django_db]
Person = Callable[[str], Participant]


@pytest.fixture
def negotiated(text: NegotiationText, person: Person, plenary: Meeting) -> NegotiationText:
    services.proposal_table(
        actor=person("japan"),
        meeting=plenary,
        text=text,
        kind="replace",
        clause=4,
        operation={"old": "in 2028", "new": "[in 2027]"},
        base_version=clause_version(text, 4),
        cosponsors=["EU"],
    )
    services.position_take(
        actor=person("brazil"),
        meeting=plenary,
        text=text,
        target="proposal",
        key=1,
        stance="oppose",
        comment="Too early.",
        base_version=proposal_version(text, 1),
    )
    services.proposal_accept(
        actor=person("chair"),
        meeting=plenary,
        text=text,
        proposal=1,
        base_version=proposal_version(text, 1),
    )
    return text


def test_a_clause_history_says_who_proposed_supported_opposed_and_changed_what(
    negotiated: NegotiationText,
) -> None:
    history = selectors.clause_history(negotiated, 4)
    assert [h.summary for h in history] == [
        "entered the text",
        "JPN proposed to replace (proposal 1), inviting EU to co-sponsor",
        "BRA opposes proposal 1: Too early.",
        "proposal 1 accepted; words changed",
    ]
    assert history[-1].diff == [
        Run("same", "Requests the secretariat to report "),
        Run("ins", "["),
        Run("same", "in "),
        Run("del", "2028."),
        Run("ins", "2027]."),
    ]
    assert history[2].event.actor is not None and history[2].event.delegation is not None


def test_a_clause_history_reads_in_the_active_language(
    negotiated: NegotiationText, plenary: Meeting
) -> None:
    state = now(negotiated)
    with translation.override("fr"):
        summaries = [h.summary for h in selectors.clause_history(negotiated, 4)]
        announced = selectors.change_announcement(negotiated, state, state.version - 2)
        outcomes = selectors.meeting_outcomes(plenary)
    assert summaries == [
        "inséré dans le texte",
        "proposition 1 de JPN : remplacer (invitation à s'en porter coauteur adressée à EU)",
        "BRA s'oppose à la proposition 1 : Too early.",
        "proposition 1 acceptée ; libellé modifié",
    ]
    assert announced == "2 modifications, la dernière : Proposition 1 acceptée ; libellé modifié"
    # The minutes keep what a proposal asked for as issued: in English, whoever reads.
    assert outcomes[0].words == "replace “in 2028” with “[in 2027]”"


def test_the_text_as_of_any_event_or_date(negotiated: NegotiationText) -> None:
    tabled = NegotiationEvent.objects.get(text=negotiated, kind="proposal.tabled")
    before = selectors.text_as_of(negotiated, until=tabled.index)
    assert c.markup(before.clauses[4].content).endswith("in 2028.")
    at_that_time = selectors.text_as_of(negotiated, moment=tabled.created_at)
    assert at_that_time.version == tabled.index + 1
    assert selectors.text_as_of(negotiated) == now(negotiated)
    assert c.markup(selectors.clause_at(negotiated, 4, tabled.index)).endswith("in 2028.")


def test_a_word_diff_of_the_whole_text(negotiated: NegotiationText) -> None:
    diff = selectors.text_diff_between(negotiated, 4, now(negotiated).version - 1)
    changed = [d for d in diff if d.change != "same"]
    assert [(d.number, d.change) for d in changed] == [("2", "changed")]
    assert word_diff("a b c", "a x c") == [
        Run("same", "a "),
        Run("del", "b"),
        Run("ins", "x"),
        Run("same", " c"),
    ]


def test_lists_and_counts(negotiated: NegotiationText, person: Person, plenary: Meeting) -> None:
    services.clause_status_set(
        actor=person("chair"),
        meeting=plenary,
        text=negotiated,
        clause=1,
        status="agreed",
        base_version=clause_version(negotiated, 1),
    )
    state = now(negotiated)
    counts = selectors.text_counts(state)
    assert (
        counts.clauses,
        counts.agreed,
        counts.brackets,
        counts.option_groups,
        counts.options,
    ) == (4, 1, 2, 1, 2)
    assert [m.placed.number for m in selectors.open_brackets(state)] == ["PP2", "1", "2"]
    assert [p.number for p in selectors.agreed_clauses(state)] == ["PP1"]
    services.proposal_table(
        actor=person("eu"),
        meeting=plenary,
        text=negotiated,
        kind="delete",
        clause=2,
        operation={},
        base_version=clause_version(negotiated, 2),
    )
    assert [p.kind for p in selectors.open_proposals(now(negotiated))] == ["delete"]


def _long_clause(seed: int) -> str:
    """20,000 characters of few distinct words: the hardest case for a word diff."""
    chooser = random.Random(seed)
    vocabulary = [letter * length for letter in "abcdefghijk" for length in (2, 6)]
    return " ".join(chooser.choice(vocabulary) for _ in range(3500))[:20_000]


def test_the_word_diff_is_bounded_and_says_when_it_compared_coarsely() -> None:
    old = _long_clause(1)
    new = " ".join(w if i % 10 else w.upper() for i, w in enumerate(old.split(" ")))
    started = time.monotonic()
    runs = word_diff(old, new)
    assert time.monotonic() - started < 5  # it took two minutes when unbounded
    coarse = word_diff(old, new, until=time.monotonic() - 1)
    assert coarse[0].kind == "note" and "Too long a change" in coarse[0].text
    for compared in (runs, coarse):
        assert "".join(r.text for r in compared if r.kind in {"same", "del"}) == old
        assert "".join(r.text for r in compared if r.kind in {"same", "ins"}) == new
    assert word_diff(old, old) == [Run("same", old)]
    cut = old.index(" ", 10_000)
    one_word = old[:cut] + " FUND" + old[cut:]
    assert [r.kind for r in word_diff(old, one_word)] == ["same", "ins", "same"]
