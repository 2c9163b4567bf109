"""The values a client may send, checked once for every field, whatever way it comes: a
socket message or an action's JSON body (``json_decode``), a form (``form_text``), a query
string (``param_int``), the admin (``TEXT_CHECKED``). See docs/protocol.md, "Values".

Text holds no control character but tab and newline, no lone surrogate and no non-character
U+FFFE/U+FFFF, so every export (UTF-8, XML, DOCX) can hold it. An integer fits the
database's 64-bit columns; written in a query string, it is the digits 0 to 9 alone.
"""

import json
import math
import re
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Concatenate, ParamSpec

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from .errors import InvalidInput, ProtocolError, WrongType

INTEGER_MIN, INTEGER_MAX = -(2**63), 2**63 - 1
MAX_DEPTH = 32  # levels of nested objects and lists in one message

_FORBIDDEN_CHARACTERS = r"\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_FORBIDDEN = re.compile(f"[{_FORBIDDEN_CHARACTERS}]")
TEXT_PATTERN = f"^[^{_FORBIDDEN_CHARACTERS}]*$"
"""Text as a JSON Schema pattern (the published documents)."""
_DECIMAL = re.compile("[0-9]{1,19}")  # ASCII digits only: str.isdigit() takes '²'
_NEWLINES = re.compile("\r\n?")


def text_check(value: str, name: StrOrPromise) -> str:
    found = _FORBIDDEN.search(value)
    if found is not None:
        raise InvalidInput(
            _(
                "'{name}' holds the control character U+{codepoint:04X} at position {position}: "
                "text may hold tabs and newlines, no other control character."
            ),
            name=name,
            codepoint=ord(found.group()),
            position=found.start(),
        )
    return value


def integer_check(value: int, name: str) -> int:
    if not INTEGER_MIN <= value <= INTEGER_MAX:
        raise WrongType(
            _("'{name}' must be an integer between {integer_min} and {integer_max}."),
            name=name,
            integer_min=INTEGER_MIN,
            integer_max=INTEGER_MAX,
        )
    return value


def decimal_or_none(raw: str) -> int | None:
    """An id an operator typed, if it is one (digits 0 to 9 within the database's range)."""
    if _DECIMAL.fullmatch(raw) is None:
        return None
    value = int(raw)
    return value if value <= INTEGER_MAX else None


def integer_parse(raw: str, name: str) -> int:
    """A non-negative integer written in a query string or a form."""
    if _DECIMAL.fullmatch(raw) is None:
        raise WrongType(
            _("'{name}' must be a whole number written with the digits 0 to 9."), name=name
        )
    return integer_check(int(raw), name)


def _no_constant(name: str) -> float:
    raise ProtocolError("bad_json", _("{name} is not a number JSON knows."), name=name)


def _integer(raw: str) -> int:
    """Refused by its length first: int() raises a ValueError beyond 4300 digits."""
    if len(raw) > 100:
        raise WrongType(
            _("An integer of {digits} digits is larger than any stored number."), digits=len(raw)
        )
    return int(raw)


def _finite(raw: str) -> float:
    value = float(raw)
    if not math.isfinite(value):
        raise ProtocolError("bad_json", _("A number is too large: {number}."), number=raw[:20])
    return value


def json_decode(raw: str | bytes, root: str, *, texts: bool = True) -> object:
    """The JSON value of ``raw`` with every string and integer in it checked; ``root`` names
    it in errors (``data.text``). ``texts=False`` leaves the strings' characters unchecked,
    for messages only relayed, never stored or shown (an SDP's lines end in CR LF)."""
    try:
        value = json.loads(
            raw, parse_constant=_no_constant, parse_float=_finite, parse_int=_integer
        )
    except json.JSONDecodeError as exc:
        raise ProtocolError(
            "bad_json", _("The message is not valid JSON: {msg}."), msg=exc.msg
        ) from exc
    except UnicodeDecodeError as exc:
        raise ProtocolError("bad_json", _("The message is not UTF-8.")) from exc
    except RecursionError as exc:
        raise _too_deep() from exc
    _values_check(value, root, texts)
    return value


def _too_deep() -> ProtocolError:
    return ProtocolError(
        "bad_message", _("The message nests more than {depth} levels."), depth=MAX_DEPTH
    )


def _values_check(value: object, root: str, texts: bool) -> None:
    pending: list[tuple[object, str, int]] = [(value, root, 0)]
    while pending:
        item, name, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise _too_deep()
        if isinstance(item, str):
            if texts:
                text_check(item, name or "message")
        elif isinstance(item, int) and not isinstance(item, bool):
            integer_check(item, name or "message")
        elif isinstance(item, dict):
            for key, inner in item.items():
                if texts:
                    text_check(key, "a field name")
                pending.append((inner, f"{name}.{key}" if name else key, depth + 1))
        elif isinstance(item, list):
            pending.extend((inner, f"{name}[{n}]", depth + 1) for n, inner in enumerate(item))


def form_text(params: Mapping[str, str], name: str) -> str:
    """A form's text field; a browser's CRLF line ends become newlines."""
    return text_check(_NEWLINES.sub("\n", params.get(name, "")), name)


def param_int(params: Mapping[str, str], name: str) -> int | None:
    """``?name=N``, or None where it is absent or empty."""
    raw = params.get(name, "")
    return integer_parse(raw, name) if raw else None


P = ParamSpec("P")


def answers_bad_input(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """A page view whose refused input (``InvalidInput``) is answered 400 with the reason."""

    @wraps(view)
    def checked(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except InvalidInput as exc:
            return HttpResponseBadRequest(exc.message, content_type="text/plain; charset=utf-8")

    return checked


def text_validator(value: str) -> None:
    """The text check as a Django validator (admin forms; CRLF counts as a newline)."""
    try:
        text_check(_NEWLINES.sub("\n", value), "This field")
    except InvalidInput as exc:
        raise ValidationError(exc.message, code="invalid") from exc


TEXT_CHECKED = {
    models.CharField: {"validators": [text_validator]},
    models.TextField: {"validators": [text_validator]},
    models.EmailField: {"validators": [text_validator]},
    models.URLField: {"validators": [text_validator]},
}
"""An admin's ``formfield_overrides``: every text field it edits is checked."""
