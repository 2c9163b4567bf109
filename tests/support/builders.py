"""Builders for unit tests that need a conference, a few participants and a meeting, not the
whole demo. Each takes only what the test cares about; the rest has working defaults, and
names and codes are made unique per call.

    conference = conference_build()
    kenya = delegation_build(conference, code="KEN")
    secretariat = participant_build(conference, role=Role.SECRETARIAT)
    closed = meeting_build(conference, kind=Meeting.Kind.CLOSED, admitted=[kenya])
    draft = text_build(secretariat, clauses=[("op", "Decides to [act];")])
"""

import itertools
from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.utils import timezone

from server.conferences.models import AgendaItem, Conference, Delegation, Meeting, Participant
from server.negotiation import selectors as negotiation_selectors
from server.negotiation import services as negotiation_services
from server.negotiation.models import NegotiationText
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


# The demo's people by username (role, delegation code, language), for tests written with
# its names: each is made only when a test first names them.
CAST: dict[str, tuple[str, str | None, str]] = {
    "chair": (Role.CHAIR, None, "en"),
    "vicechair": (Role.VICE_CHAIR, None, "en"),
    "facilitator": (Role.FACILITATOR, None, "en"),
    "secretariat": (Role.SECRETARIAT, None, "en"),
    "brazil": (Role.DELEGATE, "BRA", "es"),
    "spain": (Role.DELEGATE, "ESP", "es"),
    "france": (Role.DELEGATE, "FRA", "fr"),
    "kenya": (Role.DELEGATE, "KEN", "en"),
    "kenya2": (Role.ADVISER, "KEN", "en"),
    "mexico": (Role.DELEGATE, "MEX", "es"),
    "senegal": (Role.DELEGATE, "SEN", "fr"),
    "japan": (Role.DELEGATE, "JPN", "en"),
    "eu": (Role.DELEGATE, "EU", "en"),
    "wmo": (Role.OBSERVER, "WMO", "en"),
}
CAST_KINDS = {"EU": Delegation.Kind.ORGANISATION, "WMO": Delegation.Kind.OBSERVER}


def cast_build(conference: Conference) -> Callable[[str], Participant]:
    """``person(username)``: the participant of that ``CAST`` name in ``conference``, made
    when first asked for (delegations are shared: kenya and kenya2 are both KEN)."""
    people: dict[str, Participant] = {}
    delegations: dict[str, Delegation] = {}

    def person(username: str) -> Participant:
        if username not in people:
            role, code, language = CAST[username]
            delegation = None
            if code is not None:
                if code not in delegations:
                    kind = CAST_KINDS.get(code, Delegation.Kind.MEMBER_STATE)
                    delegations[code] = delegation_build(conference, code=code, kind=kind)
                delegation = delegations[code]
            people[username] = participant_build(
                conference, role=role, delegation=delegation, username=username, language=language
            )
        return people[username]

    return person


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


def text_build(
    drafter: Participant,
    *,
    clauses: Iterable[tuple[str, str]] = (("op", "Decides to act;"),),
    session: Meeting | None = None,
) -> NegotiationText:
    """A negotiation text set up through its services by ``drafter`` (the secretariat, or a
    presiding officer in ``session``), with top-level ``clauses`` (kind, markup) in order:
    their keys are 1, 2, ..."""
    number = next(_serial)
    text = negotiation_services.text_create(
        actor=drafter, slug=f"text-{number}", title=f"Text {number}", meeting=session
    )
    for kind, markup in clauses:
        text.refresh_from_db()
        state = negotiation_selectors.text_state(text)
        negotiation_services.clause_add(
            actor=drafter,
            text=text,
            kind=kind,
            markup=markup,
            after=max(state.clauses, default=None),
            meeting=session,
            base_version=state.structure_version,
        )
    text.refresh_from_db()
    return text
