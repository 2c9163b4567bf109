"""Reading a text costs a fixed number of queries, however much has happened to it: a clause's
history and the compilation (as the export renders it)."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from server.conferences.models import Meeting, Participant
from server.negotiation import exports, selectors, services
from server.negotiation.models import NegotiationText
from tests.support.builders import (
    Role,
    conference_build,
    meeting_build,
    participant_build,
    text_build,
)

pytestmark = [pytest.mark.django_db]


class Room:
    """A meeting with a chair, a secretariat and delegations to negotiate a text in it."""

    def __init__(self) -> None:
        conference = conference_build()
        self.meeting = meeting_build(conference, status=Meeting.Status.OPEN)
        self.chair = participant_build(conference, role=Role.CHAIR)
        self.secretariat = participant_build(conference, role=Role.SECRETARIAT)
        self.delegates = [participant_build(conference) for _ in range(4)]

    def text(self) -> NegotiationText:
        return text_build(self.secretariat, clauses=[("pp", "Recalling;"), ("op", "Decides;")])

    def version(self, text: NegotiationText, clause: int) -> int:
        text.refresh_from_db()
        return selectors.text_state(text).clauses[clause].version

    def negotiate(self, text: NegotiationText, key: int, delegates: list[Participant]) -> None:
        """Each delegate tables a bracket on clause ``key`` and takes a position on it, and
        the chair accepts the last proposal."""
        for delegate in delegates:
            services.proposal_table(
                actor=delegate,
                meeting=self.meeting,
                text=text,
                kind="bracket_add",
                clause=key,
                operation={"span": None},
                base_version=self.version(text, key),
            )
            services.position_take(
                actor=delegate,
                meeting=self.meeting,
                text=text,
                target="clause",
                key=key,
                stance="reserve",
                base_version=self.version(text, key),
            )
        text.refresh_from_db()
        last = max(selectors.text_state(text).proposals)
        services.proposal_accept(
            actor=self.chair,
            meeting=self.meeting,
            text=text,
            proposal=last,
            base_version=selectors.text_state(text).proposals[last].version,
        )
        text.refresh_from_db()


def queries(read: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured)


@pytest.fixture
def room() -> Room:
    return Room()


def test_a_clause_history_takes_one_query_however_long(
    room: Room, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    """The clause's events with their actors, delegations, meetings and agenda items: the
    history as its export renders it (who did what, where) reads nothing more."""
    short, long = room.text(), room.text()
    room.negotiate(short, 2, room.delegates[:1])
    room.negotiate(long, 2, room.delegates)
    assert len(selectors.clause_history(long, 2)) > len(selectors.clause_history(short, 2))
    with django_assert_max_num_queries(1) as captured:
        document = exports.history_document(long, 2, "html")
    assert room.chair.display_name.encode() in document.body
    assert queries(lambda: exports.history_document(short, 2, "html")) == len(captured)


def test_the_compilation_takes_four_queries_however_much_was_proposed(
    room: Room, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    """The projection's clauses, proposals and positions, and the log replayed once to check
    them (the template reads nothing more)."""
    short, long = room.text(), room.text()
    room.negotiate(short, 2, room.delegates[:1])
    for key in (1, 2):
        room.negotiate(long, key, room.delegates)
    with django_assert_max_num_queries(4) as captured:
        document = exports.text_document(long, "compilation", "html")
    assert b"Decides" in document.body
    assert queries(lambda: exports.text_document(short, "compilation", "html")) == len(captured)
