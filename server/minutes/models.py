"""The record of a meeting: minutes (verbatim or summary, draft then issued), the précis of
each statement, and corrections of the transcript, each kept as a revision."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from server.conferences.models import Meeting, Participant


class Minutes(models.Model):
    """One version of the record of a meeting in one form and language. A draft is assembled
    from what the platform holds; issuing freezes that assembly in ``record``, and an issued
    version never changes: reopening it starts the next version, a corrigendum of it."""

    class Form(models.TextChoices):
        VERBATIM = "verbatim", _("Verbatim record")
        SUMMARY = "summary", _("Summary record")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes")
    form = models.CharField(max_length=16, choices=Form.choices)
    language = models.CharField(
        max_length=8, help_text="The language the record is written in (ISO 639-1)."
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(default=1)
    corrigendum_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrigendum",
        help_text="The issued version this one corrects.",
    )
    reason = models.TextField(blank=True, help_text="Why the issued version was reopened.")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    record = models.JSONField(
        null=True, blank=True, help_text="The record as issued (see minutes/record.py)."
    )

    class Meta:
        ordering = ["meeting", "form", "language", "version"]
        verbose_name_plural = "minutes"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "form", "language", "version"], name="minutes_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.form}, {self.language}, {self.state})"

    @property
    def symbol(self) -> str:
        """The document symbol: the meeting's, and ``/Corr.N`` for the N-th corrigendum."""
        corrigendum = f"/Corr.{self.version - 1}" if self.version > 1 else ""
        return f"{self.meeting.symbol or f'Meeting {self.meeting_id}'}{corrigendum}"


class StatementSummary(models.Model):
    """A précis-writer's third-person summary of one statement (one floor turn)."""

    class Source(models.TextChoices):
        WRITER = "writer", _("Précis-writer")
        SUMMARISER = "summariser", _("Summariser draft")

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="summaries")
    turn = models.ForeignKey("rooms.FloorTurn", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.WRITER)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["minutes", "turn"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "turn"], name="one_summary_per_statement")
        ]


class SegmentRevision(models.Model):
    """A correction of a transcript segment's text, in its own language or in one of its
    translations. The segment and its translations are never edited: the current text in a
    language is the latest revision in that language."""

    segment = models.ForeignKey(
        "captions.TranscriptSegment", on_delete=models.PROTECT, related_name="revisions"
    )
    language = models.CharField(max_length=8)
    previous = models.TextField()
    text = models.TextField()
    reason = models.TextField()
    by = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["segment", "at", "id"]
