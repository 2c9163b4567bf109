"""A conference's glossary: its term base, which every caption translation applies and whose
words Whisper is told to spell as written."""

from django.db import models

from server.conferences.models import Conference


class Glossary(models.Model):
    """Exists once the conference's glossary was seeded from the default diplomatic term base
    (on first use); until then the conference uses the default term base as it is."""

    conference = models.OneToOneField(Conference, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "glossaries"

    def __str__(self) -> str:
        return f"Glossary {self.conference_id}"


class GlossaryTerm(models.Model):
    """A term in one language and its equivalents in others. Each is written as forms
    separated by ``|`` (the first the one written in translations, every one recognised), a
    form followed by ``{f}``, ``{mp}`` or ``{fp}`` where it is not masculine singular."""

    glossary = models.ForeignKey(Glossary, on_delete=models.CASCADE, related_name="terms")
    language = models.CharField(max_length=8, help_text="The term's language (ISO 639-1).")
    term = models.CharField(max_length=300, help_text="e.g. Madam Chair|Madam Chairperson")
    equivalents = models.JSONField(
        default=dict, help_text='Language → forms, e.g. {"es": "Señora Presidenta{f}"}.'
    )
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["glossary", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["glossary", "language", "term"], name="glossary_term_unique"
            )
        ]

    def __str__(self) -> str:
        return self.term
