"""Every change to a meeting's decisions goes through here: authorise, lock the room,
validate, write, append the room event (broadcast on commit). One module per family: opening
a decision, what delegations do while it is open (vote, object) and what the presiding
officer does to the roll call, and the close."""

from .casting import decision_object, vote_cast, vote_pass
from .closing import decision_close
from .opening import decision_open, vote_open

__all__ = [
    "decision_close",
    "decision_object",
    "decision_open",
    "vote_cast",
    "vote_open",
    "vote_pass",
]
