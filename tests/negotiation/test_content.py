"""Brackets and options are structure: markup reads into it and back, and changes keep it."""

import pytest

from server.negotiation import content as c
from server.negotiation import edits


def test_markup_round_trips_with_nested_brackets_and_options() -> None:
    words = (
        "Decides [to [urgently] mobilize] {USD 300 billion | USD 1.3 trillion | delete} per year"
    )
    parsed = c.parse(words, by=("BRA",))
    assert c.markup(parsed) == words
    assert c.counts(parsed) == (2, 1, 3)
    group = next(m for m in c.marks(parsed) if isinstance(m, c.Options))
    assert group.alternatives[2].content is None  # the option to delete
    assert all(a.by == ("BRA",) for a in group.alternatives)
    assert c.from_json(c.to_json(parsed)) == parsed


@pytest.mark.parametrize("bad", ["[open", "close]", "{one}", "{one | two", "a | b}"])
def test_bad_markup_is_refused(bad: str) -> None:
    with pytest.raises(c.ContentError):
        c.parse(bad)


def test_a_span_is_replaced_only_where_it_occurs_once() -> None:
    words = c.parse("to report in 2028 and in 2030")
    assert c.markup(edits.span_replace(words, None, "in 2028", ("in 2027",))) == (
        "to report in 2027 and in 2030"
    )
    with pytest.raises(c.ContentError, match="occur 2 times"):
        edits.span_replace(words, None, "in 20", ("x",))
    with pytest.raises(c.ContentError, match="do not occur"):
        edits.span_replace(words, None, "in 2029", ("x",))


def test_brackets_are_added_inside_a_bracket_and_lifted() -> None:
    words = c.parse("Notes the [urgent need for finance]")
    outer = next(c.marks(words))
    nested = edits.bracket_add(words, outer.id, "urgent", ("EU",))
    assert c.markup(nested) == "Notes the [[urgent] need for finance]"
    inner = next(m for m in c.marks(nested) if isinstance(m, c.Bracket) and m.by == ("EU",))
    assert c.markup(edits.bracket_remove(nested, inner.id)) == "Notes the [urgent need for finance]"
    assert c.is_clean(edits.bracket_remove(words, outer.id))


def test_options_are_opened_added_to_and_chosen() -> None:
    words = c.parse("mobilize USD 300 billion per year")
    alternative = edits.parse_after(words, "USD 1.3 trillion", ("BRA", "KEN"))
    opened = edits.options_open(words, None, "USD 300 billion", alternative, ("BRA", "KEN"))
    assert c.markup(opened) == "mobilize {USD 300 billion | USD 1.3 trillion} per year"
    group = next(m for m in c.marks(opened) if isinstance(m, c.Options))
    with_delete = edits.option_add(opened, group.id, None, ("EU",))
    assert (
        c.markup(with_delete) == "mobilize {USD 300 billion | USD 1.3 trillion | delete} per year"
    )
    chosen = edits.option_choose(with_delete, group.id, group.alternatives[1].id)
    assert c.markup(chosen) == "mobilize USD 1.3 trillion per year"
    deleted = edits.option_choose(with_delete, group.id, max(c.max_id(with_delete), 0))
    assert c.markup(deleted) == "mobilize  per year"


@pytest.mark.parametrize("opener,closer", [("[", "]"), ("{a|", "}")])
def test_markup_nests_at_most_eight_deep(opener: str, closer: str) -> None:
    eight = opener * c.MAX_DEPTH + "words" + closer * c.MAX_DEPTH
    assert c.depth(c.parse(eight)) == c.MAX_DEPTH
    for deep in (opener * 9 + "words" + closer * 9, opener * 20_000):
        with pytest.raises(c.ContentError, match="nest at most 8 deep"):
            c.parse(deep)
