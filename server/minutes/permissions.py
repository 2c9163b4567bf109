"""Who may do what with the minutes of a meeting. Every service and page checks through these.

| operation | who |
|---|---|
| read the minutes, the transcript and the audit; export | whoever may attend the meeting |
| prepare minutes, write summaries, ask the summariser, issue, reopen | the secretariat |
| correct a transcript segment | the secretariat: any; a member of a delegation: that delegation's |

Whether a change is allowed *now* (the minutes are issued) is the services' business: it is a
conflict with the state, not a matter of who asks.
"""

from django.utils.translation import gettext_lazy as _

from server.common.errors import Forbidden
from server.conferences.models import Meeting, Participant
from server.conferences.roles import is_secretariat, may_attend


def may_read(participant: Participant | None, meeting: Meeting) -> bool:
    return participant is not None and may_attend(participant, meeting)


def may_prepare(participant: Participant) -> bool:
    return is_secretariat(participant)


def check_prepare(participant: Participant) -> None:
    if not may_prepare(participant):
        raise Forbidden(_("Only the secretariat prepares, summarises and issues minutes."))


def may_correct(participant: Participant, delegation_id: int | None) -> bool:
    """Whether ``participant`` may correct what was said by a speaker of ``delegation_id``
    (``None``: the bureau or the secretariat)."""
    if is_secretariat(participant):
        return True
    return participant.delegation_id is not None and participant.delegation_id == delegation_id


def check_correct(participant: Participant, delegation_id: int | None) -> None:
    if not may_correct(participant, delegation_id):
        raise Forbidden(
            _("A delegation may correct only its own statements; the secretariat, any statement.")
        )
