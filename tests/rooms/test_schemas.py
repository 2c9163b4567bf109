"""Every room, captions and negotiation operation reads its input through one declared
schema: the socket and the HTTP action endpoint give the same errors, which the schema
decides (missing_field, wrong_type, invalid)."""

from collections.abc import Callable
from typing import get_args

import pytest

from server.common.errors import InvalidInput
from server.common.schemas import Operation, operation_parse
from server.conferences.models import Meeting, Participant
from server.rooms.actions import ACTIONS, Action
from server.rooms.models import RoomEvent, SpeakerEntry
from server.rooms.schemas import ChatSend, SpeakerKind, SpeakersRemove
from tests.rooms.test_http import client_for, post


def test_every_operation_declares_its_input() -> None:
    undeclared = [n for n, a in ACTIONS.items() if not issubclass(a.schema, Operation)]
    families = {name.split(".")[0] for name in ACTIONS}
    assert (undeclared, families >= {"chat", "meeting", "captions", "negotiation"}) == ([], True)


def test_speaker_kinds_are_the_models() -> None:
    assert set(get_args(SpeakerKind)) == set(SpeakerEntry.Kind.values)


def _refusal(run: Action, actor: Participant, room: Meeting, data: dict[str, object]) -> str:
    with pytest.raises(InvalidInput) as refused:
        run(actor, room, data)
    return f"{refused.value.code}: {refused.value.message}"


@pytest.mark.django_db
def test_each_operations_required_fields_are_checked_by_its_schema(
    plenary: Meeting, person: Callable[[str], Participant]
) -> None:
    """Per operation: nothing sent names the first required field as missing; an object in
    every required field names it as of the wrong type; nothing is stored."""
    chair, before = person("chair"), RoomEvent.objects.count()
    answers, expected = {}, {}
    for name, action in ACTIONS.items():
        required = [f for f, info in action.schema.model_fields.items() if info.is_required()]
        if required:
            first = required[0]
            expected[name] = (
                f"missing_field: The field 'data.{first}' is required.",
                f"wrong_type: The field 'data.{first}' must be ",
            )
            answers[name] = (
                _refusal(action, chair, plenary, {}),
                _refusal(action, chair, plenary, {key: {} for key in required})[
                    : len(expected[name][1])
                ],
            )
    assert answers == expected
    assert RoomEvent.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "data", "code", "names"),
    [
        ("negotiation.propose", {"cosponsors": [1]}, "wrong_type", "data.cosponsors[0]"),
        ("negotiation.propose", {"transcript": [0, True]}, "wrong_type", "data.transcript[1]"),
        ("negotiation.accept", {"transcript": [0]}, "missing_field", "data.transcript[1]"),
        ("negotiation.propose", {"operation": []}, "wrong_type", "data.operation"),
        ("captions.language", {"language": 5}, "wrong_type", "data.language"),
        ("timer.start", {"limit": "60"}, "wrong_type", "data.limit"),
        ("floor.request", {"kind": "filibuster"}, "wrong_type", "point_of_order"),
    ],
)
def test_bad_values_are_named_before_anything_is_looked_up(
    plenary: Meeting, action: str, data: dict[str, object], code: str, names: str
) -> None:
    """The text id 999 names no text: the schema answers before the operation looks."""
    body = {"text": 999, "base_version": 0, "kind": "amend", "proposal": 1} | data
    status, answer = post(client_for("kenya"), plenary, action, body)
    assert (status, answer["code"]) == (400, code)
    assert names in str(answer["message"])


@pytest.mark.parametrize(
    ("schema", "data", "code"),
    [
        (ChatSend, {"text": "bell \x07"}, "invalid"),
        (ChatSend, {"text": True}, "wrong_type"),
        (SpeakersRemove, {"entry": 2**63}, "wrong_type"),
        (SpeakersRemove, {"entry": True}, "wrong_type"),
    ],
)
def test_schemas_check_values_whatever_decoded_them(
    schema: type[Operation], data: dict[str, object], code: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        operation_parse(schema, data)
    assert refused.value.code == code
