"""Proposals, positions, statuses and versions: each change logged once, on the room's path."""

from collections.abc import Callable

import pytest

from server.common.errors import Conflict, InvalidInput
from server.conferences.models import Meeting, Participant
from server.negotiation import content as c
from server.negotiation import selectors, services
from server.negotiation.models import NegotiationEvent, NegotiationText
from server.negotiation.numbering import reading_order
from server.negotiation.services import StaleVersion
from server.negotiation.state import ClauseStatus, ProposalState
from server.rooms.models import RoomEvent

from .conftest import clause_version, now, proposal_version

pytestmark = [pytest.mark.django_db]
Person = Callable[[str], Participant]


def table(
    text: NegotiationText,
    who: Participant,
    meeting: Meeting,
    what: str,
    clause: int | None,
    **operation: object,
) -> int:
    if clause is None or what == "move":
        base = now(text).structure_version
    else:
        base = clause_version(text, clause)
    services.proposal_table(
        actor=who,
        meeting=meeting,
        text=text,
        kind=what,
        clause=clause,
        operation=operation,
        base_version=base,
    )
    return max(now(text).proposals)


def accept(text: NegotiationText, chair: Participant, meeting: Meeting, key: int) -> None:
    services.proposal_accept(
        actor=chair,
        meeting=meeting,
        text=text,
        proposal=key,
        base_version=proposal_version(text, key),
    )


def words(text: NegotiationText, key: int) -> str:
    return c.markup(now(text).clauses[key].content)


