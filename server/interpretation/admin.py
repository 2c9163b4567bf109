from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from server.common.values import TEXT_CHECKED
from server.conferences.models import Conference

from .models import Booth


class BoothForm(forms.ModelForm[Booth]):
    class Meta:
        model = Booth
        fields = ["conference", "language", "channel", "interpreters"]

    def clean(self) -> dict[str, object]:
        cleaned: dict[str, object] = super().clean() or {}
        conference = cleaned.get("conference")
        interpreters = cleaned.get("interpreters")
        if not isinstance(conference, Conference) or not isinstance(interpreters, QuerySet):
            return cleaned
        strangers = [str(p) for p in interpreters if p.conference_id != conference.pk]
        if strangers:
            self.add_error(
                "interpreters", f"Not interpreters of this conference: {', '.join(strangers)}."
            )
        return cleaned


@admin.register(Booth)
class BoothAdmin(admin.ModelAdmin[Booth]):
    """A conference's booths: one language each, the channel that numbers its media rooms,
    and its interpreters (participants with the role interpreter, of the same conference)."""

    form = BoothForm
    formfield_overrides = TEXT_CHECKED
    list_display = ["language", "channel", "conference", "interpreter_names"]
    list_filter = ["conference", "language"]
    ordering = ["conference", "channel"]
    filter_horizontal = ["interpreters"]

    @admin.display(description="Interpreters")
    def interpreter_names(self, booth: Booth) -> str:
        return ", ".join(p.display_name for p in booth.interpreters.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[Booth]:
        return super().get_queryset(request).prefetch_related("interpreters")
