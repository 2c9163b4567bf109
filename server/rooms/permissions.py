"""Who may do what in a meeting room. Every service checks through these (the role
predicates and ``may_attend`` are the conference's: ``server.conferences.roles``)."""

from django.utils.translation import gettext_lazy as _

from server.common.errors import Forbidden
from server.conferences.models import Participant


def check_delegation_member(participant: Participant) -> None:
    if participant.delegation_id is None:
        raise Forbidden(_("You are not a member of a delegation."))
