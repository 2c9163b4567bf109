"""Errors that cross the service boundary carry a stable code for clients (docs/protocol.md)."""


class PlenaryError(Exception):
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(PlenaryError):
    code = "invalid"


class Forbidden(PlenaryError):
    code = "forbidden"


class NotFound(PlenaryError):
    code = "not_found"


class Conflict(PlenaryError):
    code = "conflict"


class WrongType(InvalidInput):
    code = "wrong_type"


class ProtocolError(InvalidInput):
    """A message the server cannot read. ``code`` tells the client which problem."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
