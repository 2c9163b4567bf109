"""Errors that cross the service boundary carry a stable code for clients (docs/protocol.md)
and a message for people, in their interface language (docs/i18n.md).

A message is marked where it is raised, ``gettext_lazy`` with ``{name}`` holes filled from
keyword arguments: ``raise NotFound(_("No text {slug} here."), slug=slug)``. It is rendered
when it is read (``message``), so in the language active where it is sent: the page's or
the socket's person's, not the one active where it was raised."""

from django.utils.text import format_lazy
from django_stubs_ext import StrOrPromise


def message_format(text: StrOrPromise, /, **params: object) -> StrOrPromise:
    """``text`` with its ``{name}`` holes filled, translated when it is read. Without
    ``params`` the text is taken as it is (braces and all)."""
    return format_lazy(text, **params) if params else text


class PlenaryError(Exception):
    code = "error"

    def __init__(self, message: StrOrPromise, /, **params: object) -> None:
        self.text = message_format(message, **params)
        super().__init__(self.text)

    @property
    def message(self) -> str:
        """The message in the active language."""
        return str(self.text)

    def __str__(self) -> str:
        return self.message


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

    def __init__(self, code: str, message: StrOrPromise, /, **params: object) -> None:
        super().__init__(message, **params)
        self.code = code
