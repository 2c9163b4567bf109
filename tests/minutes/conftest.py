"""Minutes fixtures: the demo conference with its recorded 2nd plenary meeting (held through
the real room, captions and negotiation services), minutes of it, and logged-in clients."""

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from docx.document import Document as Docx

from server.conferences.models import Conference, Meeting, Participant
from server.minutes import services
from server.minutes.demo import minutes_demo_load
from server.minutes.models import Minutes

Person = Callable[[str], Participant]


@pytest.fixture
def recorded(demo: Conference) -> Meeting:
    """The demo's recorded meeting, closed."""
    return minutes_demo_load(demo)


@pytest.fixture
def verbatim(recorded: Meeting, person: Person) -> Minutes:
    return services.minutes_create(
        actor=person("secretariat"), meeting=recorded, form="verbatim", language="en"
    )


@pytest.fixture
def summary(recorded: Meeting, person: Person) -> Minutes:
    return services.minutes_create(
        actor=person("secretariat"), meeting=recorded, form="summary", language="en"
    )


def client_for(username: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    return client


def headings_of(docx: Docx) -> list[str]:
    return [p.text for p in docx.paragraphs if p.style and p.style.name.startswith("Heading")]
