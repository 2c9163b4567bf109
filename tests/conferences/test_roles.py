"""The role predicates every app's permissions build on (conferences/roles.py), on a
conference built for the test."""

import pytest

from server.common.errors import Forbidden
from server.conferences.models import Delegation, Meeting
from server.conferences.roles import (
    check_may_take_floor,
    check_presiding,
    check_secretariat,
    is_interpreter,
    is_presiding,
    is_secretariat,
    is_staff,
    may_attend,
    may_take_floor,
    may_vote,
    serves_every_meeting,
)
from tests.support.builders import (
    Role,
    conference_build,
    delegation_build,
    meeting_build,
    participant_build,
)

pytestmark = [pytest.mark.django_db]


def test_the_bureau_presides_and_the_secretariat_serves() -> None:
    conference = conference_build()
    people = {role: participant_build(conference, role=role) for role in Role.values}
    presiding = {role for role, who in people.items() if is_presiding(who)}
    assert presiding == {Role.CHAIR, Role.VICE_CHAIR, Role.FACILITATOR}
    assert {role for role, who in people.items() if is_secretariat(who)} == {Role.SECRETARIAT}
    assert {role for role, who in people.items() if is_staff(who)} == presiding | {Role.SECRETARIAT}
    for role, who in people.items():
        if role in presiding:
            check_presiding(who)
        else:
            with pytest.raises(Forbidden, match="chair, a vice-chair or a facilitator"):
                check_presiding(who)
        if role == Role.SECRETARIAT:
            check_secretariat(who)
        else:
            with pytest.raises(Forbidden, match="Only the secretariat"):
                check_secretariat(who)


def test_a_closed_session_admits_the_staff_and_its_delegations_only() -> None:
    conference = conference_build()
    admitted = delegation_build(conference, code="KEN")
    closed = meeting_build(conference, kind=Meeting.Kind.CLOSED, admitted=[admitted])
    plenary = meeting_build(conference)
    inside = participant_build(conference, delegation=admitted)
    outside = participant_build(conference, role=Role.ADVISER)
    observer = participant_build(conference, role=Role.OBSERVER)
    staff = [participant_build(conference, role=role) for role in (Role.CHAIR, Role.SECRETARIAT)]
    assert [may_attend(who, closed) for who in [inside, outside, observer, *staff]] == [
        True,
        False,
        False,
        True,
        True,
    ]
    assert all(may_attend(who, plenary) for who in [inside, outside, observer, *staff])
    assert observer.delegation is not None
    assert observer.delegation.kind == Delegation.Kind.OBSERVER


def test_nobody_attends_another_conferences_meeting() -> None:
    ours, theirs = conference_build(), conference_build()
    chair = participant_build(ours, role=Role.CHAIR)
    assert not may_attend(chair, meeting_build(theirs))
    assert may_attend(chair, meeting_build(ours))


def test_interpreters_serve_every_meeting_but_never_take_the_floor_or_vote() -> None:
    conference = conference_build()
    people = {role: participant_build(conference, role=role) for role in Role.values}
    interpreter = people[Role.INTERPRETER]
    closed = meeting_build(conference, kind=Meeting.Kind.CLOSED)
    assert {role for role, who in people.items() if is_interpreter(who)} == {Role.INTERPRETER}
    serving = {role for role, who in people.items() if serves_every_meeting(who)}
    assert serving == {role for role, who in people.items() if is_staff(who)} | {Role.INTERPRETER}
    assert {role for role, who in people.items() if may_attend(who, closed)} == serving
    assert {role for role, who in people.items() if not may_take_floor(who)} == {Role.INTERPRETER}
    assert not is_staff(interpreter) and not may_vote(interpreter)
    with pytest.raises(Forbidden, match="Interpreters speak in their booth"):
        check_may_take_floor(interpreter)
    check_may_take_floor(people[Role.OBSERVER])
