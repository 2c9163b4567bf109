"""The record of the recorded demo meeting, as assembled from what the platform holds: every
attendee, every floor turn, every final segment and every agreed clause; in order, in each
language, in a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from server.captions.models import Recording, SegmentTranslation, TranscriptSegment
from server.captions.services import (
    RedoSegment,
    caption_commit,
    recording_open,
    transcript_replace,
    translation_commit,
)
from server.conferences.models import Meeting
from server.minutes import exports, selectors, services
from server.minutes.layout import Document, document
from server.minutes.models import Minutes
from server.minutes.record import Outcome, Proceeding, record_from_json, record_to_json
from server.negotiation.content import plain
from server.negotiation.models import NegotiationEvent
from server.negotiation.selectors import text_state
from server.rooms import services as room
from server.rooms.models import FloorTurn, RoomEvent

from .conftest import Person

pytestmark = [pytest.mark.django_db]


def laid_out(minutes: Minutes, language: str = "en") -> Document:
    record = selectors.minutes_record(minutes)
    return document(record, minutes, language=language, summaries={})


def in_english(segment: TranscriptSegment) -> str:
    translation = SegmentTranslation.objects.filter(segment=segment, language="en").first()
    return translation.text if translation else segment.text


def test_the_minutes_hold_every_attendee_turn_final_segment_and_agreed_clause(
    recorded: Meeting, verbatim: Minutes
) -> None:
    text = exports.markdown(laid_out(verbatim))
    joined = RoomEvent.objects.filter(meeting=recorded, type="presence.joined")
    attendees = {e.actor.display_name for e in joined if e.actor}
    assert len(attendees) == 11 and all(name in text for name in attendees)
    turns = FloorTurn.objects.filter(meeting=recorded).select_related("participant", "delegation")
    assert turns.count() == 9
    for turn in turns:
        if turn.delegation is None:
            continue  # the Chair speaks as "The Chair", named in the header
        assert f"**{turn.participant.display_name}** ({turn.delegation.name})" in text
    assert text.count("**The Chair**") == 3
    segments = TranscriptSegment.objects.filter(meeting=recorded)
    assert segments.count() == 12
    assert all(in_english(segment) in text for segment in segments)
    agreed = [
        e for e in NegotiationEvent.objects.filter(meeting=recorded) if e.kind == "clause.status"
    ]
    assert len(agreed) == 2
    clauses = text_state(agreed[0].text).clauses
    for event in agreed:
        key = event.payload["effects"][0]["clause"]
        assert f"> {plain(clauses[key].content)}" in text
    assert "agreed ad referendum:" in text and "PP1 of “Draft conclusions" in text


def test_statements_are_in_speaking_order_with_paragraphs_numbered_through(
    verbatim: Minutes,
) -> None:
    doc = laid_out(verbatim)
    numbers = [p.number for part in doc.parts for b in part.blocks for p in b.paragraphs]
    assert [n for n in numbers if n] == list(range(1, 20))
    leads = [p.lead for part in doc.parts for b in part.blocks for p in b.paragraphs if p.lead]
    assert leads == [
        "The Chair",
        "Mr. David Otieno",
        "Sr. Javier Martín",
        "Mme Claire Dubois",
        "The Chair",
        "Mr. Hiroshi Sato",
        "Ms. Katrin Weber",
        "M. Ousmane Diop",
        "The Chair",
    ]
    headings = [part.heading for part in doc.parts]
    assert headings == [
        None,
        "Agenda item 1: Adoption of the agenda",
        "Agenda item 2: Operationalization of the fund for responding to loss and damage",
        "Agenda item 3: Closure of the meeting",
    ]


def test_points_of_order_rulings_suspensions_and_decisions_are_recorded(
    verbatim: Minutes,
) -> None:
    text = exports.markdown(laid_out(verbatim))
    assert "**Mme Claire Dubois** (France) (spoke in French) (on a point of order): Point" in text
    assert "**The Chair** (ruling on the point of order): I thank France." in text
    assert "(in exercise of the right of reply)" in text
    order = [
        "*The meeting was called to order at",
        "*The meeting was suspended at",
        "*The meeting resumed at",
        "Proposal 1 was tabled by SEN on paragraph 2",  # KEN was invited to co-sponsor
        "replace “in 2026” with “in 2027”",
        "Proposal 1 on “Draft conclusions on the fund for responding to loss and damage” was "
        "accepted.",
        "Proposal 2 was tabled by EU on paragraph 1",
        "Proposal 2 on “Draft conclusions on the fund for responding to loss and damage” was "
        "rejected.",
        "*The meeting rose at",
    ]
    assert [text.index(line) for line in order] == sorted(text.index(line) for line in order)
    # Markdown escapes the brackets of the label as it does those of any value.
    assert "**Mr. Hiroshi Sato** (Japan): \\[No transcript of this statement.\\]" in text


def test_attendance_gives_each_stay_in_the_room(verbatim: Minutes) -> None:
    record = selectors.minutes_record(verbatim)
    stays = {a.person.name: a.stays for a in record.attendance}
    assert len(stays["Ms. Grace Wanjiru"]) == 2
    assert all(stay.left is not None for person in stays.values() for stay in person)
    closed = record.header.closed
    assert closed is not None and stays["Dr. Li Wei"][0].left is not None
    assert stays["Dr. Li Wei"][0].left < closed
    groups = {g.heading: g.lines for g in laid_out(verbatim).attendance}
    assert list(groups) == ["Bureau", "Delegations", "Observers", "Secretariat"]
    assert groups["Observers"][0].startswith("World Meteorological Organization: Dr. Li Wei (")
    kenya = next(line for line in groups["Delegations"] if line.startswith("Kenya:"))
    assert re.fullmatch(r"Kenya: Mr\. David Otieno \(.+\); Ms\. Grace Wanjiru \(.+, .+\)", kenya)


def test_each_language_uses_the_translation_else_the_original_marked(
    verbatim: Minutes,
) -> None:
    french = exports.markdown(laid_out(verbatim, "fr"))
    assert "Point 2 de l'ordre du jour : Operationalization" in french
    assert "**Mr. David Otieno** (Kenya) (parle en anglais): Merci, Madame la Présidente." in french
    assert "**Mme Claire Dubois** (France) (motion d'ordre): Motion d'ordre" in french
    # Spain's second sentence has no French translation: given in Spanish, marked.
    assert "*\\[espagnol, non traduit\\]* Anunciamos hoy una contribución adicional" in french
    spanish = exports.markdown(laid_out(verbatim, "es"))
    assert "*\\[inglés, sin traducir\\]* The European Union welcomes" in spanish
    assert "Se levanta la sesión a las" in spanish
    english = exports.markdown(laid_out(verbatim))
    assert "*\\[French, not translated\\]* Le Sénégal remercie" in english
    assert selectors.minutes_record(verbatim).languages == ("en", "es", "fr")


def test_segments_replaced_by_a_new_transcription_are_left_out(
    recorded: Meeting, verbatim: Minutes
) -> None:
    spain = TranscriptSegment.objects.filter(meeting=recorded, language="es").first()
    assert spain is not None and spain.recording is not None
    redo = RedoSegment(
        language="es",
        text="Gracias, Presidenta. España apoya poner en marcha el fondo ya.",
        words=[(0.0, 3.0, "Gracias")],
        start=0.0,
        end=3.0,
        translations={"en": ("Thank you, Chair. Spain supports starting the fund now.", "t")},
    )
    transcript_replace(recording=spain.recording, segments=[redo])
    text = exports.markdown(laid_out(verbatim))
    assert "Thank you, Chair. Spain supports starting the fund now." in text
    assert "Spain supports making the fund operational" not in text
    assert "twenty million euros" not in text  # the whole recording was transcribed again


def test_the_record_is_kept_as_json_unchanged(verbatim: Minutes) -> None:
    record = selectors.minutes_record(verbatim)
    assert record_from_json(record_to_json(record)) == record
    entries = [e for s in record.sections for e in s.entries]
    assert {type(e) for e in entries if not hasattr(e, "passages")} == {Proceeding, Outcome}


def test_the_record_takes_as_many_queries_however_long_the_meeting(
    demo: object, person: Person
) -> None:
    meeting = Meeting.objects.get(symbol="CF/2026/PV.1")
    chair = person("chair")

    def hold(speakers: list[str]) -> int:
        """Each speaker says two things, translated, and the secretariat corrects one."""
        for username in speakers:
            speaker = person(username)
            room.connection_open(
                meeting=meeting, participant=speaker, channel_name=username, server_id="t"
            )
            room.floor_give(actor=chair, meeting=meeting, participant_id=speaker.pk)
            recording, _ = recording_open(meeting=meeting, participant=speaker, format="pcm16")
            for start in (0.0, 2.0):
                said = caption_commit(
                    recording=recording,
                    language="en",
                    text=f"{username} at {start}",
                    words=[(start, start + 1, username)],
                    offset_start=start,
                    offset_end=start + 1,
                )
                translation_commit(segment=said, language="fr", text="…", engine="t")
            services.segment_correct(
                actor=person("secretariat"), segment_id=said.pk, language="en", text="x", reason="y"
            )
            room.connection_close(channel_name=username)
        with CaptureQueriesContext(connection) as queries:
            selectors.meeting_record(meeting)
        return len(queries)

    assert hold(["kenya"]) == hold(["spain", "france", "japan", "eu", "brazil"])


def test_the_record_of_the_recorded_meeting_takes_twelve_queries(
    recorded: Meeting, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    """The meeting, its agenda, its room events, floor turns, segments, their translations and
    corrections, the booths' interpretations, its negotiation events, the log of the one text
    it changed, its decisions, and its booth events (none: the interpreters would be one
    more)."""
    with django_assert_max_num_queries(12):
        record = selectors.meeting_record(recorded)
    assert record.statements() and record.attendance
    assert any(
        isinstance(entry, Outcome) for section in record.sections for entry in section.entries
    )


def test_a_statement_in_another_language_reads_as_the_booth_interpreted_it(
    recorded: Meeting, verbatim: Minutes
) -> None:
    """Where the English booth interpreted Senegal's French statement, the English record
    gives the interpretation, marked, instead of the French left untranslated; the French
    record keeps Senegal's own words, and an English statement keeps its own."""
    senegal = TranscriptSegment.objects.get(meeting=recorded, text__startswith="Le Sénégal")
    kenya = TranscriptSegment.objects.filter(meeting=recorded, language="en").first()
    assert kenya is not None
    for segment, language, text in (
        (senegal, "en", "Senegal thanks the facilitator for the revised text."),
        (kenya, "fr", "Merci, Madame la Présidente."),
        (kenya, "en", "The booth's own English of an English statement."),
    ):
        booth = Recording.objects.create(
            meeting=recorded,
            turn=segment.turn,
            path=f"booth-{language}.ogg",
            format=Recording.Format.OGG,
            started_at=segment.started_at,
            channel=language,
        )
        caption_commit(
            recording=booth,
            language=language,
            text=text,
            words=[(0.0, 1.0, text)],
            offset_start=0.0,
            offset_end=1.0,
        )
    english = exports.markdown(laid_out(verbatim))
    assert "Senegal thanks the facilitator for the revised text." in english
    assert "*\\[Interpretation from French\\]*" in english
    assert "*\\[French, not translated\\]* Le Sénégal remercie" not in english
    assert "The booth's own English" not in english
    french = exports.markdown(laid_out(verbatim, "fr"))
    assert "Le Sénégal remercie" in french
    assert "Merci, Madame la Présidente." in french
    # The record keeps the interpretation as it keeps the rest (issued minutes are frozen).
    record = selectors.minutes_record(verbatim)
    assert record_from_json(record_to_json(record)) == record
