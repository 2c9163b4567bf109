"""Reads of negotiation texts, no writes: the texts and their log (``texts``), a clause's
history and what an event did (``history``), the text as negotiators read it with its
proposals, positions and counts (``reading``), what a meeting decided for its record
(``outcomes``)."""

from .history import (
    HistoryEntry,
    change_announcement,
    clause_at,
    clause_history,
    clause_versions,
    event_summary,
)
from .outcomes import MeetingOutcome, meeting_outcomes
from .reading import (
    ClauseView,
    Compilation,
    OpenMark,
    TextCounts,
    agreed_clauses,
    clause_adoption_problem,
    compilation,
    open_brackets,
    open_proposals,
    positions_on,
    proposal_summary,
    text_counts,
    text_diff_between,
)
from .texts import (
    CHANGES_LISTED,
    UNSOUND,
    chain_verify,
    changes_since,
    log_entries,
    participant_in,
    projection_difference,
    projection_sound,
    text_as_of,
    text_find,
    text_state,
    texts_for,
)

__all__ = [
    "CHANGES_LISTED",
    "UNSOUND",
    "ClauseView",
    "Compilation",
    "HistoryEntry",
    "MeetingOutcome",
    "OpenMark",
    "TextCounts",
    "agreed_clauses",
    "chain_verify",
    "change_announcement",
    "changes_since",
    "clause_adoption_problem",
    "clause_at",
    "clause_history",
    "clause_versions",
    "compilation",
    "event_summary",
    "log_entries",
    "meeting_outcomes",
    "open_brackets",
    "open_proposals",
    "participant_in",
    "positions_on",
    "projection_difference",
    "projection_sound",
    "proposal_summary",
    "text_as_of",
    "text_counts",
    "text_diff_between",
    "text_find",
    "text_state",
    "texts_for",
]
