"""The interface language control of every page (the login page's included): a form that
posts here. Signed in, the choice is the participant's own setting; before, it is the
browser's cookie, and becomes their setting when they log in without one."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .language import CODES, SESSION_KEY, interface_language_set


@require_POST
def interface_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    if language not in CODES:
        return HttpResponseBadRequest(_("Choose one of the interface languages."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("meeting-list")
    if request.user.is_authenticated:
        interface_language_set(user=request.user, language=language)
        request.session[SESSION_KEY] = language
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
