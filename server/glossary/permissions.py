"""Who may do what with a conference's glossary.

| operation | who |
|---|---|
| read the glossary | the conference's participants |
| add, change or remove a term | the secretariat |
"""

from django.utils.translation import gettext_lazy as _

from server.common.errors import Forbidden
from server.conferences.models import Participant
from server.conferences.roles import is_secretariat


def may_edit(participant: Participant) -> bool:
    return is_secretariat(participant)


def check_edit(participant: Participant) -> None:
    if not may_edit(participant):
        raise Forbidden(_("Only the secretariat edits the conference's glossary."))
