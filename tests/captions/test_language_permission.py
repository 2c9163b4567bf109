"""``captions.language``: everyone present picks the language they read captions in, for
themselves only; a delegation not admitted to a closed session is refused in the very state
where an admitted one succeeds (tests/support/permissions.py)."""

import pytest

from server.captions import selectors
from server.conferences.models import Meeting, Participant
from server.rooms import services as room_services
from tests.support.builders import Role, conference_build, meeting_build, participant_build
from tests.support.permissions import action_post, only_allowed_may

pytestmark = [pytest.mark.django_db]


def present(meeting: Meeting, participant: Participant) -> None:
    room_services.connection_open(
        meeting=meeting,
        participant=participant,
        channel_name=f"{meeting.pk}-{participant.pk}",
        server_id="s",
    )


def test_a_delegation_not_admitted_may_not_pick_a_language_in_a_closed_session() -> None:
    conference = conference_build()
    kenya = participant_build(conference, language="en")
    japan = participant_build(conference, language="en")
    assert kenya.delegation is not None
    closed = meeting_build(
        conference,
        kind=Meeting.Kind.CLOSED,
        status=Meeting.Status.OPEN,
        admitted=[kenya.delegation],
    )
    for participant in (kenya, japan):
        present(closed, participant)
    only_allowed_may(
        closed,
        "captions.language",
        {"language": "fr"},
        allowed=[kenya],
        refused=[japan],
        written=lambda: selectors.caption_languages(closed.pk),
    )


@pytest.mark.parametrize("role", [Role.CHAIR, Role.SECRETARIAT, Role.DELEGATE, Role.OBSERVER])
def test_everyone_picks_for_themselves_only(role: str) -> None:
    conference = conference_build()
    meeting = meeting_build(conference, status=Meeting.Status.OPEN)
    picker = participant_build(conference, role=role, language="en")
    other = participant_build(conference, language="es")
    for participant in (picker, other):
        present(meeting, participant)
    assert action_post(other, meeting, "captions.language", {"language": "de"})[0] == 200
    assert action_post(picker, meeting, "captions.language", {"language": "fr"})[0] == 200
    assert selectors.caption_languages(meeting.pk) == {"en", "es", "de", "fr"}
    assert action_post(picker, meeting, "captions.language", {"language": None})[0] == 200
    assert selectors.caption_languages(meeting.pk) == {"en", "es", "de"}
