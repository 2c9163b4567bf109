"""What speech leaves behind: the audio of each floor turn, its transcript and translations."""

from django.db import models

from server.conferences.models import AgendaItem, Delegation, Meeting, Participant
from server.rooms.models import FloorTurn


class Recording(models.Model):
    """One audio stream of a floor turn, as the speaker's browser sent it (a speaker who
    reconnects mid-turn starts a second one). The file lies under ``RECORDINGS_DIR``."""

    class Format(models.TextChoices):
        PCM16 = "pcm16", "PCM16 16 kHz (WAV)"
        WEBM = "webm", "WebM/Opus"
        OGG = "ogg", "Ogg/Opus"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="recordings")
    turn = models.ForeignKey(FloorTurn, on_delete=models.CASCADE, related_name="recordings")
    path = models.CharField(max_length=300, help_text="Relative to RECORDINGS_DIR.")
    format = models.CharField(max_length=8, choices=Format.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    alive_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its audio socket last said it was there (every few seconds while open).",
    )
    seconds = models.FloatField(default=0.0, help_text="Audio received so far.")
    bytes = models.PositiveBigIntegerField(default=0)
    gaps = models.JSONField(
        default=list,
        blank=True,
        help_text="[[from, to], …] seconds of this audio live recognition never heard "
        "(an overloaded or lost worker): `plenary transcript redo` fills them.",
    )
    deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="When retention removed the file."
    )
    channel = models.CharField(
        max_length=8,
        blank=True,
        default="",
        help_text="Empty: the floor. Else the language of the interpretation booth heard.",
    )

    class Meta:
        ordering = ["meeting", "started_at", "id"]


class TranscriptSegment(models.Model):
    """A final caption: what a speaker said, in the language they said it; or, on a booth's
    channel, what its interpreter said of it."""

    class Source(models.TextChoices):
        LIVE = "live", "Live recognition"
        REDO = "redo", "Re-transcribed from the recording"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="segments")
    turn = models.ForeignKey(FloorTurn, on_delete=models.CASCADE, related_name="segments")
    recording = models.ForeignKey(
        Recording, on_delete=models.SET_NULL, null=True, blank=True, related_name="segments"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    speaker = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=8)
    channel = models.CharField(
        max_length=8,
        blank=True,
        default="",
        help_text="Empty: the floor, in the speaker's words. Else the language of the "
        "interpretation booth whose voice this is (an interpretation into that language).",
    )
    text = models.TextField()
    words = models.JSONField(default=list, help_text="[[start, end, word], …] in stream seconds.")
    offset_start = models.FloatField(help_text="Seconds from the start of the recording.")
    offset_end = models.FloatField()
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.LIVE)
    seq = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The caption.final room event's seq (live only)."
    )
    superseded = models.BooleanField(
        default=False,
        help_text="Replaced: by its utterance's settled text (settled_by), or by a "
        "re-transcription of its recording.",
    )
    settled_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pieces",
        help_text="The final pass of its utterance, whose text replaced it (live only).",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting", "started_at", "id"]
        indexes = [models.Index(fields=["meeting", "superseded", "started_at"])]


class SegmentTranslation(models.Model):
    segment = models.ForeignKey(
        TranscriptSegment, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(max_length=8)
    text = models.TextField()
    engine = models.CharField(max_length=64)
    seq = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["segment", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "language"], name="one_translation_per_language"
            )
        ]


class CaptionChoice(models.Model):
    """The captions language a participant picked in a meeting (none: their preferred one).
    Kept across their sockets and reconnects; counted for translation while they are present."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "participant"], name="caption_choice_unique")
        ]
