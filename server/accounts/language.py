"""The interface language a person chose (``Preferences``), kept in their session so that a
page costs no query for it; the middleware activates it over the browser's choice, and a
socket speaks it (``socket_language``)."""

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation

from .models import Preferences

SESSION_KEY = "plenary.interface_language"
CODES = frozenset(code for code, _name in settings.LANGUAGES)


def interface_language_of(user: AbstractBaseUser | AnonymousUser) -> str:
    """The language the person chose; "" where they have not (then: their browser's)."""
    if not user.is_authenticated:
        return ""
    chosen = Preferences.objects.filter(user_id=user.pk).values_list("interface_language")
    return next((code for (code,) in chosen), "")


def interface_language_set(*, user: AbstractBaseUser, language: str) -> None:
    if language not in CODES:
        raise ValueError(f"not an interface language: {language!r}")
    with transaction.atomic():
        Preferences.objects.update_or_create(
            user_id=user.pk, defaults={"interface_language": language}
        )


def session_language(session: SessionBase, user: AbstractBaseUser | AnonymousUser) -> str:
    """The chosen language as the session remembers it (read from the database once)."""
    if SESSION_KEY not in session:
        session[SESSION_KEY] = interface_language_of(user)
    language = session[SESSION_KEY]
    return language if isinstance(language, str) and language in CODES else ""


def socket_language(scope: Mapping[str, object]) -> str:
    """The language of a socket's messages to its person, as their pages': their own choice,
    else the browser's at the handshake (the language cookie, else ``Accept-Language``)."""
    user, session = scope.get("user"), scope.get("session")
    if isinstance(user, AbstractBaseUser | AnonymousUser) and isinstance(session, SessionBase):
        chosen = session_language(session, user)
        if chosen:
            return chosen
    browser = HttpRequest()
    cookies = scope.get("cookies")
    browser.COOKIES = dict(cookies) if isinstance(cookies, Mapping) else {}
    headers = scope.get("headers")
    for name, value in headers if isinstance(headers, Iterable) else ():
        if name == b"accept-language":
            browser.META["HTTP_ACCEPT_LANGUAGE"] = value.decode("latin-1")
    return translation.get_language_from_request(browser)
