"""Who may do what to a text: every operation, allowed and refused."""

from collections.abc import Callable

import pytest

from server.common.errors import Forbidden, InvalidInput, NotFound
from server.conferences.models import Meeting, Participant
from server.negotiation import services
from server.negotiation.models import NegotiationEvent, NegotiationText

from .conftest import clause_version, now, proposal_version

pytestmark = [pytest.mark.django_db]
Person = Callable[[str], Participant]
Operation = Callable[[Participant, Meeting, NegotiationText], NegotiationEvent]


def tabled(text: NegotiationText, sponsor: Participant, meeting: Meeting) -> int:
    services.proposal_table(
        actor=sponsor,
        meeting=meeting,
        text=text,
        kind="bracket_add",
        clause=4,
        operation={"span": None},
        base_version=clause_version(text, 4),
    )
    return max(now(text).proposals)


def propose(who: Participant, meeting: Meeting, text: NegotiationText) -> NegotiationEvent:
    return services.proposal_table(
        actor=who,
        meeting=meeting,
        text=text,
        kind="bracket_add",
        clause=3,
        operation={"span": "per year"},
        base_version=clause_version(text, 3),
    )


def position(who: Participant, meeting: Meeting, text: NegotiationText) -> NegotiationEvent:
    return services.position_take(
        actor=who,
        meeting=meeting,
        text=text,
        target="clause",
        key=3,
        stance="reserve",
        base_version=clause_version(text, 3),
    )


def on_proposal(service: Callable[..., NegotiationEvent]) -> Operation:
    def run(who: Participant, meeting: Meeting, text: NegotiationText) -> NegotiationEvent:
        key = tabled(text, Participant.objects.get(user__username="japan"), meeting)
        return service(
            actor=who,
            meeting=meeting,
            text=text,
            proposal=key,
            base_version=proposal_version(text, key),
        )

    return run


def status(who: Participant, meeting: Meeting, text: NegotiationText) -> NegotiationEvent:
    agreed = now(text).clauses[1].status == "agreed"
    return services.clause_status_set(
        actor=who,
        meeting=meeting,
        text=text,
        clause=1,
        status="under_discussion" if agreed else "agreed",
        base_version=clause_version(text, 1),
    )


def add(who: Participant, meeting: Meeting, text: NegotiationText) -> NegotiationEvent:
    return services.clause_add(
        actor=who,
        meeting=meeting,
        text=text,
        kind="op",
        markup="Decides;",
        after=4,
        base_version=now(text).structure_version,
    )


def correct(who: Participant, meeting: Meeting, text: NegotiationText) -> NegotiationEvent:
    return services.clause_correct(
        actor=who,
        meeting=meeting,
        text=text,
        clause=4,
        old="report",
        new="reports",
        base_version=clause_version(text, 4),
    )


def number(who: Participant, meeting: Meeting, text: NegotiationText) -> NegotiationEvent:
    return services.clause_number(
        actor=who,
        meeting=meeting,
        text=text,
        clause=4,
        label="2 bis",
        base_version=clause_version(text, 4),
    )


def note(who: Participant, meeting: Meeting, text: NegotiationText) -> NegotiationEvent:
    return services.correction_note(actor=who, meeting=meeting, text=text, event=1, note="Typo.")


DELEGATIONS = ["brazil", "kenya2"]  # a delegate and an adviser
NOT_DELEGATIONS = ["chair", "facilitator", "secretariat", "wmo"]
PRESIDING = ["chair", "vicechair", "facilitator"]
NOT_PRESIDING = ["secretariat", "brazil", "kenya2", "wmo"]
CASES: list[tuple[str, Operation, list[str], list[str]]] = [
    ("propose", propose, DELEGATIONS, NOT_DELEGATIONS),
    ("position", position, DELEGATIONS, NOT_DELEGATIONS),
    ("accept", on_proposal(services.proposal_accept), PRESIDING, NOT_PRESIDING),
    ("reject", on_proposal(services.proposal_reject), PRESIDING, NOT_PRESIDING),
    ("status", status, PRESIDING, NOT_PRESIDING),
    ("add", add, ["secretariat", "chair", "facilitator"], ["brazil", "wmo"]),
    ("correct", correct, ["secretariat"], ["chair", "brazil"]),
    ("number", number, ["secretariat"], ["chair", "facilitator", "brazil"]),
    ("note", note, ["secretariat", "chair"], ["brazil", "wmo"]),
]


@pytest.mark.parametrize(
    ("name", "operation", "allowed", "refused"), CASES, ids=[c[0] for c in CASES]
)
def test_operation_permissions(
    name: str,
    operation: Operation,
    allowed: list[str],
    refused: list[str],
    text: NegotiationText,
    person: Person,
    plenary: Meeting,
) -> None:
    for username in refused:
        count = now(text).version
        with pytest.raises(Forbidden):
            operation(person(username), plenary, text)
        assert now(text).version == count + (1 if name in {"accept", "reject"} else 0)
    for username in allowed:
        assert operation(person(username), plenary, text).kind


def test_only_the_main_sponsor_withdraws(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    key = tabled(text, person("japan"), plenary)
    for username in ["chair", "brazil"]:
        with pytest.raises(Forbidden):
            services.proposal_withdraw(
                actor=person(username),
                meeting=plenary,
                text=text,
                proposal=key,
                base_version=proposal_version(text, key),
            )
    services.proposal_withdraw(
        actor=person("japan"),
        meeting=plenary,
        text=text,
        proposal=key,
        base_version=proposal_version(text, key),
    )


def test_merging_proposals_is_for_presiding_officers(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    one, two = tabled(text, person("japan"), plenary), tabled(text, person("eu"), plenary)
    with pytest.raises(Forbidden):
        services.proposal_merge(
            actor=person("eu"),
            meeting=plenary,
            text=text,
            proposal=one,
            into=two,
            base_version=proposal_version(text, one),
        )
    services.proposal_merge(
        actor=person("vicechair"),
        meeting=plenary,
        text=text,
        proposal=one,
        into=two,
        base_version=proposal_version(text, one),
    )


def test_setting_up_a_text_is_for_the_secretariat_and_presiding_officers(
    person: Person, plenary: Meeting
) -> None:
    with pytest.raises(Forbidden):
        services.text_create(actor=person("brazil"), slug="mine", title="Mine", meeting=plenary)
    chairs = services.text_create(
        actor=person("chair"), slug="chairs", title="Chair's", meeting=plenary
    )
    assert chairs.event_count == 1


def test_delegations_not_admitted_to_a_closed_session_cannot_act_there(
    text: NegotiationText, person: Person, closed_session: Meeting
) -> None:
    with pytest.raises(Forbidden):
        propose(person("japan"), closed_session, text)


def test_only_the_secretariat_may_act_outside_a_meeting(
    text: NegotiationText, person: Person
) -> None:
    with pytest.raises(InvalidInput):
        services.clause_add(
            actor=person("chair"),
            meeting=None,
            text=text,
            kind="op",
            markup="Decides;",
            base_version=now(text).structure_version,
        )


def test_another_conference_does_not_see_the_text(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    stranger = person("brazil")
    stranger.conference_id = 0
    with pytest.raises(NotFound):
        propose(stranger, plenary, text)
