"""The interpretation modules' pure functions, run in Node as the pages run them: the room
reducer folds ``interpretation.booth`` events (room-state.js), and interpretation-state.js
says which channel a listener hears and what an interpreter's console offers."""

from pathlib import Path
from typing import Any

from tests.support.node import node_run

KEN = {"id": 7, "name": "Mr. David Otieno", "delegation": "KEN", "delegation_name": "Kenya"}
ANA = {"id": 21, "name": "Ana", "delegation": None, "delegation_name": None, "role": "interpreter"}
LUIS = {
    "id": 22,
    "name": "Luis",
    "delegation": None,
    "delegation_name": None,
    "role": "interpreter",
}


def booth(language: str, channel: int, **state: Any) -> dict[str, Any]:
    ref = {"live": None, "status": "unstaffed", "source": "", "muted": False, "handover_to": None}
    return {"booth": language, "channel": channel, **ref, **state}


SNAPSHOT = {
    "v": 1,
    "type": "snapshot",
    "seq": 10,
    "meeting": {"id": 1, "status": "open"},
    "you": ANA,
    "presence": [],
    "hands": [],
    "speakers": [],
    "floor": {"holder": None, "since": None, "timer": None},
    "agenda": [],
    "agenda_item": None,
    "chat": [],
    "parts": {
        "interpretation": {
            "booths": [booth("es", 2, status="silent"), booth("fr", 3)],
            "my_channel": "es",
            "floor_under": True,
            "my_booths": ["es"],
        }
    },
}


def run_node(tmp_path: Path, script: str, payload: object) -> Any:
    """Run ``script`` beside the page modules, its input as ``input``."""
    prelude = 'import { readFileSync } from "node:fs";\n'
    prelude += 'const input = JSON.parse(readFileSync(0, "utf8"));\n'
    modules = ["room-state.js", "interpretation-state.js"]
    return node_run(tmp_path, modules, prelude + script, payload)


def booth_event(seq: int, change: str, **state: Any) -> dict[str, Any]:
    return {"v": 1, "seq": seq, "type": "interpretation.booth", "ts": "t", "actor": ANA,
            "data": {**booth("es", 2, **state), "change": change}}  # fmt: skip


FOLD = """
import { apply, fromSnapshot } from "./room-state.js";
const states = [fromSnapshot(input.snapshot)];
for (const event of input.events) states.push(apply(states.at(-1), event));
process.stdout.write(JSON.stringify(states.map((s) => ({ seq: s.seq, ...s.interpretation }))));
"""


def test_interpretation_booth_events_replace_the_booth_and_keep_the_choice(
    db: None, tmp_path: Path
) -> None:
    events = [
        booth_event(11, "take", live=ANA, status="live"),
        booth_event(12, "handover", live=ANA, status="live", handover_to=LUIS),
        booth_event(13, "take", live=LUIS, status="live"),
    ]
    states = run_node(tmp_path, FOLD, {"snapshot": SNAPSHOT, "events": events})
    first, *_, last = states
    assert first == {
        "seq": 10,
        "booths": SNAPSHOT["parts"]["interpretation"]["booths"],  # type: ignore[index]
        "my_channel": "es",
        "floor_under": True,
        "my_booths": ["es"],
    }
    assert [s["booths"][0]["live"] for s in states] == [None, ANA, ANA, LUIS]
    assert states[2]["booths"][0]["handover_to"] == LUIS
    assert last["booths"][0] == booth("es", 2, live=LUIS, status="live")  # no "change" kept
    assert last["booths"][1] == booth("fr", 3)  # the other booth untouched
    assert (last["seq"], last["my_channel"], last["floor_under"]) == (13, "es", True)


def test_interpretation_a_snapshot_without_booths_has_none(db: None, tmp_path: Path) -> None:
    bare = {**SNAPSHOT, "parts": {}}
    (state,) = run_node(tmp_path, FOLD, {"snapshot": bare, "events": []})
    assert state == {
        "seq": 10,
        "booths": [],
        "my_channel": "",
        "floor_under": False,
        "my_booths": [],
    }


HEARD = """
import * as i from "./interpretation-state.js";
const of = (booths) => ({ booths, my_channel: "", floor_under: false, my_booths: [] });
process.stdout.write(JSON.stringify(input.map(([booths, chosen, under]) => {
  const heard = i.channelHeard(of(booths), chosen, under);
  return { ...heard, levels: i.mixLevels(heard, 0.8) };
})));
"""


