"""The pages and exports over HTTP, and the operations through the room's action endpoint."""

import io
import json
import zipfile
from xml.etree import ElementTree

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, example, given, reject, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from server.common.errors import PlenaryError
from server.conferences.models import Conference, Meeting
from server.negotiation import services
from server.negotiation.demo import negotiation_demo_load
from server.negotiation.exports import AKN_NS, akoma_ntoso
from server.negotiation.models import NegotiationText
from server.rooms.models import RoomEvent

from .conftest import Person, clause_version, now

pytestmark = [pytest.mark.django_db]


def client_for(username: str, language: str = "en") -> Client:
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def demo_text(demo: Conference) -> NegotiationText:
    return negotiation_demo_load(demo)


def test_the_text_page_shows_numbers_brackets_options_statuses_and_positions(
    demo_text: NegotiationText,
) -> None:
    page = client_for("brazil").get(f"/negotiation/{demo_text.pk}/").content.decode()
    assert 'data-testid="clause-PP1"' in page and "status-agreed" in page
    assert '[Option 3: USD 1.3 trillion <span class="by">(BRA, KEN, MEX, SEN)</span>]' in page
    assert '<li class="stance-oppose"><strong>EU</strong> oppose' in page
    assert "Table a proposal for Brazil" in page and "Accept proposal" not in page
    chair_page = client_for("chair").get(f"/negotiation/{demo_text.pk}/").content.decode()
    assert "Accept proposal 3" in chair_page and "Table a proposal" not in chair_page
    assert (
        "Withdraw proposal 3"
        in client_for("japan").get(f"/negotiation/{demo_text.pk}/").content.decode()
    )


def test_pages_need_a_participant_of_the_conference(demo_text: NegotiationText) -> None:
    assert Client(HTTP_HOST="127.0.0.1").get(f"/negotiation/{demo_text.pk}/").status_code == 302
    assert client_for("wmo").get(f"/negotiation/{demo_text.pk}/").status_code == 200
    assert client_for("wmo").get("/negotiation/999/").status_code == 404


def test_history_diff_and_as_of_pages(demo_text: NegotiationText) -> None:
    client = client_for("kenya")
    history = client.get(f"/negotiation/{demo_text.pk}/clauses/5/").content.decode()
    assert (
        "BRA proposed to option add (proposal 1), inviting KEN, MEX, SEN to co-sponsor" in history
        and "SEN co-sponsors proposal 1" in history
        and "<ins> | USD 1.3 trillion</ins>" in history
    )
    diff = client.get(f"/negotiation/{demo_text.pk}/diff?from=12&to=30").content.decode()
    assert "<ins>[</ins>from all public and private sources<ins>]</ins>" in diff
    old = client.get(f"/negotiation/{demo_text.pk}/?at=13").content.decode()
    assert "As of event 13" in old and "Option 2: USD 500 billion]" in old and "Option 3" not in old


def test_a_history_reads_in_the_reader_s_language_and_its_exports_in_the_text_s(
    demo_text: NegotiationText,
) -> None:
    english, french = "SEN co-sponsors proposal 1", "SEN se porte coauteur de la proposition 1"
    reader = client_for("kenya", "fr")
    history = f"/negotiation/{demo_text.pk}/clauses/5/"
    page = reader.get(history).content.decode()
    assert french in page and english not in page
    body = reader.get(f"/negotiation/{demo_text.pk}/body?since={demo_text.event_count - 3}")
    assert 'data-summary="3 modifications, la dernière : Paragraphe ' in body.content.decode()
    report = reader.get(f"{history}history.html").content.decode()
    assert english in report and french not in report  # the text is in English

    NegotiationText.objects.filter(pk=demo_text.pk).update(language="fr")
    english_reader = client_for("kenya")
    docx = zipfile.ZipFile(io.BytesIO(english_reader.get(f"{history}history.docx").content))
    assert french in docx.read("word/document.xml").decode()
    base = f"/negotiation/{demo_text.pk}/export"
    compilation = english_reader.get(f"{base}/compilation.html").content.decode()
    assert "remplacer « in 2028 » par « in 2027 »" in compilation


def test_exports(demo_text: NegotiationText) -> None:
    client = client_for("eu")
    base = f"/negotiation/{demo_text.pk}/export"
    compilation = client.get(f"{base}/compilation.html").content.decode()
    assert "Proposal 3 (JPN): replace “in 2028” with “in 2027”" in compilation
    clean = client.get(f"{base}/clean.html").content.decode()
    assert (
        "Recalling Article 9" in clean
        and "Decides that" not in clean
        and "[" not in clean.split("<body>")[1]
    )
    pdf = PdfReader(io.BytesIO(client.get(f"{base}/compilation.pdf").content))
    assert "[Option 3: USD 1.3" in " ".join(p.extract_text() for p in pdf.pages)
    docx = zipfile.ZipFile(io.BytesIO(client.get(f"{base}/clean.docx").content))
    assert "Recalling Article 9" in docx.read("word/document.xml").decode()
    akn = client.get(f"{base}/compilation.xml").content.decode()
    assert "<akomaNtoso" in akn and 'eId="clause_5"' in akn and "<recital" in akn
    report = client.get(f"/negotiation/{demo_text.pk}/clauses/5/history.pdf")
    assert report["Content-Type"] == "application/pdf"
    assert client.get(f"{base}/other.pdf").status_code == 404


