"""Minutes services: corrections kept as revisions and shown in the record, summaries, issuing
(what is issued never changes), reopening as a corrigendum."""

import logging

import pytest

from server.captions.models import SegmentTranslation, TranscriptSegment
from server.captions.services import RedoSegment, transcript_replace, translation_commit
from server.common.errors import Conflict, InvalidInput
from server.conferences.models import Meeting
from server.minutes import exports, selectors, services
from server.minutes.layout import document
from server.minutes.models import Minutes, SegmentRevision, StatementSummary
from server.rooms.models import FloorTurn
from tests.support.builders import Role, conference_build, meeting_build, participant_build

from .conftest import Person

pytestmark = [pytest.mark.django_db]


def text_of(minutes: Minutes, language: str = "en") -> str:
    minutes.refresh_from_db()
    record = selectors.minutes_record(minutes)
    summaries = {turn: s.text for turn, s in selectors.summaries_of(minutes).items()}
    doc = document(record, minutes, language=language, summaries=summaries)
    return exports.markdown(doc)


def segment(meeting: Meeting, starting: str) -> TranscriptSegment:
    return TranscriptSegment.objects.get(meeting=meeting, text__startswith=starting)


def test_a_correction_is_a_revision_the_original_is_kept(
    recorded: Meeting, verbatim: Minutes, person: Person
) -> None:
    kenya = segment(recorded, "The fund must be operational")
    original = kenya.text
    first = services.segment_correct(
        actor=person("secretariat"),
        segment_id=kenya.pk,
        language="en",
        text=original.replace("this year", "in 2026"),
        reason="The speaker said 2026.",
    )
    second = services.segment_correct(
        actor=person("kenya"),
        segment_id=kenya.pk,
        language="en",
        text=first.text.replace("most vulnerable", "poorest and most vulnerable"),
        reason="As delivered.",
    )
    kenya.refresh_from_db()
    assert kenya.text == original
    assert (first.previous, first.by, first.reason) == (
        original,
        person("secretariat"),
        "The speaker said 2026.",
    )
    assert second.previous == first.text and second.by == person("kenya")
    assert first.at <= second.at
    text = text_of(verbatim)
    assert (
        "must be operational in 2026, with new and additional resources and direct access for "
        "the poorest and most vulnerable communities." in text
    )
    assert original not in text
    audit = selectors.corrections_in(recorded)
    assert [c.revision for c in audit] == [first, second]
    changed = {
        kind: " ".join(r.text for r in audit[0].diff if r.kind == kind) for kind in ("ins", "del")
    }
    assert changed == {"del": "this year,", "ins": "in 2026,"}


def test_a_translation_is_corrected_in_its_own_language(
    recorded: Meeting, verbatim: Minutes, person: Person
) -> None:
    spain = segment(recorded, "Anunciamos hoy")
    services.segment_correct(
        actor=person("spain"),
        segment_id=spain.pk,
        language="en",
        text="Today we announce a further contribution of EUR 20 million.",
        reason="Translation.",
    )
    assert "Today we announce a further contribution of EUR 20 million." in text_of(verbatim)
    assert "Anunciamos hoy una contribución adicional" in text_of(verbatim, "es")
    assert SegmentTranslation.objects.get(segment=spain, language="en").text.startswith(
        "Today we announce an additional"
    )
    with pytest.raises(InvalidInput, match="no text in 'fr'"):
        services.segment_correct(
            actor=person("spain"), segment_id=spain.pk, language="fr", text="x", reason="y"
        )


def test_corrections_need_a_change_and_a_reason(recorded: Meeting, person: Person) -> None:
    kenya = segment(recorded, "The fund must be operational")
    secretariat = person("secretariat")
    with pytest.raises(InvalidInput, match="same as the current"):
        services.segment_correct(
            actor=secretariat, segment_id=kenya.pk, language="en", text=kenya.text, reason="None."
        )
    with pytest.raises(InvalidInput, match="reason"):
        services.segment_correct(
            actor=secretariat, segment_id=kenya.pk, language="en", text="Other.", reason="  "
        )
    assert not SegmentRevision.objects.exists()


