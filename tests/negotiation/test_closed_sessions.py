"""A text negotiated in a closed session is read only by the delegations admitted to it,
presiding officers and the secretariat: every read path, and its room events."""

import json
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from server.common.errors import Forbidden, InvalidInput, NotFound
from server.conferences.models import Meeting, Participant
from server.negotiation import selectors, services
from server.negotiation.models import NegotiationText
from server.rooms.models import RoomEvent

from .conftest import clause_version, now

pytestmark = [pytest.mark.django_db]
Person = Callable[[str], Participant]
ADMITTED = ["brazil", "kenya2", "chair", "facilitator", "secretariat"]  # BRA, KEN; staff
NOT_ADMITTED = ["japan", "mexico", "wmo"]


def client_for(username: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def secret(person: Person, closed_session: Meeting) -> NegotiationText:
    """A text set up in the (opened) closed session, with a clause and a proposal."""
    Meeting.objects.filter(pk=closed_session.pk).update(status=Meeting.Status.OPEN)
    closed_session.refresh_from_db()
    text = services.text_create(
        actor=person("secretariat"), slug="secret", title="Secret", meeting=closed_session
    )
    services.clause_add(
        actor=person("chair"),
        meeting=closed_session,
        text=text,
        kind="op",
        markup="Decides to [mobilize] finance;",
        base_version=now(text).structure_version,
    )
    services.proposal_table(
        actor=person("brazil"),
        meeting=closed_session,
        text=text,
        kind="replace",
        clause=1,
        operation={"old": "finance", "new": "climate finance"},
        base_version=clause_version(text, 1),
    )
    text.refresh_from_db()
    assert text.session_id == closed_session.pk
    return text


READ_PATHS = [
    "/",
    "/body",
    "/body?since=1",
    "/?at=1",
    "/clauses/1/",
    "/diff?from=0&to=2",
    "/export/compilation.html",
    "/export/clean.docx",
    "/export/compilation.pdf",
    "/export/compilation.xml",
    "/clauses/1/history.html",
    "/receipt.json",
]


@pytest.mark.parametrize("path", READ_PATHS)
def test_a_closed_session_text_is_read_only_by_those_admitted(
    secret: NegotiationText, path: str
) -> None:
    url = f"/negotiation/{secret.pk}{path}"
    for username in NOT_ADMITTED:
        reply = client_for(username).get(url)
        assert reply.status_code == 404, (username, url)
        assert b"Decides" not in reply.content
    for username in ["brazil", "chair"]:
        assert client_for(username).get(url).status_code == 200, (username, url)


def test_the_list_of_texts_shows_a_closed_session_text_only_to_those_admitted(
    secret: NegotiationText, text: NegotiationText
) -> None:
    for username in ADMITTED:
        for page in ("/negotiation/", "/"):
            listed = client_for(username).get(page).content.decode()
            assert "Secret" in listed and "Draft decision" in listed, (username, page)
    for username in NOT_ADMITTED:
        for page in ("/negotiation/", "/"):
            listed = client_for(username).get(page).content.decode()
            assert "Secret" not in listed and "Draft decision" in listed, (username, page)
    assert list(selectors.texts_for(get_user_model().objects.get(username="japan"))) == [text]


def test_a_closed_session_text_changes_and_is_announced_only_in_its_session(
    secret: NegotiationText, person: Person, plenary: Meeting, closed_session: Meeting
) -> None:
    announced = RoomEvent.objects.filter(type__startswith="negotiation.", data__text=secret.pk)
    assert announced.count() == 3
    assert set(announced.values_list("meeting_id", flat=True)) == {closed_session.pk}
    count = now(secret).version
    with pytest.raises(Forbidden, match="closed session only"):
        services.clause_status_set(
            actor=person("chair"),
            meeting=plenary,
            text=secret,
            clause=1,
            status="under_discussion",
            base_version=clause_version(secret, 1),
        )
    with pytest.raises(NotFound):  # as if it did not exist
        services.position_take(
            actor=person("japan"),
            meeting=plenary,
            text=secret,
            target="clause",
            key=1,
            stance="oppose",
            base_version=clause_version(secret, 1),
        )
    assert now(secret).version == count
    refused = client_for("japan").get(f"/api/meetings/{closed_session.pk}/events?after=0")
    assert refused.status_code == 403
    replay = client_for("brazil").get(f"/api/meetings/{closed_session.pk}/events?after=0")
    assert any(e["type"].startswith("negotiation.") for e in replay.json()["events"])
    through_plenary = client_for("japan").post(
        f"/api/meetings/{plenary.pk}/actions/negotiation.position",
        json.dumps(
            {"text": secret.pk, "target": "clause", "id": 1, "stance": "oppose", "base_version": 0}
        ),
        content_type="application/json",
    )
    assert through_plenary.status_code == 404


def test_a_text_belongs_only_to_a_closed_session_of_its_conference(
    person: Person, plenary: Meeting, closed_session: Meeting
) -> None:
    with pytest.raises(InvalidInput, match="closed session of its conference"):
        services.text_create(actor=person("secretariat"), slug="a", title="A", session=plenary)
    with pytest.raises(InvalidInput, match="set up in that session"):
        services.text_create(
            actor=person("chair"), slug="b", title="B", meeting=plenary, session=closed_session
        )
    named = services.text_create(
        actor=person("secretariat"), slug="c", title="C", session=closed_session
    )
    assert named.session_id == closed_session.pk
    assert not NegotiationText.objects.filter(slug__in=["a", "b"]).exists()
