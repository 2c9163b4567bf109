"""Co-sponsorship needs consent: naming a delegation invites it; it is a co-sponsor (page,
exports, record) only once one of its members accepts, and it may decline."""

import json
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from server.common.errors import Conflict, Forbidden
from server.conferences.models import Meeting, Participant
from server.negotiation import selectors, services
from server.negotiation.models import NegotiationEvent, NegotiationText
from server.rooms.models import RoomEvent

from .conftest import clause_version, now, proposal_version

pytestmark = [pytest.mark.django_db]
Person = Callable[[str], Participant]


def client_for(username: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    return client


def invite(text: NegotiationText, person: Person, meeting: Meeting, *codes: str) -> int:
    services.proposal_table(
        actor=person("japan"),
        meeting=meeting,
        text=text,
        kind="replace",
        clause=4,
        operation={"old": "in 2028", "new": "in 2027"},
        base_version=clause_version(text, 4),
        cosponsors=list(codes),
    )
    return max(now(text).proposals)


def summaries(text: NegotiationText) -> list[str]:
    return [entry.summary for entry in selectors.clause_history(text, 4)]


def shown(text: NegotiationText) -> tuple[str, str]:
    page = client_for("brazil").get(f"/negotiation/{text.pk}/").content.decode()
    export = client_for("brazil").get(f"/negotiation/{text.pk}/export/compilation.html")
    return page, export.content.decode()


def test_a_cosponsor_is_invited_and_appears_only_once_it_accepts(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    key = invite(text, person, plenary, "EU", "KEN")
    proposal = now(text).proposals[key]
    assert (proposal.cosponsors, proposal.invited) == ((), ("EU", "KEN"))
    assert summaries(text)[-1] == (
        "JPN proposed to replace (proposal 1), inviting EU, KEN to co-sponsor"
    )
    page, export = shown(text)
    assert '<span class="sponsors">JPN</span>' in page
    assert "Invited to co-sponsor (not yet accepted): EU, KEN" in page
    assert "Proposal 1 (JPN):" in export
    eu_page = client_for("eu").get(f"/negotiation/{text.pk}/").content.decode()
    assert "Co-sponsor proposal 1" in eu_page and "Co-sponsor proposal 1" not in page

    services.cosponsor_accept(actor=person("eu"), meeting=plenary, text=text, proposal=key)
    announced = RoomEvent.objects.filter(meeting=plenary).order_by("-seq")[0]
    logged = NegotiationEvent.objects.filter(text=text).order_by("-index")[0]
    assert announced.type == "negotiation.cosponsor.accepted"
    assert announced.data["payload"] == {"proposal": key, "delegation": "EU"}
    assert announced.data["head"] == logged.chain_hash
    page, export = shown(text)
    assert '<span class="sponsors">JPN, EU</span>' in page and "Proposal 1 (JPN, EU):" in export
    assert "not yet accepted): KEN" in page

    services.cosponsor_decline(actor=person("kenya2"), meeting=plenary, text=text, proposal=key)
    proposal = now(text).proposals[key]
    assert (proposal.cosponsors, proposal.invited, proposal.declined) == (("EU",), (), ("KEN",))
    assert summaries(text)[-2:] == [
        "EU co-sponsors proposal 1",
        "KEN declined to co-sponsor proposal 1",
    ]
    page, export = shown(text)
    assert "Invited to co-sponsor" not in page and "KEN" not in export.split("Proposal 1")[1]
    assert selectors.text_as_of(text) == now(text)  # the record replays to the same


def test_only_an_invited_delegation_answers_a_cosponsor_invitation_once(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    key = invite(text, person, plenary, "EU")
    for username in ["brazil", "chair", "secretariat", "wmo", "japan"]:
        for answer in (services.cosponsor_accept, services.cosponsor_decline):
            count = now(text).version
            with pytest.raises(Forbidden):
                answer(actor=person(username), meeting=plenary, text=text, proposal=key)
            assert now(text).version == count
    services.cosponsor_accept(actor=person("eu"), meeting=plenary, text=text, proposal=key)
    with pytest.raises(Conflict, match="EU already accepted"):
        services.cosponsor_decline(actor=person("eu"), meeting=plenary, text=text, proposal=key)
    closed = invite(text, person, plenary, "KEN")
    services.proposal_withdraw(
        actor=person("japan"),
        meeting=plenary,
        text=text,
        proposal=closed,
        base_version=proposal_version(text, closed),
    )
    with pytest.raises(Conflict, match="no longer tabled"):
        services.cosponsor_accept(
            actor=person("kenya"), meeting=plenary, text=text, proposal=closed
        )


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_bad_cosponsor_answers_get_clear_errors_and_change_nothing(
    text: NegotiationText, person: Person, plenary: Meeting, answer: str
) -> None:
    key = invite(text, person, plenary, "EU")
    url = f"/api/meetings/{plenary.pk}/actions/negotiation.cosponsor.{answer}"
    client = client_for("eu")
    count = now(text).version
    for body, status in [
        ({"text": text.pk}, 400),
        ({"text": text.pk, "proposal": "one"}, 400),
        ({"text": text.pk, "proposal": True}, 400),
        ({"text": text.pk, "proposal": 99}, 404),
        ({"text": 999, "proposal": key}, 404),
        ({"proposal": key}, 400),
    ]:
        reply = client.post(url, json.dumps(body), content_type="application/json")
        assert reply.status_code == status, (body, reply.content)
        assert reply.json()["code"] != "internal"
    assert now(text).version == count
    forbidden = client_for("brazil").post(
        url, json.dumps({"text": text.pk, "proposal": key}), content_type="application/json"
    )
    assert forbidden.status_code == 403
    done = client.post(
        url, json.dumps({"text": text.pk, "proposal": key}), content_type="application/json"
    )
    assert done.status_code == 200 and now(text).version == count + 1
