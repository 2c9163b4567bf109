from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from server.captions.services import check_language_code
from server.common.errors import InvalidInput
from server.common.values import TEXT_CHECKED

from .models import Glossary, GlossaryTerm
from .services import check_forms


class GlossaryTermForm(forms.ModelForm[GlossaryTerm]):
    class Meta:
        model = GlossaryTerm
        fields = ["glossary", "language", "term", "equivalents", "position"]

    def clean_language(self) -> str:
        try:
            return check_language_code(self.cleaned_data["language"])
        except InvalidInput as exc:
            raise ValidationError(exc.message) from exc

    def clean_term(self) -> str:
        try:
            return check_forms(self.cleaned_data["term"], _("The term"))
        except InvalidInput as exc:
            raise ValidationError(exc.message) from exc

    def clean_equivalents(self) -> dict[str, str]:
        equivalents: object = self.cleaned_data["equivalents"]
        if not isinstance(equivalents, dict) or not equivalents:
            raise ValidationError('Language → forms, e.g. {"es": "Señora Presidenta{f}"}.')
        try:
            return {
                str(code): check_forms(
                    str(cell), format_lazy(_("The {language} equivalent"), language=code)
                )
                for code, cell in equivalents.items()
            }
        except InvalidInput as exc:
            raise ValidationError(exc.message) from exc


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin[GlossaryTerm]):
    form = GlossaryTermForm
    formfield_overrides = TEXT_CHECKED
    list_display = ["term", "language", "equivalents", "glossary"]
    list_filter = ["glossary__conference", "language"]
    search_fields = ["term"]

    def save_model(self, request: HttpRequest, obj: GlossaryTerm, form: Any, change: bool) -> None:
        obj.updated_at = timezone.now()  # the captions' term base is rebuilt on a change
        super().save_model(request, obj, form, change)


@admin.register(Glossary)
class GlossaryAdmin(admin.ModelAdmin[Glossary]):
    formfield_overrides = TEXT_CHECKED
    list_display = ["conference", "created_at"]
