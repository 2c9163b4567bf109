"""Changes to who someone is or may be reach their open meeting sockets on every server
process (``server.rooms.sockets``), once the change is committed: logging out closes them; a
new password, a deactivated account, a changed participation or a closed session's changed
admissions make them check their rights again."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest

from server.accounts.language import (
    CODES,
    SESSION_KEY,
    interface_language_of,
    interface_language_set,
)
from server.conferences.models import Delegation, Meeting, Participant
from server.rooms.sockets import sockets_revoke


def close_user_sockets(
    sender: object, request: HttpRequest | None, user: AbstractBaseUser | None, **kwargs: object
) -> None:
    """Django sends this before it ends the session: end it first here, so that the user is
    logged out whatever the layer does next (Redis down, or slow to answer)."""
    if request is not None and hasattr(request, "session"):
        request.session.flush()
    if user is not None:
        sockets_revoke([user.pk], logout=True)


def remember_language(
    sender: object, request: HttpRequest, user: AbstractBaseUser, **kwargs: object
) -> None:
    """The interface language the person chose, into their session; one picked on the login
    page (the language cookie) becomes their setting if they had none."""
    language = interface_language_of(user)
    picked = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if not language and picked in CODES:
        interface_language_set(user=user, language=picked)
        language = picked
    request.session[SESSION_KEY] = language


def _recheck_later(user_ids: list[int]) -> None:
    transaction.on_commit(lambda: sockets_revoke(user_ids))


def user_changed(
    sender: object,
    instance: AbstractBaseUser,
    created: bool,
    update_fields: frozenset[str] | None,
    **kwargs: object,
) -> None:
    if not created and update_fields != frozenset({"last_login"}):  # not for each login
        _recheck_later([instance.pk])


def participant_changed(sender: object, instance: Participant, **kwargs: object) -> None:
    _recheck_later([instance.user_id])


def meeting_changed(
    sender: object,
    instance: Meeting,
    created: bool,
    update_fields: frozenset[str] | None,
    **kwargs: object,
) -> None:
    """Its kind may have become a closed session (an edit in the admin); not for the saves
    of its status that opening or closing it makes."""
    if not created and (update_fields is None or "kind" in update_fields):
        _recheck_later(_conference_users(instance.conference_id))


def admissions_changed(
    sender: object, instance: Model, action: str, reverse: bool, **kwargs: object
) -> None:
    """A closed session's admitted delegations changed (from either side of the relation)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        assert isinstance(instance, Delegation)
        users = Participant.objects.filter(delegation=instance).values_list("user_id", flat=True)
        _recheck_later(list(users))
    else:
        assert isinstance(instance, Meeting)
        _recheck_later(_conference_users(instance.conference_id))


def _conference_users(conference_id: int) -> list[int]:
    participants = Participant.objects.filter(conference_id=conference_id)
    return list(participants.values_list("user_id", flat=True))
