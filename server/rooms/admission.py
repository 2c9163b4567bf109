"""Who enters a meeting's sockets (the room, the speaker's audio, listening): the same
checks, the same errors and close codes (docs/protocol.md, "Connecting")."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from server.common.asyncdb import db_async
from server.common.errors import Forbidden, NotFound, PlenaryError
from server.conferences.models import Meeting, Participant
from server.conferences.roles import may_attend

from . import selectors

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_LOGGED_OUT = 4001


class Unauthenticated(PlenaryError):
    code = "unauthenticated"


CLOSE_CODES = {Unauthenticated: CLOSE_UNAUTHENTICATED, Forbidden: CLOSE_FORBIDDEN}


def close_code(error: PlenaryError) -> int:
    return CLOSE_CODES.get(type(error), CLOSE_NOT_FOUND)


@db_async
def admit(user: AbstractBaseUser | AnonymousUser, meeting_id: int) -> tuple[Meeting, Participant]:
    if not user.is_authenticated:
        raise Unauthenticated("Log in to enter a meeting room.")
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    participant = selectors.participant_for(user, meeting) if meeting else None
    if meeting is None or participant is None:
        raise NotFound(f"Meeting {meeting_id} does not exist or you are not a participant.")
    if not may_attend(participant, meeting):
        raise Forbidden("This is a closed session and your delegation is not admitted.")
    return meeting, participant
