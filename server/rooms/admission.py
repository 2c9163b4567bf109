"""Who enters a meeting's sockets (the room, the speaker's audio, listening), and who stays:
the same checks, the same errors and close codes (docs/protocol.md, "Connecting")."""

from datetime import datetime
from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from server.common.asyncdb import db_async
from server.common.consumers import LeavingConsumer
from server.common.errors import Forbidden, NotFound, PlenaryError
from server.conferences.models import Meeting, Participant
from server.conferences.roles import may_attend

from . import selectors
from .sockets import get_registry

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_MANY_SOCKETS = 4429
CLOSE_LOGGED_OUT = 4001


class Unauthenticated(PlenaryError):
    code = "unauthenticated"


class LoggedOut(PlenaryError):
    code = "logged_out"


class TooManySockets(PlenaryError):
    code = "too_many_sockets"


CLOSE_CODES = {
    Unauthenticated: CLOSE_UNAUTHENTICATED,
    Forbidden: CLOSE_FORBIDDEN,
    LoggedOut: CLOSE_LOGGED_OUT,
    TooManySockets: CLOSE_TOO_MANY_SOCKETS,
}


def close_code(error: PlenaryError) -> int:
    return CLOSE_CODES.get(type(error), CLOSE_NOT_FOUND)


@db_async
def admit(user: AbstractBaseUser | AnonymousUser, meeting_id: int) -> tuple[Meeting, Participant]:
    if not user.is_authenticated:
        raise Unauthenticated(_("Log in to enter a meeting room."))
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    participant = selectors.participant_for(user, meeting) if meeting else None
    if meeting is None or participant is None:
        raise NotFound(
            _("Meeting {meeting_id} does not exist or you are not a participant."),
            meeting_id=meeting_id,
        )
    if not may_attend(participant, meeting):
        raise Forbidden(_("This is a closed session and your delegation is not admitted."))
    return meeting, participant


@db_async
def session_user(session_key: str | None) -> AbstractBaseUser | AnonymousUser:
    """Who the session names now: anonymous once it was flushed (logout), the password
    changed or the account was deactivated — Django's own checks, read afresh."""
    if session_key is None:
        return AnonymousUser()
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return auth.get_user(request)


class AdmittedConsumer(LeavingConsumer):
    """A meeting socket whose rights follow the current state (``sockets``): admitted and
    registered by ``enter``; told by the registry to check again, it carries on with the
    participant as they are now, or leaves, says why and closes."""

    meeting: Meeting
    participant: Participant
    admitted_at: datetime
    registered = False
    revoked = False

    async def enter(self, meeting_id: int) -> None:
        """Admit this socket (or raise ``PlenaryError``) and register it."""
        self.admitted_at = timezone.now()
        self.meeting, self.participant = await admit(self.scope["user"], meeting_id)
        registry = get_registry()
        await registry.start()
        if not registry.add(self):
            raise TooManySockets(
                _(
                    "You have {room_sockets_per_user} meeting sockets open already (tabs or "
                    "devices): close one first."
                ),
                room_sockets_per_user=settings.ROOM_SOCKETS_PER_USER,
            )
        self.registered = True

    def ended(self) -> None:
        if self.registered:
            get_registry().discard(self)

    @property
    def user_id(self) -> int:
        return self.participant.user_id

    async def revalidate(self) -> None:
        session = self.scope.get("session")
        user = await session_user(session.session_key if session is not None else None)
        before = selectors.participant_ref(self.participant)
        try:
            if not user.is_authenticated:
                raise LoggedOut(
                    _("Your session has ended (logged out, new password or account deactivated).")
                )
            self.meeting, self.participant = await admit(user, self.meeting.pk)
        except PlenaryError as exc:
            await self.revoke(exc)
            return
        if selectors.participant_ref(self.participant) != before:
            await self.participant_changed()

    async def participant_changed(self) -> None:
        """Admitted still, as a participant changed since (a new role or delegation)."""

    async def logged_out(self) -> None:
        await self.revoke(LoggedOut(_("You have logged out.")))

    async def revoke(self, error: PlenaryError) -> None:
        if self.revoked:  # the layer and the sweep may both bring one revocation
            return
        self.revoked = True
        await self.leave()
        with translation.override(self.language):  # the registry's task may call this
            await self.send_error(error.code, error.message)
        await self.close(code=close_code(error))

    async def send_error(self, code: str, text: str) -> None:
        raise NotImplementedError
