"""What the fuzz tests send: hostile text and integers, JSON of any shape, field names the
operations read, query strings and frames; and how many examples each test runs."""

import os
from urllib.parse import quote

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from server.rooms.actions import ACTIONS

EXAMPLES = int(os.environ.get("PLENARY_FUZZ_EXAMPLES", "0"))


def fuzz_settings(default: int) -> settings:
    """``default`` examples, or ``PLENARY_FUZZ_EXAMPLES`` of each test for a long run by hand."""
    return settings(
        max_examples=EXAMPLES or default,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


# Values no field should hold, and some that look like numbers but are not -----------------

CONTROL = st.sampled_from(
    [chr(c) for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0)]]
    + ["\r", "\ud800", "\udfff", "\ufffe", "\uffff"]
)
TRICKY = st.sampled_from(
    [
        "",
        " ",
        "²",
        "١٢",
        "1_000",
        "0x10",
        "-1",
        "+1",
        "1e3",
        " 7",
        str(2**63 - 1),
        str(2**63),
        str(2**70),
        "<script>x</script>",
        "# heading",
        "[link](http://x)",
        "[bracket]",
        "{a | b}",
        "{[{[",
        "]]}}",
    ]
)
LONG = st.sampled_from([5000, 4001, 20]).map(lambda n: "9" * n) | st.just(4001).map("x".__mul__)
WORDS = st.sampled_from(
    [
        "meeting",
        "delegation",
        "speaker",
        "reply",
        "point_of_order",
        "insert",
        "delete",
        "replace",
        "amend",
        "bracket",
        "unbracket",
        "option",
        "clause",
        "proposal",
        "support",
        "object",
        "reserve",
        "agreed",
        "pending",
        "pp",
        "op",
        "en",
        "es",
        "fr",
        "KEN",
        "ESP",
        "Decides",
        "urgent",
        "verbatim",
        "summary",
    ]
)
hostile_text = st.one_of(
    st.text(max_size=30),
    TRICKY,
    LONG,
    WORDS,
    st.builds(lambda a, c, b: a + c + b, st.text(max_size=8), CONTROL, st.text(max_size=8)),
)
hostile_int = st.one_of(
    st.integers(-3, 60),
    st.integers(),
    st.sampled_from([2**31, 2**63 - 1, 2**63, -(2**63) - 1, 2**70, -(2**70)]),
)

# Field names the operations read, so that generated messages reach past the first check.
FIELDS = sorted(
    {
        "after", "base_version", "clause", "comment", "cosponsors", "entries", "entry",
        "event", "id", "into", "item", "kind", "label", "language", "limit", "new", "note",
        "old", "operation", "parent", "participant", "proposal", "rationale", "reason",
        "scope", "stance", "status", "target", "text", "transcript", "until", "words",
    }
)  # fmt: skip
field_name = st.one_of(st.sampled_from(FIELDS), hostile_text)

json_value = st.recursive(
    st.none() | st.booleans() | hostile_int | st.floats() | hostile_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(field_name, inner, max_size=4),
    max_leaves=12,
)
data = st.dictionaries(field_name, json_value, max_size=8)
message_type = st.one_of(st.sampled_from(sorted([*ACTIONS, "ping", "events.fetch"])), hostile_text)

# Raw bodies and frames no encoder would write.
RAW = (
    st.just(5000).map(lambda n: '{"participant": ' + "9" * n + "}")
    | st.just(70_000).map("[".__mul__)
    | st.sampled_from(
        [
            "{",
            "[" * 40 + "]" * 40,
            '{"text": NaN}',
            '{"text": Infinity}',
            '{"limit": 1e999}',
            '{"participant": 99999999999999999999999}',
            '{"text": "\\ud800"}',
            '{"text": "a\\u0000b"}',
            '{"a": 1, "a": 2}',
            "null",
            '"text"',
            "\ufeff{}",
        ]
    )
)


def query_value(value: str) -> str:
    """Percent-encoded UTF-8, lone surrogates included (invalid UTF-8 on the wire)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


# Query strings and forms: values that look like numbers, and hostile text.
NUMERALS = st.sampled_from(
    ["²", "١٢", "\uff19", "1_000", "-1", "+1", " 7", "0x10", "1e3", "", "3", str(2**63), str(2**70)]
) | st.just(5000).map("9".__mul__)
parameter_value = st.one_of(NUMERALS, LONG, hostile_text, hostile_int.map(str))
