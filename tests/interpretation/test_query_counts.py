"""The snapshot's interpretation part costs a fixed number of queries, however many booths,
interpreters and booth events; a booth operation too."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from server.interpretation import services
from server.interpretation.models import Booth
from server.interpretation.selectors import interpretation_snapshot
from tests.support.builders import Role, participant_build

from .conftest import Booths

pytestmark = [pytest.mark.django_db]


def test_the_interpretation_part_takes_five_queries_however_many_booths(
    booths: Booths, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    """The booths, their interpreters, the reader's channel, the booths' states in the
    meeting and who is connected."""
    meeting, reader = booths.meeting, booths.delegate
    booths.connect("es1", "es2", "fr1")
    booths.take("es1")
    with CaptureQueriesContext(connection) as few:
        interpretation_snapshot(meeting, reader, 0)
    for channel, language in enumerate(("ar", "zh", "ru"), 4):
        booth = Booth.objects.create(
            conference=booths.conference, language=language, channel=channel
        )
        for _ in range(3):
            interpreter = participant_build(booths.conference, role=Role.INTERPRETER)
            booth.interpreters.add(interpreter)
            services.booth_interpreter_connected(meeting.pk, interpreter.pk)
        if language == "ar":
            services.booth_take(actor=interpreter, meeting=meeting, language="ar")
    with django_assert_max_num_queries(5) as captured:
        part = interpretation_snapshot(meeting, booths["es1"], 0)
    assert len(captured) == len(few)
    assert [b["status"] for b in part["booths"]] == [
        "unstaffed",
        "live",
        "silent",
        "live",
        "silent",
        "silent",
    ]
    assert part["my_booths"] == ["es"]


def test_taking_the_microphone_takes_a_fixed_number_of_queries(
    booths: Booths, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    booths.connect("es1", "es2")
    """The booth and its interpreters, the room's lock, the booth's state (made on first
    use), who is connected, the state and the event written."""
    with django_assert_max_num_queries(15):
        booths.take("es1")
    services.booth_release(actor=booths["es1"], meeting=booths.meeting, language="es")
    with django_assert_max_num_queries(12):
        booths.take("es2")
