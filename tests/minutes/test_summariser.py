"""The summariser hook against a small OpenAI-compatible server started here (standing in
for the organiser's own local model); with no URL set, nothing is sent anywhere."""

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from server.common.errors import Conflict
from server.conferences.models import Meeting
from server.minutes import services
from server.minutes.models import Minutes, StatementSummary
from server.minutes.summariser import SummariserUnavailable
from server.rooms.models import FloorTurn

from .conftest import Person, client_for

pytestmark = [pytest.mark.django_db]
PRECIS = "Mr. Otieno (Kenya), speaking on behalf of the African Group, said that the fund..."


class LocalModel(ThreadingHTTPServer):
    """Answers ``POST /v1/chat/completions`` like an OpenAI-compatible server; keeps what it
    was asked."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Completions)
        self.asked: list[dict[str, object]] = []
        self.status = 200

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1/chat/completions"


class Completions(BaseHTTPRequestHandler):
    server: LocalModel

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.asked.append({"path": self.path, **body})
        answer = {"choices": [{"index": 0, "message": {"role": "assistant", "content": PRECIS}}]}
        encoded = json.dumps(answer).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def local_model() -> Iterator[LocalModel]:
    server = LocalModel()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def kenya_turn(meeting: Meeting, person: Person) -> FloorTurn:
    return FloorTurn.objects.get(meeting=meeting, participant=person("kenya"))


def test_the_summariser_drafts_a_summary_the_writer_then_edits(
    recorded: Meeting,
    summary: Minutes,
    person: Person,
    local_model: LocalModel,
    settings: SettingsWrapper,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.SUMMARISER_URL = local_model.url
    settings.SUMMARISER_MODEL = "local-précis"
    caplog.set_level(logging.DEBUG)
    turn = kenya_turn(recorded, person)
    drafted = services.summary_draft(actor=person("secretariat"), minutes=summary, turn_id=turn.pk)
    assert (drafted.text, drafted.source) == (PRECIS, StatementSummary.Source.SUMMARISER)
    [asked] = local_model.asked
    assert asked["path"] == "/v1/chat/completions" and asked["model"] == "local-précis"
    messages = asked["messages"]
    assert isinstance(messages, list)
    assert "Mr. David Otieno (Kenya)" in messages[0]["content"]
    assert messages[1]["content"].startswith("Thank you, Madam Chair. Kenya speaks on behalf")
    assert "direct access for the most vulnerable communities." in messages[1]["content"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "summariser answered" in logged and "Kenya" not in logged and "fund" not in logged
    edited = services.summary_write(
        actor=person("secretariat"), minutes=summary, turn_id=turn.pk, text=PRECIS + " Edited."
    )
    assert edited.pk == drafted.pk and edited.source == StatementSummary.Source.WRITER


def test_with_no_summariser_url_nothing_is_sent(
    recorded: Meeting, summary: Minutes, person: Person, local_model: LocalModel
) -> None:
    turn = kenya_turn(recorded, person)
    with pytest.raises(Conflict, match="No summariser is configured"):
        services.summary_draft(actor=person("secretariat"), minutes=summary, turn_id=turn.pk)
    page = client_for("secretariat").get(f"/minutes/{summary.pk}/").content.decode()
    assert "Draft with the summariser" not in page and "Save the summary" in page
    assert local_model.asked == [] and not StatementSummary.objects.exists()


def test_a_summariser_that_fails_changes_nothing(
    recorded: Meeting,
    summary: Minutes,
    person: Person,
    local_model: LocalModel,
    settings: SettingsWrapper,
) -> None:
    settings.SUMMARISER_URL = local_model.url
    local_model.status = 503
    turn = kenya_turn(recorded, person)
    with pytest.raises(SummariserUnavailable, match="did not answer"):
        services.summary_draft(actor=person("secretariat"), minutes=summary, turn_id=turn.pk)
    assert len(local_model.asked) == 1 and not StatementSummary.objects.exists()


def test_the_page_drafts_through_the_summariser(
    recorded: Meeting,
    summary: Minutes,
    person: Person,
    local_model: LocalModel,
    settings: SettingsWrapper,
) -> None:
    settings.SUMMARISER_URL = local_model.url
    turn = kenya_turn(recorded, person)
    client = client_for("secretariat")
    assert "Draft with the summariser" in client.get(f"/minutes/{summary.pk}/").content.decode()
    reply = client.post(f"/minutes/{summary.pk}/summary/draft", {"turn": turn.pk}, follow=True)
    page = reply.content.decode()
    assert "The summariser drafted the summary" in page and PRECIS in page
