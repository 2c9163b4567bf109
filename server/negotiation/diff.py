"""Word-level differences between two versions of a clause or of a whole text."""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from . import content as c
from .state import Placed, TextState, reading_order

TOKENS = re.compile(r"\s+|[\[\]{}|]|[^\s\[\]{}|]+")
RunKind = Literal["same", "ins", "del"]
ChangeKind = Literal["added", "deleted", "changed", "same"]


@dataclass(frozen=True)
class Run:
    kind: RunKind
    text: str


def word_diff(old: str, new: str) -> list[Run]:
    """``new`` against ``old`` as runs of unchanged, inserted and deleted words."""
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    runs: list[Run] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            _add(runs, "same", "".join(a[i1:i2]))
            continue
        _add(runs, "del", "".join(a[i1:i2]))
        _add(runs, "ins", "".join(b[j1:j2]))
    return runs


def _add(runs: list[Run], kind: RunKind, text: str) -> None:
    if not text:
        return
    if runs and runs[-1].kind == kind:
        runs[-1] = Run(kind, runs[-1].text + text)
    else:
        runs.append(Run(kind, text))


def changed(runs: list[Run]) -> bool:
    return any(run.kind != "same" for run in runs)


@dataclass(frozen=True)
class ClauseDiff:
    key: int
    number: str  # in the newer version (or the older one, for a clause since deleted)
    change: ChangeKind
    runs: list[Run]
    old_status: str | None
    new_status: str | None


def text_diff(old: TextState, new: TextState) -> list[ClauseDiff]:
    """Every clause of the newer text in reading order, compared with the older text;
    clauses deleted since are listed where they stood."""
    before = {p.clause.key: p for p in reading_order(old)}
    out = []
    for placed in reading_order(new, deleted=True):
        earlier = before.get(placed.clause.key)
        if earlier is None and not placed.number:
            continue  # deleted before the older version too, or never there
        out.append(_clause_diff(earlier, placed))
    return out


def _clause_diff(earlier: Placed | None, now: Placed) -> ClauseDiff:
    old_markup = c.markup(earlier.clause.content) if earlier else ""
    new_markup = "" if not now.number else c.markup(now.clause.content)
    runs = word_diff(old_markup, new_markup)
    change: ChangeKind
    if earlier is None:
        change = "added"
    elif not now.number:
        change = "deleted"
    else:
        status_changed = earlier.clause.status != now.clause.status
        change = "changed" if changed(runs) or status_changed else "same"
    return ClauseDiff(
        key=now.clause.key,
        number=now.number or (earlier.number if earlier else ""),
        change=change,
        runs=runs,
        old_status=earlier.clause.status if earlier else None,
        new_status=now.clause.status,
    )
