"""JSON Schemas of the Python types that are the protocol: pydantic models (the operations'
input), TypedDicts and dataclasses (messages and event payloads). Named types land once in
``components.schemas`` and are referred to by ``$ref``."""

import dataclasses
import types
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import (
    ForwardRef,
    Literal,
    NotRequired,
    Required,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from pydantic import BaseModel
from typing_extensions import is_typeddict

from server.common.json_types import JSON

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

    def model(self, model: type[BaseModel]) -> Schema:
        if model.__name__ not in self.schemas:
            schema = model.model_json_schema(ref_template=REF)
            defs = schema.pop("$defs", {})
            self.schemas.update(defs)
            self.schemas[model.__name__] = schema
        return self.ref(model.__name__)

    def of(self, hint: object) -> Schema:
        """The schema of a type annotation."""
        if hint == JSON or hint == ForwardRef("JSON"):
            return {"description": "any JSON value"}
        if hint in _SCALARS:
            return dict(_SCALARS[hint])
        if isinstance(hint, type) and issubclass(hint, BaseModel):
            return self.model(hint)
        if isinstance(hint, type) and issubclass(hint, Enum):
            return {"type": "string", "enum": [member.value for member in hint]}
        if is_typeddict(hint) or dataclasses.is_dataclass(hint):
            return self._named(hint)
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

    def _named(self, cls: object) -> Schema:
        assert isinstance(cls, type)
        name = cls.__name__
        if name not in self.schemas:
            self.schemas[name] = {}  # a placeholder against recursion
            hints = get_type_hints(cls, include_extras=True)
            if is_typeddict(cls):
                required = sorted(getattr(cls, "__required_keys__", hints))
                fields = list(hints)
            else:
                fields = [f.name for f in dataclasses.fields(cls)]
                required = [
                    f.name
                    for f in dataclasses.fields(cls)
                    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                ]
            self.schemas[name] = {
                "title": name,
                "type": "object",
                "properties": {field: self.of(hints[field]) for field in fields},
                "required": required,
            }
            if cls.__doc__ and not cls.__doc__.startswith(f"{name}("):
                self.schemas[name]["description"] = cls.__doc__.strip()
        return self.ref(name)