def test_a_superseded_segment_is_not_corrected(recorded: Meeting, person: Person) -> None:
    chair = segment(recorded, "We have concluded")
    assert chair.recording is not None
    redo = RedoSegment("en", "We have concluded. The meeting is adjourned.", [], 0.0, 2.0, {})
    transcript_replace(recording=chair.recording, segments=[redo])
    with pytest.raises(Conflict, match="replaced by a new transcription"):
        services.segment_correct(
            actor=person("secretariat"), segment_id=chair.pk, language="en", text="x", reason="y"
        )


def test_summaries_are_written_per_statement(
    recorded: Meeting, summary: Minutes, person: Person
) -> None:
    kenya = FloorTurn.objects.get(meeting=recorded, participant=person("kenya"))
    written = services.summary_write(
        actor=person("secretariat"),
        minutes=summary,
        turn_id=kenya.pk,
        text="Mr. Otieno (Kenya), speaking on behalf of the African Group, said that the fund "
        "must be operational this year.\n\nIt needed new and additional resources.",
    )
    assert written.source == StatementSummary.Source.WRITER
    text = text_of(summary)
    assert "2\\. **Mr. David Otieno** (Kenya): Mr. Otieno (Kenya), speaking on behalf" in text
    assert "3\\. It needed new and additional resources." in text
    assert (
        "4\\. **Sr. Javier Martín** (Spain) (spoke in Spanish): \\[Summary to be written.\\]"
        in text
    )
    french = text_of(summary, "fr")
    assert "*\\[anglais, non traduit\\]* Mr. Otieno (Kenya), speaking" in french
    with pytest.raises(Conflict, match="verbatim record has no summaries"):
        services.summary_write(
            actor=person("secretariat"),
            minutes=services.minutes_create(
                actor=person("secretariat"), meeting=recorded, form="verbatim", language="fr"
            ),
            turn_id=kenya.pk,
            text="…",
        )


def test_minutes_are_started_once_per_form_and_language() -> None:
    conference = conference_build()
    meeting = meeting_build(conference, symbol="CF/2026/PV.9")
    secretariat = participant_build(conference, role=Role.SECRETARIAT)
    verbatim = services.minutes_create(
        actor=secretariat, meeting=meeting, form="verbatim", language="en"
    )
    with pytest.raises(Conflict, match="exists already"):
        services.minutes_create(actor=secretariat, meeting=meeting, form="verbatim", language="en")
    with pytest.raises(InvalidInput):
        services.minutes_create(actor=secretariat, meeting=meeting, form="poem", language="en")
    with pytest.raises(InvalidInput):
        services.minutes_create(
            actor=secretariat, meeting=meeting, form="verbatim", language="english!"
        )
    services.minutes_create(actor=secretariat, meeting=meeting, form="summary", language="en")
    services.minutes_create(actor=secretariat, meeting=meeting, form="verbatim", language="fr")
    assert verbatim.symbol == "CF/2026/PV.9" and verbatim.version == 1
    assert Minutes.objects.filter(meeting=meeting).count() == 3


def test_issued_minutes_cannot_change(recorded: Meeting, summary: Minutes, person: Person) -> None:
    secretariat = person("secretariat")
    turns = FloorTurn.objects.filter(meeting=recorded)
    for turn in turns:
        services.summary_write(
            actor=secretariat, minutes=summary, turn_id=turn.pk, text=f"Summary of {turn.pk}."
        )
    services.minutes_issue(actor=secretariat, minutes=summary)
    issued_text = text_of(summary)
    assert summary.state == Minutes.State.ISSUED and summary.issued_by == secretariat
    senegal = segment(recorded, "Le Sénégal remercie")
    with pytest.raises(Conflict, match="is issued"):
        services.summary_write(
            actor=secretariat, minutes=summary, turn_id=turns[0].pk, text="Changed."
        )
    with pytest.raises(Conflict, match="is issued"):
        services.segment_correct(
            actor=person("senegal"),
            segment_id=senegal.pk,
            language="fr",
            text="Changé.",
            reason="r",
        )
    with pytest.raises(Conflict, match="is issued"):
        services.minutes_issue(actor=secretariat, minutes=summary)
    # What the platform holds may still change (a late translation, a new transcription):
    # the issued record does not.
    translation_commit(segment=senegal, language="en", text="Senegal thanks the EU.", engine="t")
    as_held_now = Minutes(meeting=recorded, form="verbatim", language="en")
    assert "Senegal thanks the EU." in exports.markdown(
        document(selectors.meeting_record(recorded), as_held_now, language="en", summaries={})
    )
    assert text_of(summary) == issued_text
    assert not SegmentRevision.objects.exists()


