"""Writing direction in templates: ``dir="{{ code|direction }}"`` beside each ``lang``, so a
caption, a clause or a transcript passage reads in its own direction whatever the page's."""

from django import template
from django.conf import settings

from server.common.languages import direction as direction_of

register = template.Library()


@register.filter
def direction(language: str | None) -> str:
    return direction_of(language)


@register.simple_tag
def interface_languages() -> list[tuple[str, str]]:
    """The interface's languages, each named in itself (not in the page's language)."""
    return list(settings.LANGUAGES)
