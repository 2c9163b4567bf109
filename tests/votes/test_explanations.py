"""Explanations of vote are speeches of their own type on the speakers' list, and the minutes
say so; observers may not ask for them."""

import pytest

from server.common.errors import Forbidden
from server.minutes import selectors
from server.minutes import services as minutes_services
from server.minutes.layout import document
from server.minutes.models import Minutes
from server.rooms import services as room_services
from tests.support.permissions import action_post

from .conftest import Room

pytestmark = [pytest.mark.django_db]


def test_an_explanation_of_vote_is_inscribed_and_minuted_as_such(room: Room) -> None:
    chile = room.delegates["Chile"]
    room_services.floor_request(actor=chile, meeting=room.meeting, kind="explanation_before")
    given = room_services.floor_give(
        actor=room.chair, meeting=room.meeting, participant_id=chile.pk
    )
    assert "floor.granted" in [event.type for event in given]
    minutes = minutes_services.minutes_create(
        actor=room.secretariat, meeting=room.meeting, form=Minutes.Form.VERBATIM, language="en"
    )
    doc = document(selectors.minutes_record(minutes), minutes, language="en", summaries={})
    [lead] = [p for part in doc.parts for block in part.blocks for p in block.paragraphs if p.lead]
    assert lead.lead_note == " (Chile) (in explanation of vote before the vote):"


def test_observers_do_not_explain_votes_and_unknown_kinds_are_refused(room: Room) -> None:
    with pytest.raises(Forbidden):
        room_services.floor_request(
            actor=room.observer, meeting=room.meeting, kind="explanation_after"
        )
    status, body = action_post(
        room.delegates["Fiji"], room.meeting, "floor.request", {"kind": "explanation"}
    )
    assert (status, body["code"]) == (400, "wrong_type")
    status, _ = action_post(
        room.delegates["Fiji"], room.meeting, "floor.request", {"kind": "explanation_after"}
    )
    assert status == 200
