"""Fuzz fixtures: the demo conference with its negotiated text and recorded meeting, a
snapshot of everything stored, and the check that nothing went wrong on the server."""

import logging
from collections.abc import Callable, Iterator

import pytest
from channels.layers import channel_layers
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client

from server.captions.models import Recording
from server.conferences.models import Conference, Meeting, Participant
from server.minutes import services as minutes_services
from server.minutes.demo import minutes_demo_load
from server.minutes.models import Minutes
from server.negotiation.demo import negotiation_demo_load
from server.negotiation.models import NegotiationText
from server.rooms.models import RoomConnection
from tests.captions.conftest import floor, open_speech, recordings_dir  # noqa: F401
from tests.media.conftest import open_media  # noqa: F401

State = dict[str, list[tuple[object, ...]]]
VOLATILE = {RoomConnection}  # presence: who is connected, touched by every socket


def db_state() -> State:
    """Every row Plenary stores, but presence."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model.__module__.startswith("server.") and model not in VOLATILE
    }


def room_state() -> State:
    """What a speech socket's control message must not change: all but its recording's
    progress, which the socket saves as it goes."""
    state = db_state()
    del state[Recording._meta.label]
    return state


def faults(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the server logged as an error or with a traceback."""
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.ERROR or r.exc_info is not None
    ]


def client_for(username: str | None) -> Client:
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def layer() -> Iterator[str]:
    """Sockets here run on the in-process layer only (the room tests cover Redis)."""
    channel_layers.backends.clear()
    yield "memory"
    channel_layers.backends.clear()


@pytest.fixture
def negotiated(demo: Conference) -> NegotiationText:
    return negotiation_demo_load(demo)


@pytest.fixture
def recorded(demo: Conference) -> Meeting:
    return minutes_demo_load(demo)


@pytest.fixture
def minutes(recorded: Meeting, person: Callable[[str], Participant]) -> Minutes:
    return minutes_services.minutes_create(
        actor=person("secretariat"), meeting=recorded, form="verbatim", language="en"
    )
