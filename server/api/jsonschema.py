"""JSON Schemas of the Python types that are the protocol: pydantic models (the operations'
input) and dataclasses through pydantic, TypedDicts (messages and event payloads) read here.
Named types land once in ``components.schemas`` and are referred to by ``$ref``."""

import types
from collections.abc import Mapping, Sequence
from dataclasses import is_dataclass
from enum import Enum
from typing import (
    TYPE_CHECKING,
    ForwardRef,
    Literal,
    NotRequired,
    Required,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from pydantic import BaseModel, TypeAdapter
from typing_extensions import is_typeddict

from server.common.json_types import JSON

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Schema = dict[str, object]
REF = "#/components/schemas/{model}"
_SCALARS: dict[object, Schema] = {
    str: {"type": "string"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    type(None): {"type": "null"},
    object: {},
}


class Components:
    """The named schemas one document collects."""

    def __init__(self) -> None:
        self.schemas: dict[str, Schema] = {}

    def ref(self, name: str) -> Schema:
        return {"$ref": REF.format(model=name)}

    def model(self, model: "type[BaseModel] | type[DataclassInstance]") -> Schema:
        """A pydantic model's or dataclass's schema, through pydantic itself."""
        if model.__name__ not in self.schemas:
            schema = TypeAdapter(model).json_schema(ref_template=REF)
            self.schemas.update(schema.pop("$defs", {}))
            self.schemas[model.__name__] = schema
        return self.ref(model.__name__)

    def of(self, hint: object) -> Schema:
        """The schema of a type annotation."""
        if hint == JSON or hint == ForwardRef("JSON"):
            return {"description": "any JSON value"}
        if hint in _SCALARS:
            return dict(_SCALARS[hint])
        if isinstance(hint, type) and (issubclass(hint, BaseModel) or is_dataclass(hint)):
            return self.model(hint)
        if isinstance(hint, type) and issubclass(hint, Enum):
            return {"type": "string", "enum": [member.value for member in hint]}
        if is_typeddict(hint):
            return self._typeddict(hint)
        return self._generic(hint)

    def _generic(self, hint: object) -> Schema:
        origin, args = get_origin(hint), get_args(hint)
        if origin in (Required, NotRequired):
            return self.of(args[0])
        if origin is Literal:
            return {"enum": list(args)}
        if origin in (Union, types.UnionType):
            return {"anyOf": [self.of(arg) for arg in args]}
        if origin in (list, tuple, Sequence):
            items = [self.of(arg) for arg in args if arg is not Ellipsis]
            if origin is tuple and len(items) == len(args):
                return {"type": "array", "prefixItems": items, "items": False}
            return {"type": "array", "items": items[0] if items else {}}
        if origin in (dict, Mapping):
            return {"type": "object", "additionalProperties": self.of(args[1]) if args else {}}
        raise TypeError(f"no JSON Schema for {hint!r}")

    def _typeddict(self, cls: object) -> Schema:
        """A TypedDict's schema (pydantic reads only typing_extensions' on Python 3.11)."""
        assert isinstance(cls, type)
        name = cls.__name__
        if name not in self.schemas:
            self.schemas[name] = {}  # a placeholder against recursion
            hints = get_type_hints(cls, include_extras=True)
            self.schemas[name] = {
                "title": name,
                "type": "object",
                "properties": {key: self.of(hint) for key, hint in hints.items()},
                "required": sorted(getattr(cls, "__required_keys__", hints)),
            }
            if cls.__doc__:
                self.schemas[name]["description"] = cls.__doc__.strip()
        return self.ref(name)
