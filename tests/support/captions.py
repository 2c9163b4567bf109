"""Captions as a reader ends up with them, from the ``caption.final`` events a page got."""

from typing import Any

Event = dict[str, Any]


def read_finals(events: list[Event]) -> list[Event]:
    """The ``caption.final`` events a reader ends with: each settled one (an utterance's
    final pass) in place of the pieces it ``replaces``, as the room page shows them."""
    finals: list[Event] = []
    for event in events:
        if event["type"] == "caption.final":
            replaced = set(event["data"].get("replaces", []))
            finals = [f for f in finals if f["data"]["segment"] not in replaced] + [event]
    return finals
