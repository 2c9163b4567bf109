"""Builders for unit tests that need a conference, a few participants and a meeting, not the
whole demo. Each takes only what the test cares about; the rest has working defaults, and
names and codes are made unique per call.

    conference = conference_build()
    kenya = delegation_build(conference, code="KEN")
    secretariat = participant_build(conference, role=Role.SECRETARIAT)
    closed = meeting_build(conference, kind=Meeting.Kind.CLOSED, admitted=[kenya])
"""

import itertools
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.utils import timezone

from server.conferences.models import AgendaItem, Conference, Delegation, Meeting, Participant
from server.rooms.models import FloorTurn

Role = Participant.Role
_serial = itertools.count(1)


def conference_build(*, languages: str = "") -> Conference:
    number = next(_serial)
    today = timezone.localdate()
    return Conference.objects.create(
        title=f"Conference {number}",
        slug=f"conference-{number}",
        starts_on=today,
        ends_on=today,
        languages=languages,
    )


def delegation_build(
    conference: Conference,
    *,
    code: str | None = None,
    kind: str = Delegation.Kind.MEMBER_STATE,
) -> Delegation:
    code = code or f"D{next(_serial)}"
    return Delegation.objects.create(
        conference=conference, code=code, name=f"Delegation of {code}", kind=kind
    )


def participant_build(
    conference: Conference,
    *,
    role: str = Role.DELEGATE,
    delegation: Delegation | None = None,
    username: str | None = None,
    language: str = "en",
) -> Participant:
    """A participant with a user of their own (``username``, to log in as them). A delegate,
    adviser or observer without a ``delegation`` gets a new one."""
    username = username or f"user{next(_serial)}"
    if delegation is None and role in (Role.DELEGATE, Role.ADVISER, Role.OBSERVER):
        kind = Delegation.Kind.OBSERVER if role == Role.OBSERVER else Delegation.Kind.MEMBER_STATE
        delegation = delegation_build(conference, kind=kind)
    user = get_user_model().objects.create_user(username)
    return Participant.objects.create(
        conference=conference,
        user=user,
        delegation=delegation,
        role=role,
        display_name=username.title(),
        preferred_language=language,
    )


def meeting_build(
    conference: Conference,
    *,
    kind: str = Meeting.Kind.PLENARY,
    status: str = Meeting.Status.SCHEDULED,
    symbol: str = "",
    admitted: Iterable[Delegation] = (),
    agenda: Iterable[str] = ("Opening",),
) -> Meeting:
    meeting = Meeting.objects.create(
        conference=conference,
        title=f"Meeting {next(_serial)}",
        symbol=symbol,
        kind=kind,
        status=status,
        scheduled_start=timezone.now(),
    )
    meeting.admitted_delegations.set(admitted)
    for position, title in enumerate(agenda, start=1):
        AgendaItem.objects.create(
            meeting=meeting, position=position, number=str(position), title=title
        )
    return meeting


def floor_turn_build(meeting: Meeting, participant: Participant) -> FloorTurn:
    """A statement held (a floor turn, begun now) without going through the room."""
    return FloorTurn.objects.create(
        meeting=meeting,
        participant=participant,
        delegation=participant.delegation,
        started_at=timezone.now(),
        granted_seq=0,
    )
