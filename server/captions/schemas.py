"""The input of the captions operations (docs/protocol.md, "Captions")."""

from server.common.schemas import Operation, Text


class CaptionsLanguage(Operation):
    language: Text | None = None
    """The language this participant reads captions in; None for the speaker's own."""
