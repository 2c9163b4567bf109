"""Negotiation benchmark (run by hand): a text of 2,000 clauses with 50 events each.

    PLENARY_DATA_DIR=/tmp/neg-bench .venv/bin/python bench/negotiation/run.py [--clauses N]

Builds the log in memory with the same reducer and hash chain the services use (going
through the services for 100,000 events would take long and measure setup, not reads),
stores it, checks that it verifies, then times: one clause's history (target ≤ 20 ms), the
full compilation render (≤ 1 s), and verify (events per second).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import timezone  # noqa: E402

from server.common.json_types import JSON  # noqa: E402
from server.conferences.demo import demo_load  # noqa: E402
from server.conferences.models import Participant  # noqa: E402
from server.negotiation import content as c  # noqa: E402
from server.negotiation import projection, selectors  # noqa: E402
from server.negotiation.chain import GENESIS, EventRecord, chain_hash, leaf_hash  # noqa: E402
from server.negotiation.exports import _context  # noqa: E402
from server.negotiation.models import ClauseEvent, NegotiationEvent, NegotiationText  # noqa: E402
from server.negotiation.state import LogEntry, TextState, Touched, apply  # noqa: E402

CODES = ["BRA", "ESP", "FRA", "KEN", "MEX", "SEN", "JPN", "EU"]


def clause_events(
    state: TextState, key: int, after: int | None
) -> list[tuple[str, dict[str, JSON]]]:
    """50 events about one clause: it enters the text, then 16 rounds of a proposal, a
    position on it and its acceptance, and a last position."""
    words = (
        f"Decides that [paragraph {key}] shall {{read one way | read another | delete}} in 2030;"
    )
    index = state.children.get(None, []).index(after) + 1 if after else 0
    out: list[tuple[str, dict[str, JSON]]] = [
        (
            "clause.added",
            {
                "effects": [
                    {
                        "op": "create",
                        "clause": key,
                        "kind": "op",
                        "parent": None,
                        "index": index,
                        "content": c.to_json(c.parse(words)),
                        "status": "proposed",
                    }
                ]
            },
        )
    ]
    for round_ in range(16):
        proposal = state.next_proposal_key() + round_
        sponsor = CODES[(key + round_) % len(CODES)]
        old, new = f"in {2030 + round_}", f"in {2031 + round_}"
        words = words.replace(old, new)
        out += [
            (
                "proposal.tabled",
                {
                    "proposal": proposal,
                    "kind": "replace",
                    "clause": key,
                    "sponsor": sponsor,
                    "cosponsors": [],
                    "rationale": "",
                    "operation": {"target": None, "old": old, "new": new},
                    "base_version": 0,
                },
            ),
            (
                "position.taken",
                {
                    "target": "proposal",
                    "id": proposal,
                    "delegation": CODES[round_ % 8],
                    "stance": "support",
                    "comment": "",
                },
            ),
            (
                "proposal.accepted",
                {
                    "proposal": proposal,
                    "state": "accepted",
                    "effects": [
                        {"op": "content", "clause": key, "content": c.to_json(c.parse(words))}
                    ],
                },
            ),
        ]
    out.append(
        (
            "position.taken",
            {"target": "clause", "id": key, "delegation": "EU", "stance": "reserve", "comment": ""},
        )
    )
    return out


def build(clauses: int) -> NegotiationText:
    conference = demo_load()
    actor = Participant.objects.get(conference=conference, user__username="secretariat")
    now = timezone.now()
    text = NegotiationText.objects.create(
        conference=conference, slug=f"bench-{now:%H%M%S}", title="Benchmark text", created_at=now
    )
    state, touched, previous = TextState(), Touched(), GENESIS
    events, links = [], []
    for key in range(1, clauses + 1):
        for kind, payload in clause_events(state, key, key - 1 if key > 1 else None):
            index = state.version
            t = apply(state, LogEntry(index, kind, payload))
            for name in ("clauses", "parents", "proposals", "positions"):
                getattr(touched, name).update(getattr(t, name))
            record = EventRecord(
                text.pk, index, kind, payload, actor.pk, None, None, None, None, None, now
            )
            leaf = leaf_hash(record)
            previous = chain_hash(previous, leaf)
            events.append(
                NegotiationEvent(
                    text=text,
                    index=index,
                    kind=kind,
                    payload=payload,
                    actor=actor,
                    created_at=now,
                    leaf_hash=leaf.hex(),
                    chain_hash=previous.hex(),
                )
            )
            links.append(index)
    with transaction.atomic():
        NegotiationEvent.objects.bulk_create(events, batch_size=2000)
        ids = dict(NegotiationEvent.objects.filter(text=text).values_list("index", "pk"))
        ClauseEvent.objects.bulk_create(
            (
                ClauseEvent(text=text, clause_key=index // 50 + 1, event_id=ids[index])
                for index in links
            ),
            batch_size=5000,
        )
        projection.update(text, state, touched)
        NegotiationText.objects.filter(pk=text.pk).update(
            event_count=state.version,
            head_hash=previous.hex(),
            structure_version=state.structure_version,
        )
    text.refresh_from_db()
    return text


def timed(run: object, repeat: int) -> tuple[float, float]:
    assert callable(run)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clauses", type=int, default=2000)
    clauses = parser.parse_args().clauses
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    text = build(clauses)
    built = time.perf_counter() - started
    print(f"built {text.event_count:,} events over {clauses:,} clauses in {built:.1f} s")
    keys = [1, clauses // 2, clauses]
    median, worst = timed(lambda: [selectors.clause_history(text, k) for k in keys], 10)
    print(
        "one clause's history (50 events, with diffs): "
        f"median {median / 3 * 1000:.1f} ms, worst {worst / 3 * 1000:.1f} ms"
    )
    median, worst = timed(
        lambda: render_to_string("negotiation/export/compilation.html", _context(text)), 3
    )
    print(f"full compilation render (HTML): median {median:.2f} s, worst {worst:.2f} s")
    median, worst = timed(lambda: selectors.text_state(text), 3)
    print(f"load the current text from the projection: median {median:.2f} s")
    started = time.perf_counter()
    report = selectors.chain_verify(text)
    seconds = time.perf_counter() - started
    assert report.ok, report.problem
    rate = report.events / seconds
    print(f"verify: {report.events:,} events in {seconds:.2f} s = {rate:,.0f} events/s")
    started = time.perf_counter()
    replayed = selectors.text_as_of(text)
    seconds = time.perf_counter() - started
    same = replayed == selectors.text_state(text)
    print(f"replay the whole log: {seconds:.2f} s; equals the projection: {same}")


if __name__ == "__main__":
    main()
