"""A permission test for every interpretation operation, over the same path as the socket:
only a booth's assigned interpreters take its microphone or choose its source; only the one
holding it hands it over, releases or mutes it; every participant who attends (observers,
the staff, interpreters) chooses their own channel. Each refusal happens in a state where
someone allowed succeeds (tests/support/permissions.py) and writes nothing. Interpreters
never take the floor, raise a hand or vote."""

from collections.abc import Callable
from typing import Any

import pytest

from server.conferences.models import Meeting, Participant
from server.interpretation.models import ChannelChoice
from server.rooms.actions import ACTIONS
from server.rooms.models import SpeakerEntry
from tests.support.builders import conference_build, meeting_build, participant_build
from tests.support.permissions import action_post, only_allowed_may

from .conftest import Booths

pytestmark = [pytest.mark.django_db]

INTERPRETATION = [name for name in ACTIONS if name.startswith("interpretation.")]


def free_booth(booths: Booths) -> tuple[dict[str, Any], list[str], list[str]]:
    booths.connect("es1", "es2", "fr1", "en1")
    return {"booth": "es"}, ["es1", "es2"], ["fr1", "en1"]


def held_booth(booths: Booths) -> tuple[dict[str, Any], list[str], list[str]]:
    booths.connect("es1", "es2", "fr1")
    booths.take("es1")
    return {"booth": "es"}, ["es1"], ["es2", "fr1"]


def with_data(
    setup: Callable[[Booths], tuple[dict[str, Any], list[str], list[str]]], **data: Any
) -> Callable[[Booths], tuple[dict[str, Any], list[str], list[str]]]:
    def run(booths: Booths) -> tuple[dict[str, Any], list[str], list[str]]:
        base, allowed, refused = setup(booths)
        return {**base, **data}, allowed, refused

    return run


CASES = {
    "interpretation.take": free_booth,
    "interpretation.handover": held_booth,
    "interpretation.release": held_booth,
    "interpretation.mute": with_data(held_booth, muted=True),
    "interpretation.source": with_data(free_booth, source="en"),
}


def test_every_interpretation_operation_has_a_permission_test() -> None:
    assert sorted(INTERPRETATION) == sorted([*CASES, "interpretation.listen"])


@pytest.mark.parametrize("operation", sorted(CASES))
def test_only_the_booth_s_interpreters_act_on_it(booths: Booths, operation: str) -> None:
    data, allowed, refused = CASES[operation](booths)
    others = [booths.chair, booths.secretariat, booths.delegate, booths.observer]
    only_allowed_may(
        booths.meeting,
        operation,
        data,
        allowed=[booths[name] for name in allowed],
        refused=[*(booths[name] for name in refused), *others],
    )


def test_every_attendee_chooses_their_own_channel(booths: Booths) -> None:
    def choices() -> list[tuple[int, str, bool]]:
        return list(ChannelChoice.objects.values_list("participant_id", "channel", "floor_under"))

    closed = meeting_build(booths.conference, kind=Meeting.Kind.CLOSED)
    attending = [booths.delegate, booths.observer, booths.chair, booths.secretariat, booths["fr1"]]
    for participant in attending:
        status, body = action_post(
            participant, booths.meeting, "interpretation.listen", {"channel": "es"}
        )
        assert (status, body) == (200, {"seqs": []})
    assert sorted(choices()) == sorted((p.pk, "es", False) for p in attending)
    status, body = action_post(
        booths.other_delegate, closed, "interpretation.listen", {"channel": "fr"}
    )
    assert (status, body["code"]) == (403, "forbidden")
    stranger = participant_build(conference_build())
    status, body = action_post(stranger, booths.meeting, "interpretation.listen", {"channel": ""})
    assert (status, body["code"]) == (404, "not_found")
    assert sorted(choices()) == sorted((p.pk, "es", False) for p in attending)


def test_interpreters_attend_closed_sessions_but_never_take_the_floor(booths: Booths) -> None:
    closed = meeting_build(booths.conference, kind=Meeting.Kind.CLOSED, status=Meeting.Status.OPEN)
    es1 = booths["es1"]
    status, _ = action_post(es1, closed, "chat.send", {"text": "Could we have the text?"})
    assert status == 200
    refusals: list[tuple[Participant, str, dict[str, Any]]] = [
        (es1, "floor.request", {}),
        (es1, "floor.request", {"kind": "point_of_order"}),
        (es1, "hand.raise", {}),
        (booths.chair, "speakers.add", {"participant": es1.pk}),
        (booths.chair, "floor.give", {"participant": es1.pk}),
    ]
    for actor, operation, data in refusals:
        status, body = action_post(actor, closed, operation, data)
        assert (status, body["code"]) == (403, "forbidden"), (operation, body)
        assert "Interpreters" in body["message"]
    assert not SpeakerEntry.objects.filter(participant=es1).exists()
    status, body = action_post(booths.delegate, closed, "floor.request", {})
    assert (status, body["code"]) == (403, "forbidden")  # not admitted: the closed session


def test_interpreters_do_not_vote(booths: Booths) -> None:
    from server.conferences.roles import may_vote
    from server.votes.services import vote_open
    from server.votes.services.opening import Question, Rules

    opened = vote_open(
        actor=booths.chair,
        meeting=booths.meeting,
        question=Question(question="Draft resolution L.1", subject="text"),
        rules=Rules(kind="recorded"),
        candidates=[],
    )
    decision = opened.data["decision"]
    assert isinstance(decision, dict)
    ballot = {"decision": decision["id"], "choice": "yes"}
    status, body = action_post(booths["es1"], booths.meeting, "vote.cast", ballot)
    assert (status, body["code"]) == (403, "forbidden")
    status, body = action_post(booths["es1"], booths.meeting, "decision.object", ballot)
    assert (status, body["code"]) == (403, "forbidden")
    assert not may_vote(booths["es1"])
