"""The shared check of client values: text without control characters, integers that fit
the database, JSON that decodes to checked values or is refused with a protocol code."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.http import HttpRequest
from hypothesis import given
from hypothesis import strategies as st

from server.common.errors import InvalidInput, ProtocolError, WrongType
from server.common.values import (
    INTEGER_MAX,
    form_text,
    integer_parse,
    json_decode,
    text_check,
    text_validator,
)
from tests.fuzz.strategies import CONTROL, RAW, fuzz_settings, json_value

any_text = st.text(st.characters(exclude_categories=()), max_size=40)


@pytest.mark.parametrize("allowed", ["", "plain", "tab\there", "two\nlines", "Güterbahnhof ✓ 中文"])
def test_text_with_tabs_newlines_and_any_script_is_taken(allowed: str) -> None:
    assert text_check(allowed, "text") == allowed


@pytest.mark.parametrize(
    "forbidden", ["\x00", "\x07", "\x1b[31m", "\r", "\x7f", "\x85", "\ud800", "\uffff"]
)
def test_control_characters_and_lone_surrogates_are_refused(forbidden: str) -> None:
    with pytest.raises(InvalidInput, match=f"U\\+{ord(forbidden[0]):04X} at position 2"):
        text_check(f"ab{forbidden}", "data.text")


def test_a_form_keeps_a_browsers_line_ends_as_newlines() -> None:
    assert form_text({"text": "one\r\ntwo\rthree"}, "text") == "one\ntwo\nthree"
    with pytest.raises(InvalidInput, match="'text' holds"):
        form_text({"text": "a\x0cb"}, "text")


@pytest.mark.parametrize(
    "raw", ["²", "١٢", "-1", "+1", " 1", "1_000", "0x10", "", "9" * 5000, str(2**63), str(2**70)]
)
def test_a_query_integer_is_ascii_digits_within_64_bits(raw: str) -> None:
    with pytest.raises(WrongType, match="'after'"):
        integer_parse(raw, "after")


def test_the_largest_stored_integer_is_taken() -> None:
    assert integer_parse(str(INTEGER_MAX), "after") == INTEGER_MAX


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ('{"text": NaN}', "bad_json"),
        ('{"limit": 1e999}', "bad_json"),
        ('{"participant": ' + "9" * 5000 + "}", "wrong_type"),
        ('{"participant": ' + str(2**70) + "}", "wrong_type"),
        ("[" * 70_000, "bad_message"),
        ("[" * 40 + "]" * 40, "bad_message"),
        ('{"text": "\\u0000"}', "invalid"),
        ('{"te\\u0007xt": "a"}', "invalid"),
        (b"\xff\xfe\x00", "bad_json"),
    ],
)
def test_json_is_refused_with_the_code_of_its_problem(raw: str | bytes, code: str) -> None:
    with pytest.raises(ProtocolError if code.startswith("bad") else InvalidInput) as caught:
        json_decode(raw, "data")
    assert caught.value.code == code


def test_the_field_is_named_however_deep() -> None:
    with pytest.raises(InvalidInput, match=r"'data.operation.words\[1\]'"):
        json_decode('{"operation": {"words": ["ok", "b\\u001bad"]}}', "data")


def test_every_admin_text_field_is_checked() -> None:
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("server.") and model is not User:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                formfield = model_admin.formfield_for_dbfield(field, request=HttpRequest())
                if formfield is not None:
                    assert text_validator in formfield.validators, f"{model.__name__}.{field.name}"
                    checked += 1
    assert checked >= 12


# Properties -------------------------------------------------------------------------------


def forbidden(char: str) -> bool:
    code = ord(char)
    return (
        (code < 0x20 and char not in "\t\n")
        or 0x7F <= code <= 0x9F
        or 0xD800 <= code <= 0xDFFF
        or code in (0xFFFE, 0xFFFF)
    )


@fuzz_settings(300)
@given(value=st.one_of(any_text, st.builds("".join, st.lists(CONTROL | any_text, max_size=4))))
def test_fuzz_text_taken_is_exactly_text_any_export_can_hold(value: str) -> None:
    try:
        text_check(value, "text")
    except InvalidInput:
        assert any(forbidden(c) for c in value)
        return
    assert not any(forbidden(c) for c in value)
    value.encode("utf-8")
    element = ET.Element("p")
    element.text = value
    assert ET.fromstring(ET.tostring(element, encoding="unicode")).text in (value, None)


@fuzz_settings(300)
@given(raw=any_text)
def test_fuzz_query_integer_is_a_number_or_wrong_type(raw: str) -> None:
    try:
        number = integer_parse(raw, "n")
    except WrongType:
        return
    assert raw.isascii() and raw.isdigit() and 0 <= number <= INTEGER_MAX


@fuzz_settings(300)
@given(raw=st.one_of(json_value.map(json.dumps), RAW, any_text, st.binary()))
def test_fuzz_json_decodes_or_is_refused_with_a_code(raw: str | bytes) -> None:
    try:
        json_decode(raw, "data")
    except InvalidInput as refused:
        assert refused.code in {"bad_json", "bad_message", "wrong_type", "invalid"}
