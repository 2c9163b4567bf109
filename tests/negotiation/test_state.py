"""The text's state is replayed from its log through one declared payload type per kind:
a logged payload of the wrong shape is refused, naming the field, whatever the kind."""

import pytest
from pydantic import ValidationError

from server.common.json_types import JSON
from server.negotiation.state import EventKind, LogEntry, apply, replay

CREATE: dict[str, JSON] = {
    "op": "create",
    "clause": 1,
    "kind": "op",
    "parent": None,
    "index": 0,
    "content": ["Decides"],
    "status": "proposed",
}


def test_a_clause_is_created_and_labelled_from_its_logged_effects() -> None:
    label: dict[str, JSON] = {"op": "label", "clause": 1, "label": "1."}
    state = replay(
        [
            LogEntry(0, EventKind.TEXT_CREATED, {}),
            LogEntry(1, EventKind.CLAUSE_ADDED, {"effects": [CREATE]}),
            LogEntry(2, EventKind.CLAUSE_NUMBERED, {"effects": [label]}),
        ]
    )
    assert state.children[None] == [1]
    assert (state.clauses[1].label, state.clauses[1].version) == ("1.", 2)


@pytest.mark.parametrize(
    ("kind", "payload", "field"),
    [
        (EventKind.CLAUSE_ADDED, {"effects": [{**CREATE, "clause": "1"}]}, "clause"),
        (EventKind.CLAUSE_STATUS, {"effects": [{"op": "vanish", "clause": 1}]}, "op"),
        (EventKind.PROPOSAL_WITHDRAWN, {"proposal": True, "state": "withdrawn"}, "proposal"),
        (EventKind.COSPONSOR_ACCEPTED, {"proposal": 1}, "delegation"),
        (
            EventKind.POSITION_TAKEN,
            {"target": "clause", "id": 1, "delegation": "KEN", "stance": 2, "comment": ""},
            "stance",
        ),
    ],
)
def test_a_logged_payload_of_the_wrong_shape_is_refused(
    kind: EventKind, payload: dict[str, object], field: str
) -> None:
    state = replay([LogEntry(0, EventKind.TEXT_CREATED, {})])
    with pytest.raises(ValidationError, match=field):
        apply(state, LogEntry(1, kind, payload))  # type: ignore[arg-type]
