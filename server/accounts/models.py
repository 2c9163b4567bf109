from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Preferences(models.Model):
    """A person's own settings. The interface language is theirs, whatever the meeting:
    independent of the language they read captions in (``Participant.preferred_language``,
    one per conference). Empty: the browser's (Accept-Language)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    interface_language = models.CharField(
        _("interface language"), max_length=16, blank=True, choices=settings.LANGUAGES
    )

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.interface_language or '-'}"
