"""Refusals are told to each person in their interface language, over the room socket and
over HTTP; the error's ``code`` stays the same English identifier for every client."""

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore

from server.accounts.language import interface_language_set, socket_language
from server.common.asyncdb import db_async
from server.conferences.models import Meeting, Participant
from tests.support.permissions import action_post
from tests.support.room_sockets import Connect

ONLY_PRESIDING = {
    "en": "Only the chair, a vice-chair or a facilitator may do this.",
    "fr": "Seuls la présidence, une vice-présidence ou un facilitateur peuvent effectuer "
    "cette opération.",
}
NO_PARTICIPANT = {
    "en": "No participant 999999 in this meeting.",
    "es": "No hay participante 999999 en esta sesión.",
}


def _chooses(username: str, language: str) -> None:
    user = get_user_model().objects.get(username=username)
    interface_language_set(user=user, language=language)


@pytest.mark.django_db(transaction=True)
async def test_a_refusal_over_the_socket_is_in_the_participants_language(
    connect: Connect, plenary: Meeting
) -> None:
    await db_async(_chooses)("kenya", "fr")
    kenya = await connect("kenya", plenary)
    await kenya.receive_until("snapshot")
    france = await connect("france", plenary)  # no language of their own: English
    await france.receive_until("snapshot")

    refused = await kenya.call("meeting.suspend")
    assert (refused["type"], refused["code"]) == ("error", "forbidden")
    assert refused["message"] == ONLY_PRESIDING["fr"]
    refused = await france.call("meeting.suspend")
    assert (refused["code"], refused["message"]) == ("forbidden", ONLY_PRESIDING["en"])

    # The consumer's own refusals too (a message it cannot read).
    unknown = await kenya.call("floor.steal")
    assert unknown["code"] == "unknown_type"
    assert unknown["message"] == "Type de message inconnu 'floor.steal'."


@pytest.mark.django_db
def test_a_refusal_over_http_is_in_the_participants_language(
    plenary: Meeting, person: Callable[[str], Participant]
) -> None:
    kenya, chair = person("kenya"), person("chair")
    status, body = action_post(kenya, plenary, "meeting.suspend", {}, browser_language="en")
    assert (status, body) == (403, {"code": "forbidden", "message": ONLY_PRESIDING["en"]})

    _chooses("kenya", "fr")  # a new session (each post logs in afresh): their own language wins
    status, body = action_post(kenya, plenary, "meeting.suspend", {}, browser_language="en")
    assert (status, body) == (403, {"code": "forbidden", "message": ONLY_PRESIDING["fr"]})

    # Without a choice of their own, the browser's language; the hole filled in it.
    refused = action_post(
        chair, plenary, "floor.give", {"participant": 999999}, browser_language="es"
    )
    assert refused == (404, {"code": "not_found", "message": NO_PARTICIPANT["es"]})


@pytest.mark.django_db
def test_a_sockets_language_is_the_persons_else_the_browsers(plenary: Meeting) -> None:
    anonymous: dict[str, object] = {"user": AnonymousUser(), "session": SessionStore()}
    russian = [(b"accept-language", b"ru,en;q=0.5")]
    assert socket_language({**anonymous, "headers": russian}) == "ru"
    assert socket_language({**anonymous, "cookies": {"django_language": "ar"}}) == "ar"
    assert socket_language({**anonymous, "headers": [(b"accept-language", b"de")]}) == "en"
    _chooses("kenya", "zh-hans")
    kenya = get_user_model().objects.get(username="kenya")
    chosen = {"user": kenya, "session": SessionStore(), "cookies": {"django_language": "ar"}}
    assert socket_language(chosen) == "zh-hans"