def test_a_summary_record_is_issued_with_every_statement_summarised(
    recorded: Meeting, summary: Minutes, person: Person
) -> None:
    with pytest.raises(Conflict, match="9 statements have no summary yet"):
        services.minutes_issue(actor=person("secretariat"), minutes=summary)


def test_minutes_are_issued_once_the_meeting_has_closed(demo: object, person: Person) -> None:
    open_meeting = Meeting.objects.get(symbol="CF/2026/PV.1")
    minutes = services.minutes_create(
        actor=person("secretariat"), meeting=open_meeting, form="verbatim", language="en"
    )
    with pytest.raises(Conflict, match="once the meeting has closed"):
        services.minutes_issue(actor=person("secretariat"), minutes=minutes)


def test_reopening_issues_a_corrigendum_and_leaves_the_issued_version_as_it_was(
    recorded: Meeting, summary: Minutes, person: Person
) -> None:
    secretariat = person("secretariat")
    for turn in FloorTurn.objects.filter(meeting=recorded):
        services.summary_write(actor=secretariat, minutes=summary, turn_id=turn.pk, text="Said.")
    services.minutes_issue(actor=secretariat, minutes=summary)
    issued_text = text_of(summary)
    corrigendum = services.minutes_reopen(
        actor=secretariat, minutes=summary, reason="Kenya asked for a correction."
    )
    assert (corrigendum.version, corrigendum.corrigendum_of, corrigendum.state) == (
        2,
        summary,
        Minutes.State.DRAFT,
    )
    assert corrigendum.symbol == "CF/2026/PV.2/Corr.1"
    assert len(selectors.summaries_of(corrigendum)) == 9
    kenya = segment(recorded, "The fund must be operational")
    services.segment_correct(
        actor=person("kenya"), segment_id=kenya.pk, language="en", text="Corrected.", reason="r"
    )
    kenya_turn = FloorTurn.objects.get(meeting=recorded, participant=person("kenya"))
    services.summary_write(
        actor=secretariat, minutes=corrigendum, turn_id=kenya_turn.pk, text="Said again."
    )
    assert text_of(summary) == issued_text and "Said again." not in issued_text
    assert "Said again." in text_of(corrigendum) and "Corrigendum Draft" in text_of(corrigendum)
    with pytest.raises(Conflict, match="reopened already"):
        services.minutes_reopen(actor=secretariat, minutes=summary, reason="Again.")
    with pytest.raises(Conflict, match="is a draft"):
        services.minutes_reopen(actor=secretariat, minutes=corrigendum, reason="Again.")
    services.minutes_issue(actor=secretariat, minutes=corrigendum)
    assert selectors.issued_latest(recorded) == corrigendum


def test_speech_is_not_written_to_the_logs(
    recorded: Meeting, verbatim: Minutes, person: Person, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    kenya = segment(recorded, "The fund must be operational")
    services.segment_correct(
        actor=person("kenya"),
        segment_id=kenya.pk,
        language="en",
        text="A confidential correction.",
        reason="A confidential reason.",
    )
    services.minutes_issue(actor=person("secretariat"), minutes=verbatim)
    exports.minutes_export(
        document(selectors.minutes_record(verbatim), verbatim, language="en", summaries={}), "docx"
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "segment" in logged and "issued" in logged
    assert "confidential" not in logged and "fund" not in logged