# Text the services accept (no control character but tab and newline; markup, entities, any
# script): generating refused text would only be thrown away.
ACCEPTED_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from("\t\n"),
    min_size=1,
    max_size=60,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@example(title="Title\x0c\ufffe", words="Clause\x0b\x1b\x00")  # refused: nothing to export
@given(title=ACCEPTED_TEXT, words=ACCEPTED_TEXT)
def test_akoma_ntoso_parses_as_xml_whatever_the_text_holds(
    demo: Conference, person: Person, title: str, words: str
) -> None:
    """Titles and clauses with control characters, markup or entities: every export that the
    services accept is well-formed XML and keeps the printable text."""
    secretariat = person("secretariat")
    hostile = f"{words} <p>&amp;</p>"
    try:
        text = services.text_create(
            actor=secretariat, slug=f"t{NegotiationText.objects.count()}", title=title
        )
        for kind in ("section", "pp"):
            services.clause_add(
                actor=secretariat,
                text=text,
                kind=kind,
                markup=hostile,
                base_version=now(text).structure_version,
            )
    except PlenaryError:
        reject()  # not accepted: nothing to export
    compilation, clean = (ElementTree.fromstring(akoma_ntoso(text, clean=c)) for c in (False, True))
    assert clean.tag == compilation.tag == f"{{{AKN_NS}}}akomaNtoso"
    assert "<p>&amp;</p>" in "".join(compilation.itertext())


def test_operations_through_the_room_action_endpoint(
    demo_text: NegotiationText, plenary: Meeting
) -> None:
    body = {
        "text": demo_text.pk,
        "kind": "bracket_add",
        "clause": 12,
        "operation": {"span": "in 2028"},
        "base_version": clause_version(demo_text, 12),
        "cosponsors": ["BRA"],
        "rationale": "Open.",
    }
    reply = client_for("mexico").post(
        f"/api/meetings/{plenary.pk}/actions/negotiation.propose",
        json.dumps(body),
        content_type="application/json",
    )
    assert reply.status_code == 200
    event = RoomEvent.objects.get(meeting=plenary, seq=reply.json()["seqs"][0])
    assert event.type == "negotiation.proposal.tabled"
    assert (event.data["payload"]["cosponsors"], event.data["payload"]["invited"]) == ([], ["BRA"])
    stale = client_for("chair").post(
        f"/api/meetings/{plenary.pk}/actions/negotiation.status",
        json.dumps({"text": demo_text.pk, "clause": 12, "status": "agreed", "base_version": 0}),
        content_type="application/json",
    )
    assert stale.status_code == 409 and "changed since version 0" in stale.json()["message"]
    forbidden = client_for("mexico").post(
        f"/api/meetings/{plenary.pk}/actions/negotiation.accept",
        json.dumps(
            {
                "text": demo_text.pk,
                "proposal": 5,
                "base_version": now(demo_text).proposals[5].version,
            }
        ),
        content_type="application/json",
    )
    assert forbidden.status_code == 403


def test_the_demo_text_verifies_and_loads_once(
    demo_text: NegotiationText, demo: Conference
) -> None:
    assert negotiation_demo_load(demo).pk == demo_text.pk
    from server.negotiation.selectors import chain_verify

    assert chain_verify(demo_text).ok and demo_text.event_count == 33


def test_the_home_page_links_each_conference_s_texts(demo_text: NegotiationText) -> None:
    home = client_for("kenya").get("/").content.decode()
    section = home.split('data-testid="texts"')[1]
    assert f"<h3>{demo_text.conference.title}</h3>" in section
    assert f'<a href="/negotiation/{demo_text.pk}/">{demo_text.title}</a>' in section


def test_the_body_since_a_version_says_in_one_line_what_changed(
    demo_text: NegotiationText,
) -> None:
    def summary(since: int) -> str:
        page = client_for("kenya").get(f"/negotiation/{demo_text.pk}/body?since={since}")
        return page.content.decode().split('data-summary="')[1].split('"')[0]

    version = demo_text.event_count
    latest = summary(version - 1)
    assert latest.startswith("Clause ") and ": status: " in latest and "\n" not in latest
    assert summary(version - 3) == f"3 changes, the latest: {latest}"
    assert summary(version) == ""
    full = client_for("kenya").get(f"/negotiation/{demo_text.pk}/body").content.decode()
    assert 'data-summary=""' in full
