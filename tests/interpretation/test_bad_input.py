"""Bad input to each interpretation operation gets an error naming the problem (never a 500,
``internal`` or a traceback) and writes nothing: an unknown booth, a booth's own language as
its source, a relay chain, wrong types, missing fields. Fields a client adds that an
operation does not name are ignored, as for every operation."""

from typing import Any

import pytest

from server.interpretation.models import BoothState, ChannelChoice
from server.interpretation.services import booth_source
from tests.support.permissions import action_post, events_written

from .conftest import Booths

pytestmark = [pytest.mark.django_db]

CASES: list[tuple[str, dict[str, Any], int, str]] = [
    ("interpretation.take", {}, 400, "missing_field"),
    ("interpretation.take", {"booth": 5}, 400, "wrong_type"),
    ("interpretation.take", {"booth": None}, 400, "wrong_type"),
    ("interpretation.take", {"booth": ["es"]}, 400, "wrong_type"),
    ("interpretation.take", {"booth": "ar"}, 404, "not_found"),
    ("interpretation.take", {"booth": ""}, 404, "not_found"),
    ("interpretation.take", {"booth": "x" * 9}, 400, "invalid"),
    ("interpretation.take", {"booth": "e\u0000s"}, 400, "invalid"),
    ("interpretation.take", {"booth": "es"}, 409, "conflict"),  # es1 holds it
    ("interpretation.handover", {}, 400, "missing_field"),
    ("interpretation.handover", {"booth": "es", "to": "2"}, 400, "wrong_type"),
    ("interpretation.handover", {"booth": "es", "to": 2**70}, 400, "wrong_type"),
    ("interpretation.handover", {"booth": "es", "to": 999999}, 400, "invalid"),
    ("interpretation.handover", {"booth": "zz"}, 404, "not_found"),
    ("interpretation.release", {"booth": 1.5}, 400, "wrong_type"),
    ("interpretation.release", {"booth": "zz"}, 404, "not_found"),
    ("interpretation.mute", {"booth": "es"}, 400, "missing_field"),
    ("interpretation.mute", {"booth": "es", "muted": "yes"}, 400, "wrong_type"),
    ("interpretation.mute", {"booth": "es", "muted": 1}, 400, "wrong_type"),
    ("interpretation.mute", {"booth": "es", "muted": None}, 400, "wrong_type"),
    ("interpretation.source", {"booth": "es"}, 400, "missing_field"),
    ("interpretation.source", {"booth": "es", "source": 3}, 400, "wrong_type"),
    ("interpretation.source", {"booth": "es", "source": "es"}, 400, "invalid"),
    ("interpretation.source", {"booth": "es", "source": "ar"}, 404, "not_found"),
    ("interpretation.source", {"booth": "es", "source": "fr"}, 400, "invalid"),  # fr relays
    ("interpretation.source", {"booth": "es", "source": "x" * 9}, 400, "invalid"),
    ("interpretation.listen", {}, 400, "missing_field"),
    ("interpretation.listen", {"channel": 1}, 400, "wrong_type"),
    ("interpretation.listen", {"channel": "zz"}, 404, "not_found"),
    ("interpretation.listen", {"channel": "es", "floor_under": "no"}, 400, "wrong_type"),
    ("interpretation.listen", {"channel": {"es": 1}}, 400, "wrong_type"),
]


def written(booths: Booths) -> tuple[object, ...]:
    states = list(BoothState.objects.values_list("live", "source", "muted", "handover_to"))
    return events_written(booths.meeting), states, ChannelChoice.objects.count()


@pytest.fixture
def relaying(booths: Booths) -> Booths:
    """es1 holds the Spanish microphone; the French booth relays English."""
    booths.connect("es1", "es2", "fr1")
    booths.take("es1")
    booth_source(actor=booths["fr1"], meeting=booths.meeting, language="fr", source="en")
    return booths


@pytest.mark.parametrize(("operation", "data", "status", "code"), CASES)
def test_bad_input_names_the_problem_and_writes_nothing(
    relaying: Booths, operation: str, data: dict[str, Any], status: int, code: str
) -> None:
    actor = relaying["es2"] if operation == "interpretation.take" else relaying["es1"]
    before = written(relaying)
    answer, body = action_post(actor, relaying.meeting, operation, data)
    assert (answer, body["code"]) == (status, code), body
    assert body["message"] and "Traceback" not in body["message"]
    assert written(relaying) == before


def test_fields_an_operation_does_not_name_are_ignored(relaying: Booths) -> None:
    answer, body = action_post(
        relaying["es1"],
        relaying.meeting,
        "interpretation.mute",
        {"booth": "es", "muted": True, "live": 7},
    )
    assert answer == 200 and len(body["seqs"]) == 1
    assert relaying.booth("es")["muted"] is True
    answer, body = action_post(
        relaying.delegate,
        relaying.meeting,
        "interpretation.listen",
        {"channel": "fr", "floor_under": True, "booth": "zz"},
    )
    assert (answer, body) == (200, {"seqs": []})
