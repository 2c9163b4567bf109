"""Values no field should hold, refused wherever they come in: control characters in any
text (socket and HTTP operations, forms), integers that are not digits 0 to 9 or do not fit
the database (query strings, JSON). Always a clear 400 or error code, nothing stored, and
nothing in the log but a warning."""

import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.test import Client

from server.captions.models import TranscriptSegment
from server.conferences.models import Conference, Delegation, Meeting
from server.minutes.models import Minutes, SegmentRevision
from server.negotiation import selectors
from server.negotiation.models import NegotiationText

from .conftest import client_for, db_state, faults

pytestmark = [pytest.mark.django_db]


TEXT_FIELDS = [
    ("chat.send", "text"),
    ("negotiation.propose", "rationale"),
    ("negotiation.add", "words"),
    ("negotiation.correct", "new"),
    ("negotiation.position", "comment"),
    ("negotiation.reject", "reason"),
    ("negotiation.number", "label"),
    ("negotiation.note", "note"),
    ("captions.language", "language"),
]


def test_a_control_character_is_refused_in_every_text_field(
    plenary: Meeting, negotiated: NegotiationText, caplog: pytest.LogCaptureFixture
) -> None:
    chair = client_for("chair")
    before = db_state()
    for action, field in TEXT_FIELDS:
        data: dict[str, object] = {"text": negotiated.pk, "base_version": 0}
        data[field] = "Decides\x1b[2J to act\x00"
        response = chair.post(
            f"/api/meetings/{plenary.pk}/actions/{action}", json.dumps(data), "application/json"
        )
        assert (response.status_code, response.json()["code"]) == (400, "invalid"), action
        assert f"'data.{field}' holds the control character U+001B" in response.json()["message"]
    assert db_state() == before and faults(caplog) == []


QUERIES = [
    "/api/meetings/{meeting}/events?after={value}",
    "/api/meetings/{meeting}/events?until={value}",
    "/negotiation/{text}/?at={value}",
    "/negotiation/{text}/?meeting={value}",
    "/negotiation/{text}/diff?from={value}",
    "/negotiation/{text}/diff?to={value}",
]


@pytest.mark.parametrize("value", ["²", "9" * 5000, str(2**70), "-1", "0x1f"])
def test_a_query_integer_is_digits_within_the_databases_range(
    plenary: Meeting, negotiated: NegotiationText, caplog: pytest.LogCaptureFixture, value: str
) -> None:
    kenya = client_for("kenya")
    for page in QUERIES:
        response = kenya.get(page.format(meeting=plenary.pk, text=negotiated.pk, value=value))
        assert response.status_code == 400, page
        if page.startswith("/api/"):
            assert response.json()["code"] == "wrong_type"
        assert "must be" in response.content.decode()
    assert faults(caplog) == []


@pytest.mark.parametrize("value", [str(2**70), "9" * 5000, "-" + "9" * 30])
def test_a_json_integer_beyond_the_database_is_wrong_type(
    plenary: Meeting, caplog: pytest.LogCaptureFixture, value: str
) -> None:
    response = client_for("chair").post(
        f"/api/meetings/{plenary.pk}/actions/speakers.add",
        '{"participant": ' + value + "}",
        "application/json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "wrong_type")
    assert faults(caplog) == []


def correct(client: Client, minutes: Minutes, segment: TranscriptSegment, **fields: str) -> str:
    reply = client.post(
        f"/minutes/{minutes.pk}/segments/{segment.pk}/correct",
        {"language": "en", "view": "en", "reason": "As delivered.", **fields},
        follow=True,
    )
    assert reply.status_code == 200
    return str(reply.content.decode())


def test_a_form_refuses_control_characters_and_keeps_line_ends(
    recorded: Meeting, minutes: Minutes, caplog: pytest.LogCaptureFixture
) -> None:
    segment = TranscriptSegment.objects.get(meeting=recorded, text__startswith="The fund must")
    client = client_for("kenya")
    page = correct(client, minutes, segment, text="The fund\x0b must")
    assert "&#x27;text&#x27; holds the control character U+000B" in page
    assert not SegmentRevision.objects.exists()
    corrected = segment.text.replace("this year", "in 2026")
    correct(client, minutes, segment, text=corrected, reason="Two\r\nlines.")
    assert SegmentRevision.objects.get().reason == "Two\nlines."
    assert faults(caplog) == []


@pytest.mark.parametrize("turn", ["²", "9" * 5000, str(2**70)])
def test_a_form_integer_is_digits_within_range(
    minutes: Minutes, caplog: pytest.LogCaptureFixture, turn: str
) -> None:
    reply = client_for("secretariat").post(
        f"/minutes/{minutes.pk}/summary", {"turn": turn, "text": "Summary."}
    )
    assert reply.status_code == 400 and "'turn'" in reply.content.decode()
    assert faults(caplog) == []


def test_the_admin_refuses_a_control_character_in_a_name(demo: Conference) -> None:
    request = HttpRequest()
    request.user = get_user_model().objects.get(username="secretariat")
    delegation = Delegation.objects.get(conference=demo, code="KEN")
    form_class = admin.site._registry[Delegation].get_form(request, delegation)
    form = form_class(
        data={**model_to_dict(delegation), "name": "Kenya\x1b[31m"}, instance=delegation
    )
    assert not form.is_valid()
    assert "U+001B" in str(form.errors["name"])
    user = get_user_model().objects.get(username="kenya")
    user_form = admin.site._registry[type(user)].get_form(request, user)(
        data={**model_to_dict(user), "first_name": "David\x00"}, instance=user
    )
    assert not user_form.is_valid() and "U+0000" in str(user_form.errors["first_name"])


@pytest.mark.parametrize("username", [None, "kenya"])
def test_an_address_too_long_for_any_page_is_refused_before_the_login_redirect(
    plenary: Meeting, caplog: pytest.LogCaptureFixture, username: str | None
) -> None:
    response = client_for(username).get(f"/meetings/{plenary.pk}/?q=" + "x" * 17_000)
    assert response.status_code == 414 and "8192" in response.content.decode()
    assert faults(caplog) == []
    assert client_for(username).get(f"/meetings/{plenary.pk}/?q=" + "x" * 8000).status_code in (
        200,
        302,
    )


@pytest.mark.parametrize("number", ["NaN", "Infinity", "1e999"])
def test_a_number_json_cannot_write_is_refused(
    plenary: Meeting, negotiated: NegotiationText, caplog: pytest.LogCaptureFixture, number: str
) -> None:
    """A transcript reference of NaN seconds would be stored, and PostgreSQL's JSON (and every
    export) has no NaN."""
    body = {
        "text": negotiated.pk,
        "kind": "bracket_add",
        "clause": 12,
        "operation": {"span": "in 2028"},
        "base_version": selectors.text_state(negotiated).clauses[12].version,
    }
    before = db_state()
    reply = client_for("mexico").post(
        f"/api/meetings/{plenary.pk}/actions/negotiation.propose",
        json.dumps(body)[:-1] + f', "transcript": [0, {number}]}}',
        "application/json",
    )
    assert (reply.status_code, reply.json()["code"]) == (400, "bad_json")
    assert db_state() == before and faults(caplog) == []
