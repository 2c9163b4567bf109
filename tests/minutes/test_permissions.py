"""Who may do what with minutes: a test for every operation (minutes/permissions.py)."""

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model

from server.captions.models import TranscriptSegment
from server.common.errors import Forbidden
from server.conferences.models import Meeting
from server.minutes import services
from server.minutes.models import Minutes, SegmentRevision
from tests.support.builders import (
    Role,
    conference_build,
    delegation_build,
    floor_turn_build,
    meeting_build,
    participant_build,
)

from .conftest import Person, client_for

pytestmark = [pytest.mark.django_db]
NOT_SECRETARIAT = [Role.CHAIR, Role.VICE_CHAIR, Role.DELEGATE, Role.ADVISER, Role.OBSERVER]


def said_by(meeting: Meeting, username: str) -> TranscriptSegment:
    return TranscriptSegment.objects.filter(
        meeting=meeting, speaker__user__username=username
    ).first() or pytest.fail(f"{username} said nothing")


@pytest.mark.parametrize("role", NOT_SECRETARIAT)
def test_only_the_secretariat_prepares_summarises_issues_and_reopens(role: str) -> None:
    conference = conference_build()
    held = meeting_build(conference, status=Meeting.Status.CLOSED)
    secretariat = participant_build(conference, role=Role.SECRETARIAT)
    summary = services.minutes_create(
        actor=secretariat, meeting=held, form="summary", language="en"
    )
    who = participant_build(conference, role=role)
    turn = floor_turn_build(held, who)
    operations: list[Callable[[], object]] = [
        lambda: services.minutes_create(actor=who, meeting=held, form="verbatim", language="fr"),
        lambda: services.summary_write(actor=who, minutes=summary, turn_id=turn.pk, text="S."),
        lambda: services.summary_draft(actor=who, minutes=summary, turn_id=turn.pk),
        lambda: services.minutes_issue(actor=who, minutes=summary),
        lambda: services.minutes_reopen(actor=who, minutes=summary, reason="Why not."),
    ]
    for operation in operations:
        with pytest.raises(Forbidden, match="Only the secretariat"):
            operation()
    assert Minutes.objects.count() == 1 and not summary.summaries.exists()


def test_the_secretariat_corrects_any_statement(recorded: Meeting, person: Person) -> None:
    for speaker in ("kenya", "spain", "chair"):
        segment = said_by(recorded, speaker)
        services.segment_correct(
            actor=person("secretariat"),
            segment_id=segment.pk,
            language=segment.language,
            text="Corrected.",
            reason="Checked against the recording.",
        )
    assert SegmentRevision.objects.count() == 3


def test_a_delegation_corrects_its_own_statements_only(recorded: Meeting, person: Person) -> None:
    kenya = said_by(recorded, "kenya")
    for member in ("kenya", "kenya2"):  # the delegate and the adviser
        services.segment_correct(
            actor=person(member),
            segment_id=kenya.pk,
            language="en",
            text=f"Corrected by {member}.",
            reason="As delivered.",
        )
    for other, segment in [
        ("spain", kenya),
        ("kenya", said_by(recorded, "spain")),
        ("wmo", kenya),
        ("chair", said_by(recorded, "chair")),  # the bureau corrects through the secretariat
    ]:
        with pytest.raises(Forbidden, match="only its own statements"):
            services.segment_correct(
                actor=person(other), segment_id=segment.pk, language="en", text="No.", reason="No."
            )
    assert SegmentRevision.objects.count() == 2


def test_correction_forms_are_offered_to_those_who_may_correct(
    recorded: Meeting, verbatim: Minutes
) -> None:
    def forms(username: str) -> set[int]:
        page = client_for(username).get(f"/minutes/{verbatim.pk}/").content.decode()
        return {
            segment.pk
            for segment in TranscriptSegment.objects.filter(meeting=recorded)
            if f"/segments/{segment.pk}/correct" in page
        }

    everything = set(
        TranscriptSegment.objects.filter(meeting=recorded).values_list("pk", flat=True)
    )
    assert forms("secretariat") == everything
    assert forms("kenya") == {said_by(recorded, "kenya").pk} | set(
        TranscriptSegment.objects.filter(meeting=recorded, delegation__code="KEN").values_list(
            "pk", flat=True
        )
    )
    assert forms("chair") == set() and forms("wmo") == set()


def test_pages_and_exports_are_for_those_who_may_attend() -> None:
    conference = conference_build()
    kenya = delegation_build(conference, code="KEN")
    closed_session = meeting_build(conference, kind=Meeting.Kind.CLOSED, admitted=[kenya])
    participant_build(conference, delegation=kenya, username="kenya")
    participant_build(conference, username="senegal")
    secretariat = participant_build(conference, role=Role.SECRETARIAT)
    minutes = services.minutes_create(
        actor=secretariat, meeting=closed_session, form="verbatim", language="en"
    )
    paths = [
        f"/minutes/meetings/{closed_session.pk}/",
        f"/minutes/{minutes.pk}/",
        f"/minutes/{minutes.pk}/audit",
        f"/minutes/{minutes.pk}/export.md",
    ]
    get_user_model().objects.create_user("visitor", password="x")
    for path in paths:
        assert client_for("kenya").get(path).status_code == 200, path
        assert client_for("senegal").get(path).status_code == 404, path  # not admitted
        assert client_for("visitor").get(path).status_code == 404, path
    assert client_for("senegal").post(f"/minutes/{minutes.pk}/issue").status_code == 404


def test_forms_post_only_what_the_poster_may_do(recorded: Meeting, verbatim: Minutes) -> None:
    kenya = client_for("kenya")
    reply = kenya.post(f"/minutes/{verbatim.pk}/issue", follow=True)
    assert "Only the secretariat" in reply.content.decode()
    verbatim.refresh_from_db()
    assert verbatim.state == Minutes.State.DRAFT
    spain = said_by(recorded, "spain")
    reply = kenya.post(
        f"/minutes/{verbatim.pk}/segments/{spain.pk}/correct",
        {"language": "es", "text": "No.", "reason": "No."},
        follow=True,
    )
    assert "only its own statements" in reply.content.decode()
    assert not SegmentRevision.objects.exists()