def test_a_proposal_tabled_and_accepted_changes_the_text_and_is_announced(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    before = RoomEvent.objects.filter(meeting=plenary).count()
    key = table(text, person("japan"), plenary, "replace", 4, old="in 2028", new="in 2027")
    assert words(text, 4) == "Requests the secretariat to report in 2028."
    accept(text, person("chair"), plenary, key)
    assert words(text, 4) == "Requests the secretariat to report in 2027."
    assert now(text).proposals[key].state == ProposalState.ACCEPTED
    announced = RoomEvent.objects.filter(meeting=plenary).order_by("seq")[before:]
    assert [e.type for e in announced] == [
        "negotiation.proposal.tabled",
        "negotiation.proposal.accepted",
    ]
    logged = NegotiationEvent.objects.filter(text=text).order_by("-index")[0]
    assert logged.room_event == announced[1] and announced[1].data["head"] == logged.chain_hash
    assert announced[1].data["index"] == logged.index


def test_an_option_is_attributed_to_its_sponsor_and_the_cosponsors_who_accepted(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    services.proposal_table(
        actor=person("brazil"),
        meeting=plenary,
        text=text,
        kind="option_add",
        clause=3,
        operation={"group": 1, "words": "USD 1.3 trillion"},
        cosponsors=["KEN", "SEN"],
        base_version=clause_version(text, 3),
        rationale="Needs.",
    )
    services.cosponsor_accept(actor=person("kenya2"), meeting=plenary, text=text, proposal=1)
    services.cosponsor_decline(actor=person("senegal"), meeting=plenary, text=text, proposal=1)
    accept(text, person("facilitator"), plenary, 1)
    group = next(m for m in c.marks(now(text).clauses[3].content) if isinstance(m, c.Options))
    assert [a.by for a in group.alternatives] == [(), (), ("BRA", "KEN")]


def test_a_change_based_on_an_outdated_version_is_refused_naming_what_changed(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    seen = clause_version(text, 4)
    table(text, person("japan"), plenary, "replace", 4, old="in 2028", new="in 2027")
    accept(text, person("chair"), plenary, 1)
    with pytest.raises(
        StaleVersion,
        match=r"Clause 4 changed since version .*proposal.accepted by Amb. Ingrid Solberg",
    ):
        services.proposal_table(
            actor=person("eu"),
            meeting=plenary,
            text=text,
            kind="bracket_add",
            clause=4,
            operation={"span": "report"},
            base_version=seen,
        )
    with pytest.raises(StaleVersion):
        services.clause_status_set(
            actor=person("chair"),
            meeting=plenary,
            text=text,
            clause=4,
            status="agreed",
            base_version=seen,
        )


def test_accepting_a_proposal_the_text_has_outrun_is_a_conflict(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    first = table(text, person("japan"), plenary, "replace", 4, old="in 2028", new="in 2027")
    second = table(text, person("eu"), plenary, "replace", 4, old="in 2028", new="in 2026")
    accept(text, person("chair"), plenary, first)
    with pytest.raises(StaleVersion, match="do not occur"):
        accept(text, person("chair"), plenary, second)
    assert words(text, 4) == "Requests the secretariat to report in 2027."


def test_insert_move_delete_renumber_and_keep_stable_keys(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    chair = person("chair")
    inserted = table(
        text,
        person("kenya"),
        plenary,
        "insert",
        None,
        kind="op",
        parent=None,
        after=3,
        words="Urges Parties;",
    )
    accept(text, chair, plenary, inserted)
    numbers = {p.clause.key: p.number for p in reading_order(now(text))}
    assert numbers == {1: "PP1", 2: "PP2", 3: "1", 5: "2", 4: "3"}
    moved = table(text, person("kenya"), plenary, "move", 4, parent=None, after=2)
    accept(text, chair, plenary, moved)
    assert {p.clause.key: p.number for p in reading_order(now(text))}[4] == "1"
    deleted = table(text, person("eu"), plenary, "delete", 3)
    accept(text, chair, plenary, deleted)
    numbers = {p.clause.key: p.number for p in reading_order(now(text))}
    assert numbers == {1: "PP1", 2: "PP2", 4: "1", 5: "2"}
    assert now(text).clauses[3].status == ClauseStatus.DELETED


def test_a_merger_keeps_its_provenance(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    key = table(
        text, person("eu"), plenary, "merge", None, sources=[1, 2], words="Recalling and noting,"
    )
    accept(text, person("chair"), plenary, key)
    state = now(text)
    merged = max(state.clauses)
    assert state.clauses[merged].merged_from == (1, 2)
    assert [p.number for p in reading_order(state)][:1] == ["PP1"]
    assert state.clauses[1].status == state.clauses[2].status == ClauseStatus.DELETED
    history = [h.summary for h in selectors.clause_history(text, merged)]
    assert "merging clauses [1, 2]" in history[-1]


def test_withdrawn_rejected_and_merged_proposals_leave_the_table(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    one = table(text, person("japan"), plenary, "replace", 4, old="in 2028", new="in 2027")
    two = table(text, person("mexico"), plenary, "replace", 4, old="in 2028", new="by 2027")
    three = table(text, person("eu"), plenary, "bracket_add", 4, span="report")
    services.proposal_withdraw(
        actor=person("japan"),
        meeting=plenary,
        text=text,
        proposal=one,
        base_version=proposal_version(text, one),
    )
    services.proposal_merge(
        actor=person("chair"),
        meeting=plenary,
        text=text,
        proposal=two,
        into=three,
        base_version=proposal_version(text, two),
    )
    services.proposal_reject(
        actor=person("chair"),
        meeting=plenary,
        text=text,
        proposal=three,
        base_version=proposal_version(text, three),
        reason="No support.",
    )
    proposals = now(text).proposals
    assert [proposals[k].state for k in (one, two, three)] == ["withdrawn", "merged", "rejected"]
    assert proposals[two].merged_into == three
    with pytest.raises(Conflict, match="no longer tabled"):
        accept(text, person("chair"), plenary, one)


def test_positions_change_and_their_history_stays(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    for stance in ("oppose", "flexible"):
        services.position_take(
            actor=person("kenya2"),
            meeting=plenary,
            text=text,
            target="clause",
            key=3,
            stance=stance,
            comment=f"We are {stance}.",
            base_version=clause_version(text, 3),
        )
    positions = selectors.positions_on(now(text), "clause", 3)
    assert [(p.delegation, p.stance) for p in positions] == [("KEN", "flexible")]
    summaries = [h.summary for h in selectors.clause_history(text, 3)]
    assert summaries[-2:] == [
        "KEN opposes clause 3: We are oppose.",
        "KEN is flexible on clause 3: We are flexible.",
    ]


def test_a_clause_with_brackets_cannot_be_agreed(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    with pytest.raises(Conflict, match="still has brackets"):
        services.clause_status_set(
            actor=person("chair"),
            meeting=plenary,
            text=text,
            clause=2,
            status="agreed",
            base_version=clause_version(text, 2),
        )
    services.clause_status_set(
        actor=person("chair"),
        meeting=plenary,
        text=text,
        clause=1,
        status="agreed",
        base_version=clause_version(text, 1),
    )
    with pytest.raises(InvalidInput, match="reopen"):
        table(text, person("eu"), plenary, "bracket_add", 1, span="Paris")


def test_the_secretariat_fixes_typos_and_numbers_as_such(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    secretariat = person("secretariat")
    services.clause_correct(
        actor=secretariat,
        meeting=None,
        text=text,
        clause=4,
        old="secretariat",
        new="Secretariat",
        base_version=clause_version(text, 4),
        note="Capital S.",
    )
    services.clause_number(
        actor=secretariat,
        meeting=None,
        text=text,
        clause=4,
        label="2 bis",
        base_version=clause_version(text, 4),
    )
    assert words(text, 4) == "Requests the Secretariat to report in 2028."
    assert {p.clause.key: p.number for p in reading_order(now(text))}[4] == "2 bis"
    kinds = [e.event.kind for e in selectors.clause_history(text, 4)][-2:]
    assert kinds == ["clause.corrected", "clause.numbered"]
    with pytest.raises(InvalidInput, match="plain words"):
        services.clause_correct(
            actor=secretariat,
            meeting=None,
            text=text,
            clause=4,
            old="2028",
            new="[2027]",
            base_version=clause_version(text, 4),
        )


def test_changes_need_an_open_meeting(
    text: NegotiationText, person: Person, closed_session: Meeting
) -> None:
    with pytest.raises(InvalidInput, match="in a meeting"):
        services.proposal_table(
            actor=person("brazil"),
            meeting=None,
            text=text,
            kind="delete",
            clause=4,
            operation={},
            base_version=clause_version(text, 4),
        )
    with pytest.raises(Conflict, match="scheduled, not open"):
        services.proposal_table(
            actor=person("brazil"),
            meeting=closed_session,
            text=text,
            kind="delete",
            clause=4,
            operation={},
            base_version=clause_version(text, 4),
        )


def test_an_event_records_meeting_agenda_item_and_transcript_range(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    from server.rooms.services import agenda_switch

    item = plenary.agenda_items.get(number="3")
    agenda_switch(actor=person("chair"), meeting=plenary, item_id=item.pk)
    event = services.position_take(
        actor=person("spain"),
        meeting=plenary,
        text=text,
        target="clause",
        key=4,
        stance="support",
        base_version=clause_version(text, 4),
        transcript=(61.5, 75.0),
    )
    event.refresh_from_db()
    assert (
        event.meeting,
        event.agenda_item,
        event.delegation.code if event.delegation else None,
    ) == (plenary, item, "ESP")
    assert (event.transcript_from, event.transcript_to) == (61.5, 75.0)


def test_a_correction_is_a_new_event(text: NegotiationText, person: Person) -> None:
    count = now(text).version
    services.correction_note(
        actor=person("secretariat"), meeting=None, text=text, event=2, note="Drafted on 3 May."
    )
    assert now(text).version == count + 1
    assert selectors.chain_verify(text).ok


def test_nesting_deeper_than_eight_is_invalid_whether_typed_or_built_by_a_change(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    def add(depth: int) -> None:
        services.clause_add(
            actor=person("secretariat"),
            meeting=None,
            text=text,
            kind="op",
            markup="[" * depth + "deep" + "]" * depth,
            after=4,
            base_version=now(text).structure_version,
        )

    with pytest.raises(InvalidInput, match="nest at most 8 deep") as refused:
        add(5000)
    assert refused.value.code == "invalid"
    add(8)
    count = now(text).version
    with pytest.raises(InvalidInput, match="nest at most 8 deep"):
        table(text, person("japan"), plenary, "bracket_add", 5, span=None)
    assert now(text).version == count
