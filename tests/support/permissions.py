"""Permission tests that cannot pass for a state reason: an operation is refused to someone
only where, in the very same state, someone allowed succeeds at it.

Both go through ``POST /api/meetings/<id>/actions/<type>``, the same operations, checks and
errors as the room socket's messages. The allowed call is undone afterwards (a savepoint), so
each refused one meets the state the allowed one succeeded in."""

import contextlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.test import Client

from server.conferences.models import Meeting, Participant
from server.negotiation.models import NegotiationEvent
from server.rooms.models import RoomEvent


class _Undo(Exception):
    """Raised to roll the allowed call back to its savepoint."""


def action_post(
    participant: Participant,
    meeting: Meeting,
    action: str,
    data: dict[str, Any],
    *,
    browser_language: str = "",
) -> tuple[int, dict[str, Any]]:
    """The operation over HTTP, as ``participant`` (from a browser set to ``browser_language``,
    if given): the status and the JSON body."""
    client = Client(HTTP_ACCEPT_LANGUAGE=browser_language) if browser_language else Client()
    client.force_login(participant.user)
    response = client.post(
        f"/api/meetings/{meeting.pk}/actions/{action}",
        data=json.dumps(data),
        content_type="application/json",
    )
    body: dict[str, Any] = response.json()
    return response.status_code, body


def events_written(meeting: Meeting) -> tuple[int, int]:
    """How many room events the meeting has, and negotiation events the conference has."""
    return (
        RoomEvent.objects.filter(meeting=meeting).count(),
        NegotiationEvent.objects.filter(text__conference_id=meeting.conference_id).count(),
    )


def only_allowed_may(
    meeting: Meeting,
    action: str,
    data: dict[str, Any],
    *,
    allowed: Iterable[Participant],
    refused: Iterable[Participant],
    written: Callable[[], object] | None = None,
) -> None:
    """Each of ``allowed`` succeeds at ``action`` and changes ``written`` (by default: the
    events written), and is undone; then, in the same state, each of ``refused`` gets
    ``forbidden`` and changes nothing."""
    fingerprint = written or (lambda: events_written(meeting))
    before = fingerprint()
    for participant in allowed:
        with contextlib.suppress(_Undo), transaction.atomic():
            status, body = action_post(participant, meeting, action, data)
            assert status == 200, (action, participant.role, body)
            assert fingerprint() != before, f"{action} by {participant.role} changed nothing"
            raise _Undo
        assert fingerprint() == before
    refused = list(refused)
    assert refused
    for participant in refused:
        status, body = action_post(participant, meeting, action, data)
        assert (status, body.get("code")) == (403, "forbidden"), (action, participant.role, body)
        assert fingerprint() == before
