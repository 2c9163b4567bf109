from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .language import session_language


class InterfaceLanguageMiddleware:
    """After ``LocaleMiddleware`` (cookie, else Accept-Language) and authentication: a
    participant who chose an interface language gets it on every page and device."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            language = session_language(request.session, request.user)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
