"""The text in reading order, each clause with its displayed number: sections in Roman
numerals, preambular paragraphs PP1, PP2…, operative paragraphs 1, 2…, sub-paragraphs
(a), (b)… and (i), (ii)… within those; a label the secretariat fixed ("4 bis") wins."""

from dataclasses import dataclass

from .state import Clause, ClauseKind, ClauseStatus, TextState

ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while number >= value:
            out, number = out + letters, number - value
    return out


def _letters(number: int) -> str:
    out = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


@dataclass(frozen=True)
class Placed:
    clause: Clause
    depth: int
    number: str


def reading_order(state: TextState, *, deleted: bool = False) -> list[Placed]:
    """Clauses as the text reads, with their displayed numbers. Deleted clauses get no
    number (and appear only when ``deleted``)."""
    counters = {"section": 0, "pp": 0, "op": 0}
    out: list[Placed] = []

    def walk(parent: int | None, depth: int) -> None:
        sub = 0
        in_sub = parent is not None and state.clauses[parent].kind == ClauseKind.SUB
        for key in state.children.get(parent, []):
            clause = state.clauses[key]
            number = ""
            if clause.status != ClauseStatus.DELETED:
                sub += 1
                number = clause.label or _number(clause, counters, sub, in_sub)
            if number or deleted:
                out.append(Placed(clause, depth, number))
            walk(key, depth + 1)

    walk(None, 0)
    return out


def _number(clause: Clause, counters: dict[str, int], sub: int, in_sub: bool) -> str:
    if clause.kind == ClauseKind.SUB:
        return f"({roman(sub).lower() if in_sub else _letters(sub)})"
    counters[clause.kind] += 1
    count = counters[clause.kind]
    if clause.kind == ClauseKind.SECTION:
        return roman(count)
    return f"PP{count}" if clause.kind == ClauseKind.PP else str(count)
