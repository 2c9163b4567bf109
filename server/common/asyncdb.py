"""Typed access to the ORM from async code (the room consumers and hub)."""

from collections.abc import Callable, Coroutine
from typing import ParamSpec, TypeVar

from channels.db import database_sync_to_async

P = ParamSpec("P")
R = TypeVar("R")


def db_async(function: Callable[P, R]) -> Callable[P, Coroutine[object, object, R]]:
    """Run ``function`` in Channels' database thread, closing stale connections around it."""
    wrapped: Callable[P, Coroutine[object, object, R]] = database_sync_to_async(function)
    return wrapped
