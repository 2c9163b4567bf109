"""Simultaneous interpretation: a conference's booths (one language each) and their
interpreters, each booth's state in a meeting (who holds its live microphone, what it
hears), interpreters' media sessions, and each participant's choice of channel."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from server.conferences.models import Conference, Meeting, Participant

FLOOR = ""
"""The channel, or a booth's source, that is the floor's original sound."""


class Booth(models.Model):
    """An interpretation booth of the conference: it renders the floor into one language."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="booths")
    language = models.CharField(
        max_length=8, help_text="ISO 639-1 code of the language the booth interprets into"
    )
    channel = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text="From 1 to 99: numbers the booth's media rooms in each meeting.",
    )
    interpreters = models.ManyToManyField(
        Participant,
        blank=True,
        related_name="booths",
        limit_choices_to={"role": Participant.Role.INTERPRETER},
        help_text="Participants with the role interpreter; two or three per booth.",
    )

    class Meta:
        ordering = ["conference", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "language"], name="booth_language_unique"
            ),
            models.UniqueConstraint(fields=["conference", "channel"], name="booth_channel_unique"),
            models.CheckConstraint(
                condition=models.Q(channel__gte=1, channel__lte=99), name="booth_channel_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language} booth ({self.conference})"


class BoothState(models.Model):
    """One booth in one meeting: who holds its live microphone, whether it is muted (the
    cough key), what it hears (the floor or, for relay, another booth) and a pending
    handover. Written under the room's lock, with an ``interpretation.booth`` event."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="booth_states")
    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="states")
    live = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    live_since = models.DateTimeField(null=True, blank=True)
    source = models.CharField(
        max_length=8,
        blank=True,
        default=FLOOR,
        help_text="Empty: the floor; else the language of the booth it relays.",
    )
    muted = models.BooleanField(default=False)
    handover_to = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A pending handover: the partner the live interpreter offered the microphone.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "booth"], name="booth_state_unique")
        ]


class BoothConnection(models.Model):
    """An interpreter's open media sessions in a meeting's booth rooms (the media socket
    reports them through ``services.booth_interpreter_connected`` / ``_disconnected``)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    sessions = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant"], name="booth_connection_unique"
            )
        ]


class ChannelChoice(models.Model):
    """The channel a participant listens to, kept for every meeting of the conference."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="channel_choice"
    )
    channel = models.CharField(
        max_length=8, blank=True, default=FLOOR, help_text="Empty: the floor; else a language."
    )
    floor_under = models.BooleanField(
        default=False, help_text="Play the floor quietly under the interpretation."
    )
