"""A secret ballot stores tallies and who has voted, never who chose what: every table of the
database, and every room event, is searched for a link between a delegation and its choice."""

import contextlib
from collections import Counter
from datetime import date, datetime

import pytest
from django.db import connection, transaction

from server.common.errors import Conflict, InvalidInput, NotFound
from server.rooms.models import RoomEvent
from server.votes.models import Voter

from .conftest import TIME, Room, Undo, ids_restart

pytestmark = [pytest.mark.django_db]


def every_row() -> list[tuple[str, tuple[object, ...]]]:
    """Every row of every table, read with SQL (not through the models' idea of them)."""
    rows: list[tuple[str, tuple[object, ...]]] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            rows.extend((table, row) for row in cursor.fetchall())
    return rows


def test_an_election_by_secret_ballot(room: Room) -> None:
    decision = room.vote("secret")
    room.cast("Brazil", decision, None, candidate=1)
    room.cast("Chile", decision, None, candidate=1)
    room.cast("Denmark", decision, None, candidate=2)
    room.cast("Egypt", decision, "abstain")
    with pytest.raises(Conflict, match="cannot be changed"):
        room.cast("Brazil", decision, None, candidate=2)
    with pytest.raises(NotFound):
        room.cast("Fiji", decision, None, candidate=3)
    with pytest.raises(InvalidInput):
        room.cast("Fiji", decision, "yes")
    result = room.close(decision)[0].data["decision"]["result"]
    assert result["candidates"] == [
        {"name": "Ms. Ana Souza", "votes": 2},
        {"name": "Mr. Lars Holm", "votes": 1},
    ]
    assert (result["outcome"], result["elected"], result["required"]) == (
        "elected",
        "Ms. Ana Souza",
        2,
    )
    assert (result["abstain"], result["in_favour"], result["not_voting"]) == (1, [], [])


def _timeless(value: object) -> object:
    return "<time>" if isinstance(value, datetime | date) else value


def stored_after(room: Room, choices: dict[str, int]) -> Counter[tuple[str, str]]:
    """Every row of the database after an election in which each delegation named votes for
    the candidate given, then undone. Times are left out (they differ from run to run), and
    the tables' id sequences start where they did, so ids are the same on each run."""
    rows: Counter[tuple[str, str]] = Counter()
    with contextlib.suppress(Undo), transaction.atomic():
        ids_restart()
        decision = room.vote("secret")
        for name, candidate in choices.items():
            room.cast(name, decision, None, candidate=candidate)
        room.close(decision)
        rows.update(
            (table, TIME.sub("<time>", repr(tuple(_timeless(value) for value in row))))
            for table, row in every_row()
        )
        raise Undo
    return rows


def test_no_stored_row_or_event_links_a_delegation_to_its_ballot(room: Room) -> None:
    """Brazil votes for candidate 1 and Chile for 2, or the other way round: every table and
    every room event hold exactly the same either way, so nothing stored can tell who chose
    what. (How many voted for whom is stored: a different tally is told apart.)"""
    one_way = stored_after(room, {"Brazil": 1, "Chile": 2, "Denmark": 1})
    swapped = stored_after(room, {"Brazil": 2, "Chile": 1, "Denmark": 1})
    assert one_way == swapped
    tallied_otherwise = stored_after(room, {"Brazil": 2, "Chile": 2, "Denmark": 1})
    assert tallied_otherwise != one_way
    assert any(table == RoomEvent._meta.db_table for table, _ in one_way)
    voters = {table for table, _ in one_way if table == Voter._meta.db_table}
    assert voters == {Voter._meta.db_table}  # who has voted is stored
