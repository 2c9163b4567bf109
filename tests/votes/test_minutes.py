"""The minutes state each decision and each vote's result in the UN's words, with the names
of a recorded vote, in every export and language, and keep them when issued."""

import pytest

from server.conferences.models import Meeting
from server.minutes import exports, selectors
from server.minutes import services as minutes_services
from server.minutes.layout import document
from server.minutes.models import Minutes
from server.minutes.record import record_from_json, record_to_json
from server.votes import services
from server.votes.services.opening import Question
from tests.support.exports import export_text

from .conftest import Room

pytestmark = [pytest.mark.django_db]

ADOPTED = "Draft resolution L.1 was adopted by a recorded vote of 2 to 1, with 1 abstention."
NAMES = ("In favour: Brazil, Chile.", "Against: Denmark.", "Abstaining: Egypt.")


def decided(room: Room) -> Minutes:
    decision = room.vote("recorded")
    for name, choice in (
        ("Brazil", "yes"),
        ("Chile", "yes"),
        ("Denmark", "no"),
        ("Egypt", "abstain"),
    ):
        room.cast(name, decision, choice)
    room.close(decision)
    agenda = Question(question="The programme of work", subject="other")
    opened = services.decision_open(
        actor=room.chair, meeting=room.meeting, question=agenda, pause=0
    )
    room.close(opened.data["decision"]["id"])
    election = room.vote("secret")
    room.cast("Brazil", election, None, candidate=2)
    room.cast("Chile", election, None, candidate=2)
    room.cast("Fiji", election, "abstain")
    room.close(election)
    return minutes_services.minutes_create(
        actor=room.secretariat, meeting=room.meeting, form=Minutes.Form.VERBATIM, language="en"
    )


def laid_out(minutes: Minutes, language: str = "en") -> list[str]:
    doc = document(selectors.minutes_record(minutes), minutes, language=language, summaries={})
    return [p.text for part in doc.parts for block in part.blocks for p in block.paragraphs]


def test_the_record_states_each_decision_as_the_un_does(room: Room) -> None:
    minutes = decided(room)
    assert laid_out(minutes) == [
        f"{ADOPTED} Required majority: 2.",
        *NAMES,
        "The programme of work was adopted without a vote.",
        "Election of the Rapporteur. Valid ballots: 2; blank ballots: 1; required majority: 2. "
        "Number of votes obtained: Ms. Ana Souza (0); Mr. Lars Holm (2). Having obtained the "
        "required majority, Mr. Lars Holm was elected.",
    ]
    french = laid_out(minutes, "fr")
    assert french[0].startswith("Draft resolution L.1 est adopté par 2 voix contre 1")
    assert "Ont voté pour : Brazil, Chile." in french


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_every_export_lists_the_names(room: Room, fmt: str) -> None:
    minutes = decided(room)
    doc = document(selectors.minutes_record(minutes), minutes, language="en", summaries={})
    text = export_text(exports.minutes_export(doc, fmt).body, fmt)
    for line in ("adopted by a recorded vote of 2 to 1", "Brazil, Chile", "Denmark", "Egypt"):
        assert line in text, (fmt, line)


def test_issued_minutes_keep_the_decisions(room: Room) -> None:
    minutes = decided(room)
    record = selectors.meeting_record(room.meeting)
    assert record_from_json(record_to_json(record)) == record
    draft = laid_out(minutes)
    room.meeting.status = Meeting.Status.CLOSED
    room.meeting.save(update_fields=["status"])
    issued = minutes_services.minutes_issue(actor=room.secretariat, minutes=minutes)
    assert issued.record is not None and laid_out(issued) == draft
