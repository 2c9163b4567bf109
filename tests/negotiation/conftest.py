"""Negotiation fixtures: the demo conference with a short draft text, and a way to act on it
as any demo participant in the open plenary meeting."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from server.conferences.models import Conference, Participant
from server.negotiation import selectors, services
from server.negotiation.models import NegotiationText
from server.negotiation.state import TextState

Person = Callable[[str], Participant]


@pytest.fixture
def text(demo: Conference, person: Person) -> NegotiationText:
    """A draft with two preambular and two operative paragraphs (clauses 1 to 4)."""
    secretariat = person("secretariat")
    text = services.text_create(actor=secretariat, slug="draft", title="Draft decision")
    return with_clauses(
        text,
        secretariat,
        [
            ("pp", "Recalling the Paris Agreement,"),
            ("pp", "Noting the [urgent] need for finance,"),
            ("op", "Decides to mobilize {USD 300 billion | USD 500 billion} per year by 2035;"),
            ("op", "Requests the secretariat to report in 2028."),
        ],
    )


def with_clauses(
    text: NegotiationText, actor: Participant, clauses: list[tuple[str, str]]
) -> NegotiationText:
    """``text`` with ``clauses`` (kind, markup) added in order, after its newest clause."""
    after = max(now(text).clauses, default=None)
    for kind, words in clauses:
        services.clause_add(
            actor=actor,
            text=text,
            kind=kind,
            markup=words,
            after=after,
            base_version=now(text).structure_version,
        )
        after = max(now(text).clauses)
    return text


def now(text: NegotiationText) -> TextState:
    text.refresh_from_db()
    return selectors.text_state(text)


def clause_version(text: NegotiationText, key: int) -> int:
    return now(text).clauses[key].version


def proposal_version(text: NegotiationText, key: int) -> int:
    return now(text).proposals[key].version


@contextmanager
def past_the_trigger() -> Iterator[None]:
    """Tamper as a database superuser could: on PostgreSQL, with triggers off for the rest of
    the test's transaction (``session_replication_role``), then on again."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