def test_interpretation_a_listener_hears_a_live_booth_else_the_floor_told_so(
    db: None, tmp_path: Path
) -> None:
    live = [booth("es", 2, live=ANA, status="live")]
    cases = [
        [live, "", False],  # the floor chosen
        [live, "es", False],  # the live booth
        [live, "es", True],  # with the floor underneath
        [[booth("es", 2, status="silent")], "es", True],  # silent: the floor, told so
        [[booth("es", 2)], "es", False],  # unstaffed
        [live, "ar", False],  # no such booth (any more)
    ]
    heard = run_node(tmp_path, HEARD, cases)
    under = 0.8 * 0.15
    assert heard == [
        {"channel": "", "fallback": None, "under": False, "levels": {"floor": 0.8, "channel": 0}},
        {"channel": "es", "fallback": None, "under": False, "levels": {"floor": 0, "channel": 0.8}},
        {
            "channel": "es",
            "fallback": None,
            "under": True,
            "levels": {"floor": under, "channel": 0.8},
        },
        {
            "channel": "",
            "fallback": "silent",
            "under": False,
            "levels": {"floor": 0.8, "channel": 0},
        },
        {
            "channel": "",
            "fallback": "unstaffed",
            "under": False,
            "levels": {"floor": 0.8, "channel": 0},
        },
        {"channel": "", "fallback": "gone", "under": False, "levels": {"floor": 0.8, "channel": 0}},
    ]


CONSOLE = """
import * as i from "./interpretation-state.js";
const of = (booths) => ({ booths, my_channel: "", floor_under: false, my_booths: [] });
process.stdout.write(JSON.stringify(input.map(([booths, language, you]) => {
  const c = i.consoleControls(of(booths), language, you);
  const offered = c && Object.keys(c).filter((k) => c[k] === true).sort();
  const hears = i.consoleHears(of(booths), language);
  return { offered, hears, relay: i.relaySources(of(booths), language) };
})));
"""


def test_interpretation_console_offers_what_the_booth_allows(db: None, tmp_path: Path) -> None:
    fr = booth("fr", 3, live=LUIS, status="live")
    cases = [
        [[booth("es", 2, status="silent"), fr], "es", ANA["id"]],  # free microphone
        [[booth("es", 2, live=ANA, status="live"), fr], "es", ANA["id"]],  # live
        [[booth("es", 2, live=ANA, status="live", muted=True), fr], "es", ANA["id"]],  # coughing
        [[booth("es", 2, live=ANA, status="live", handover_to=LUIS), fr], "es", ANA["id"]],
        [[booth("es", 2, live=ANA, status="live", handover_to=LUIS), fr], "es", LUIS["id"]],
        [[booth("es", 2, live=ANA, status="live"), fr], "es", LUIS["id"]],  # partner is live
        [[booth("es", 2, live=ANA, status="silent"), fr], "es", LUIS["id"]],  # holder gone
        [[booth("es", 2, live=ANA, status="live"), {**fr, "source": "es"}], "fr", LUIS["id"]],
        [[booth("es", 2, status="silent"), {**fr, "source": "es"}], "fr", LUIS["id"]],
        [[booth("es", 2)], "ar", ANA["id"]],  # no such booth
    ]
    found = run_node(tmp_path, CONSOLE, cases)
    offered = [f["offered"] for f in found]
    assert offered == [
        ["take"],
        ["cough", "handover", "live", "release"],
        ["cough", "handover", "live", "muted", "release"],
        ["cough", "handingOver", "live", "release"],
        ["requested", "take"],
        [],
        ["take"],
        ["cough", "handover", "live", "release"],  # Luis, live in the French booth
        ["cough", "handover", "live", "release"],
        None,
    ]
    floor = {"channel": "", "relay": None}
    assert [f["hears"] for f in found[:7]] == [floor] * 7
    assert found[7]["hears"] == {"channel": "es", "relay": "es", "fallback": None}
    assert found[8]["hears"] == {"channel": "", "relay": "es", "fallback": "silent"}
    # Relay from any other booth that does not relay itself; never from itself.
    assert found[0]["relay"] == ["fr"] and found[7]["relay"] == ["es"]
    assert run_node(tmp_path, CONSOLE, [[[booth("es", 2), {**fr, "source": "es"}], "ar", 1]])[0][
        "relay"
    ] == ["es"]
