"""Declared input of client operations: one pydantic model per operation, read the same way
from a room socket message's ``data`` and from an HTTP action's JSON body, and published in
the API documents (server/api). The model decides the error a client gets: a field that is
absent is ``missing_field``, one of the wrong JSON type or not among its choices is
``wrong_type``, any other refused value is ``invalid`` (docs/protocol.md, "Errors").

Every string and integer goes through the checks of ``server.common.values``.
"""

from collections.abc import Mapping
from typing import Annotated, TypeVar

from django.utils.translation import gettext_lazy as _
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import ErrorDetails

from .errors import ProtocolError
from .values import INTEGER_MAX, INTEGER_MIN, TEXT_PATTERN, integer_check, text_check


def _where(info: ValidationInfo) -> str:
    return f"data.{info.field_name}"


def _text(value: str, info: ValidationInfo) -> str:
    return text_check(value, _where(info))


def _integer(value: int, info: ValidationInfo) -> int:
    return integer_check(value, _where(info))


def null_as(empty: object) -> BeforeValidator:
    """A field a client may leave out or send as null; both read as ``empty``."""

    def read(value: object) -> object:
        return empty if value is None else value

    return BeforeValidator(read)


_TEXT_SCHEMA = {"type": "string", "pattern": TEXT_PATTERN}
Text = Annotated[StrictStr, AfterValidator(_text), WithJsonSchema(_TEXT_SCHEMA)]
Integer = Annotated[
    StrictInt,
    AfterValidator(_integer),
    WithJsonSchema({"type": "integer", "minimum": INTEGER_MIN, "maximum": INTEGER_MAX}),
]
OptionalText = Annotated[
    Text, null_as(""), WithJsonSchema({"anyOf": [_TEXT_SCHEMA, {"type": "null"}]})
]
"""Text that may be null or absent: the empty string then."""


class Operation(BaseModel):
    """The ``data`` of one client operation. Fields a client adds that the model does not
    name are ignored, as they always were."""

    model_config = ConfigDict(frozen=True, extra="ignore", use_attribute_docstrings=True)


class NoInput(Operation):
    """An operation that reads nothing from ``data``."""


Input = TypeVar("Input", bound=Operation)


def operation_parse(schema: type[Input], data: Mapping[str, object]) -> Input:
    """``data`` read through ``schema``; the first problem found is the error."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise schema_error(exc.errors(include_url=False)[0]) from None


def _path(loc: tuple[int | str, ...]) -> str:
    return "data" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


_EXPECTED = {
    "string_type": _("a string"),
    "int_type": _("an integer"),
    "bool_type": _("true or false"),
    "float_type": _("a number"),
    "list_type": _("a list"),
    "tuple_type": _("a list"),
    "dict_type": _("an object"),
    "model_type": _("an object"),
}


def schema_error(error: ErrorDetails) -> ProtocolError:
    where = _path(error["loc"])
    kind = error["type"]
    if kind == "missing":
        return ProtocolError("missing_field", _("The field '{where}' is required."), where=where)
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return ProtocolError(
            "wrong_type",
            _("The field '{where}' must be one of: {expected}."),
            where=where,
            expected=expected,
        )
    if kind in _EXPECTED:
        found = type(error["input"]).__name__
        return ProtocolError(
            "wrong_type",
            _("The field '{where}' must be {expected}, not {found}."),
            where=where,
            expected=_EXPECTED[kind],
            found=found,
        )
    # pydantic's own words stay English; what is around them is translated
    return ProtocolError(
        "invalid", _("The field '{where}': {problem}."), where=where, problem=error["msg"]
    )
