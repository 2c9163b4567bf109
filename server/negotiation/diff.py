"""Word-level differences between two versions of a clause or of a whole text.

A diff is bounded in time: the comparison of a page (a whole text, a clause's history)
shares one deadline, and what is still unresolved when it passes is shown as removed and
inserted whole, after a ``note`` run that says so. What two versions share at their start
and end is set aside first, long clauses are compared word by word with the spaces riding
along, and where words repeat so much that one step would be slow, the commonest of them do
not anchor matches (also noted), so that no single step takes long.
"""

import re
import time
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from .content import markup
from .numbering import Placed, reading_order
from .state import TextState

TOKENS = re.compile(r"\s+|[\[\]{}|]|[^\s\[\]{}|]+")
# Long clauses: a word carries the spaces after it, so spaces (the commonest token by far,
# and the costliest to match) are not tokens of their own.
WORDS = re.compile(r"[^\s\[\]{}|]+\s*|[\[\]{}|]\s*|\s+")
RunKind = Literal["same", "ins", "del", "note"]
ChangeKind = Literal["added", "deleted", "changed", "same"]
DIFF_SECONDS = 0.2  # for all the comparisons of one page
EXACT_CELLS = 250_000  # beyond (old tokens x new tokens), compare WORDS, not TOKENS
STEP_COST = 400_000  # beyond (pairs of equal tokens), common words do not anchor matches
COARSE = "Too long a change to compare word by word: parts are shown removed and inserted whole."


@dataclass(frozen=True)
class Run:
    kind: RunKind
    text: str


def deadline() -> float:
    """The moment (``time.monotonic``) by which a page's comparisons give up."""
    return time.monotonic() + DIFF_SECONDS


def word_diff(old: str, new: str, *, until: float | None = None) -> list[Run]:
    """``new`` against ``old`` as runs of unchanged, inserted and deleted words, compared
    word by word until ``until`` (default: ``DIFF_SECONDS`` from now)."""
    if old == new:
        return [Run("same", old)] if old else []
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    if len(a) * len(b) > EXACT_CELLS:
        a, b = WORDS.findall(old), WORDS.findall(new)
    head = _common_length(a, b)
    tail = _common_length(a[head:][::-1], b[head:][::-1])
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    # Words repeated on both sides make each step slow; past a bound they anchor nothing.
    coarse = _step_cost(middle_a, middle_b) > STEP_COST
    matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=coarse)
    blocks, complete = _matching_blocks(matcher, len(middle_a), len(middle_b), until or deadline())
    runs: list[Run] = [Run("note", COARSE)] if coarse or not complete else []
    _add(runs, "same", "".join(a[:head]))
    i = j = 0
    for ai, bj, size in blocks:
        _add(runs, "del", "".join(middle_a[i:ai]))
        _add(runs, "ins", "".join(middle_b[j:bj]))
        _add(runs, "same", "".join(middle_a[ai : ai + size]))
        i, j = ai + size, bj + size
    _add(runs, "del", "".join(middle_a[i:]))
    _add(runs, "ins", "".join(middle_b[j:]))
    _add(runs, "same", "".join(a[len(a) - tail :]))
    return runs


def _step_cost(a: list[str], b: list[str]) -> int:
    """What one search for the longest common run costs at most: the pairs of equal
    tokens."""
    in_b = Counter(b)
    return sum(count * in_b[token] for token, count in Counter(a).items())


def _common_length(a: list[str], b: list[str]) -> int:
    """How many tokens ``a`` and ``b`` share from their start."""
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return index
    return min(len(a), len(b))


def _matching_blocks(
    matcher: SequenceMatcher[str], a: int, b: int, until: float
) -> tuple[list[tuple[int, int, int]], bool]:
    """The matching blocks, as ``get_matching_blocks`` finds them, until ``until``; and
    whether the search finished (what it did not reach has no matches). It always takes
    the first step, so that a clause compared after the deadline still shows its longest
    unchanged part."""
    pending, found = [(0, a, 0, b)], []
    while pending:
        alo, ahi, blo, bhi = pending.pop()
        i, j, size = matcher.find_longest_match(alo, ahi, blo, bhi)
        if size:
            found.append((i, j, size))
            if alo < i and blo < j:
                pending.append((alo, i, blo, j))
            if i + size < ahi and j + size < bhi:
                pending.append((i + size, ahi, j + size, bhi))
        if pending and time.monotonic() > until:
            return sorted(found), False
    return sorted(found), True


def _add(runs: list[Run], kind: RunKind, text: str) -> None:
    if not text:
        return
    if runs and runs[-1].kind == kind:
        runs[-1] = Run(kind, runs[-1].text + text)
    else:
        runs.append(Run(kind, text))


def changed(runs: list[Run]) -> bool:
    return any(run.kind in {"ins", "del"} for run in runs)


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
    out, until = [], deadline()
    for placed in reading_order(new, deleted=True):
        earlier = before.get(placed.clause.key)
        if earlier is None and not placed.number:
            continue  # deleted before the older version too, or never there
        out.append(_clause_diff(earlier, placed, until))
    return out


def _clause_diff(earlier: Placed | None, now: Placed, until: float) -> ClauseDiff:
    old_markup = markup(earlier.clause.content) if earlier else ""
    new_markup = "" if not now.number else markup(now.clause.content)
    runs = word_diff(old_markup, new_markup, until=until)
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
