"""The type of any JSON value: what a ``JSONField`` holds, what a socket message carries."""

from typing import TypeAlias

JSON: TypeAlias = str | int | float | bool | list["JSON"] | dict[str, "JSON"] | None
