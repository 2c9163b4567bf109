"""A page that loses its socket during a vote and comes back (or finds the server restarted:
every state is in the database) gets what it missed, votes, and hears the result."""

from typing import Any

import pytest

from server.common.asyncdb import db_async
from tests.support.room_sockets import Connect

from .conftest import Room

pytestmark = [pytest.mark.django_db(transaction=True)]


async def test_a_delegation_reconnecting_during_a_vote_catches_up_and_votes(
    connect: Connect,
) -> None:
    room = await db_async(Room)()
    fiji = room.delegates["Fiji"].user.username
    first = await connect(fiji, room.meeting)
    await first.receive_until("snapshot")
    decision = await db_async(room.vote)("recorded")
    opened = await first.receive_until("decision.opened")
    await first.close()

    await db_async(room.cast)("Brazil", decision, "yes")
    again = await connect(fiji, room.meeting, last_seq=opened["seq"])
    missed = await again.receive_until("ballot.cast")
    assert (
        missed["data"]["decision"]["voted"] == ["BRA"]
        and missed["data"]["decision"]["result"] is None
    )
    await again.receive_until("synced")
    ack = await again.call("vote.cast", {"decision": decision, "choice": "no"})
    assert ack["type"] == "ack", ack
    closed: list[Any] = await db_async(room.close)(decision)
    announced = await again.receive_until("decision.closed")
    assert announced["seq"] == closed[0].seq
    result = announced["data"]["decision"]["result"]
    assert (result["in_favour"], result["against"], result["outcome"]) == (
        ["Brazil"],
        ["Fiji"],
        "rejected",
    )
