"""An open meeting of a small conference: a chair, five member delegations voting through
their delegates (Brazil with an alternate too), an adviser, an observer and the secretariat."""

import re
from typing import Any

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection

from server.conferences.models import Delegation, Meeting, Participant
from server.rooms.models import RoomEvent
from server.votes import services
from server.votes.services.opening import Question, Rules
from tests.support.builders import (
    Role,
    conference_build,
    delegation_build,
    meeting_build,
    participant_build,
)

NAMES = ("Brazil", "Chile", "Denmark", "Egypt", "Fiji")


class Room:
    def __init__(self) -> None:
        conference = self.conference = conference_build()
        self.meeting = meeting_build(conference, status=Meeting.Status.OPEN)
        self.chair = participant_build(conference, role=Role.CHAIR)
        self.vice_chair = participant_build(conference, role=Role.VICE_CHAIR)
        self.facilitator = participant_build(conference, role=Role.FACILITATOR)
        self.secretariat = participant_build(conference, role=Role.SECRETARIAT)
        self.delegates: dict[str, Participant] = {}
        for name in NAMES:
            delegation = delegation_build(conference, code=name[:3].upper())
            Delegation.objects.filter(pk=delegation.pk).update(name=name)
            delegation.refresh_from_db()
            self.delegates[name] = participant_build(
                conference, role=Role.DELEGATE, delegation=delegation
            )
        brazil = self.delegates["Brazil"].delegation
        self.alternate = participant_build(conference, role=Role.DELEGATE, delegation=brazil)
        self.adviser = participant_build(conference, role=Role.ADVISER, delegation=brazil)
        self.observer = participant_build(conference, role=Role.OBSERVER)

    def vote(self, kind: str = "recorded", **rules: Any) -> int:
        question = Question(question="Draft resolution L.1", subject="text")
        if kind == "secret":
            question = Question(question="Election of the Rapporteur", subject="election")
        candidates = rules.pop(
            "candidates", ["Ms. Ana Souza", "Mr. Lars Holm"] * (kind == "secret")
        )
        event = services.vote_open(
            actor=self.chair,
            meeting=self.meeting,
            question=question,
            rules=Rules(kind=kind, **rules),
            candidates=candidates,
        )
        return int(event.data["decision"]["id"])

    def cast(
        self, name: str, decision: int, choice: str | None, candidate: int | None = None
    ) -> RoomEvent:
        return services.vote_cast(
            actor=self.delegates[name],
            meeting=self.meeting,
            decision_id=decision,
            choice=choice,
            candidate=candidate,
        )

    def close(self, decision: int) -> list[RoomEvent]:
        return services.decision_close(actor=self.chair, meeting=self.meeting, decision_id=decision)


@pytest.fixture
def room(db: None) -> Room:
    return Room()


TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")


class Undo(Exception):
    """Rolls a scenario back to its savepoint."""


def ids_restart() -> None:
    """Each table's next id as if the rows rolled back had never been written (PostgreSQL's
    sequences do not roll back; SQLite's do): two runs of a scenario then write the same ids."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)
