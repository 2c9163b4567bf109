"""Every change to a room goes through here: authorise, validate, write, append the event.

One module per family of operations; each service locks the room, writes and appends its
event in one transaction (``room``). Callers import the operations from this package.
"""

from .chat import chat_send
from .floor import floor_give, timer_start, timer_stop
from .hands import hand_lower, hand_raise
from .meeting import TRANSITIONS, agenda_switch, meeting_transition
from .presence import (
    connection_close,
    connection_open,
    connections_heartbeat,
    connections_sweep,
    presence_hook,
)
from .room import attendee, event_append, room_lock
from .speakers import (
    Kind,
    floor_request,
    floor_withdraw,
    speakers_add,
    speakers_remove,
    speakers_reorder,
)

__all__ = [
    "TRANSITIONS",
    "Kind",
    "agenda_switch",
    "attendee",
    "chat_send",
    "connection_close",
    "connection_open",
    "connections_heartbeat",
    "connections_sweep",
    "event_append",
    "floor_give",
    "floor_request",
    "floor_withdraw",
    "hand_lower",
    "hand_raise",
    "meeting_transition",
    "presence_hook",
    "room_lock",
    "speakers_add",
    "speakers_remove",
    "speakers_reorder",
    "timer_start",
    "timer_stop",
]
