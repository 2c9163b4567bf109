"""The live state of a meeting room and the log of everything that happened in it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from server.conferences.models import AgendaItem, Delegation, Meeting, Participant


class RoomState(models.Model):
    """One row per meeting: the sequence counter and who holds the floor.

    ``last_seq`` is incremented in the same transaction that writes the event, under the
    row lock, so sequence numbers are gap-free per meeting.
    """

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, primary_key=True, related_name="room"
    )
    last_seq = models.PositiveBigIntegerField(default=0)
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    floor_holder = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    floor_since = models.DateTimeField(null=True, blank=True)
    floor_turn = models.ForeignKey(
        "FloorTurn", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    timer_limit_seconds = models.PositiveIntegerField(null=True, blank=True)
    timer_started_at = models.DateTimeField(
        null=True, blank=True, help_text="Set while the speaking timer runs."
    )
    timer_elapsed_seconds = models.FloatField(
        default=0.0, help_text="Time counted before the current run."
    )


class RoomEvent(models.Model):
    """An immutable, sequenced room event. Clients replay these to catch up."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    actor = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    audience = models.ForeignKey(
        Delegation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="When set, only this delegation sees the content; others see a sealed event.",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "seq"], name="room_event_seq_unique")
        ]


class SpeakerEntry(models.Model):
    class Kind(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        POINT_OF_ORDER = "point_of_order", _("Point of order")
        RIGHT_OF_REPLY = "right_of_reply", _("Right of reply")
        EXPLANATION_BEFORE = "explanation_before", _("Explanation of vote before the vote")
        EXPLANATION_AFTER = "explanation_after", _("Explanation of vote after the vote")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speakers")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.SPEAKER)
    position = models.IntegerField()
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting", "position", "id"]


class RaisedHand(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="raised_hands")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    raised_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting", "raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "participant"], name="one_hand_each")
        ]


class FloorTurn(models.Model):
    """One holding of the floor, from the grant to the next change of floor. Captions,
    recordings and the minutes' statements hang off it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="floor_turns")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The speaker's delegation when they took the floor.",
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(
        max_length=24, choices=SpeakerEntry.Kind.choices, default=SpeakerEntry.Kind.SPEAKER
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    granted_seq = models.PositiveBigIntegerField(help_text="The floor.granted event's seq.")

    class Meta:
        ordering = ["meeting", "started_at", "id"]


class RoomConnection(models.Model):
    """An open WebSocket. Presence is the set of participants with at least one."""

    channel_name = models.CharField(max_length=200, unique=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="connections")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    server_id = models.CharField(max_length=64, db_index=True)
    opened_at = models.DateTimeField()
    last_seen = models.DateTimeField()


class SocketRevocation(models.Model):
    """A change to who a user is or may be, for their open sockets on every server process
    (server/rooms/sockets.py). The layer carries it at once; each process also reads these
    rows every ``ROOM_SOCKET_SWEEP_SECONDS``, so a revocation sent while Redis was away or
    lost in a Redis restart still arrives. Pruned after a day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    logout = models.BooleanField(help_text="Close the sockets opened before; else re-check.")
    created_at = models.DateTimeField(db_index=True)
