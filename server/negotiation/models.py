"""Negotiation texts: the append-only event log (the record) and the projection tables that
hold its current state for reading (clauses, proposals, positions)."""

from django.db import models

from server.conferences.models import AgendaItem, Conference, Delegation, Meeting, Participant
from server.rooms.models import RoomEvent

from .state import ClauseKind, ClauseStatus, ProposalKind, ProposalState, Stance, Target


class NegotiationText(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="texts")
    slug = models.SlugField(help_text="Short name, unique in the conference, e.g. ncqg-draft")
    title = models.CharField(max_length=300)
    language = models.CharField(max_length=8, default="en", help_text="Working language")
    all_or_nothing = models.BooleanField(
        default=True, help_text="Nothing is agreed until everything is agreed."
    )
    session = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="A closed session this text is negotiated in: then only the delegations "
        "admitted to it, presiding officers and the secretariat may read it, and it changes "
        "only in that session.",
    )
    created_at = models.DateTimeField()
    # Kept in step with the log in the same transaction as each event.
    event_count = models.PositiveIntegerField(default=0)
    structure_version = models.IntegerField(default=-1)
    head_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["conference", "title"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "slug"], name="text_slug_unique")
        ]

    def __str__(self) -> str:
        return self.title


class NegotiationEvent(models.Model):
    """One change to a text, never updated nor deleted (a trigger enforces this on
    PostgreSQL). ``leaf_hash`` hashes the canonical content; ``chain_hash`` links it to
    the event before (see ``chain.py``)."""

    text = models.ForeignKey(NegotiationText, on_delete=models.PROTECT, related_name="events")
    index = models.PositiveIntegerField(help_text="0-based, gap-free per text")
    kind = models.CharField(max_length=32)
    payload = models.JSONField()
    actor = models.ForeignKey(Participant, on_delete=models.PROTECT, null=True, related_name="+")
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, related_name="+")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, related_name="+"
    )
    transcript_from = models.FloatField(
        null=True, help_text="Seconds into the meeting's recording where this was discussed"
    )
    transcript_to = models.FloatField(null=True)
    created_at = models.DateTimeField()
    leaf_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)
    room_event = models.ForeignKey(
        RoomEvent,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        help_text="The room event that announced it (not hashed)",
    )

    class Meta:
        ordering = ["text", "index"]
        constraints = [
            models.UniqueConstraint(fields=["text", "index"], name="negotiation_event_unique")
        ]


class Clause(models.Model):
    text = models.ForeignKey(NegotiationText, on_delete=models.CASCADE, related_name="clauses")
    key = models.PositiveIntegerField(help_text="Stable identifier, never renumbered")
    kind = models.CharField(max_length=8, choices=[(k.value, k.name) for k in ClauseKind])
    parent_key = models.PositiveIntegerField(null=True)
    position = models.PositiveIntegerField(help_text="Order among its parent's clauses")
    content = models.JSONField()
    status = models.CharField(max_length=16, choices=[(s.value, s.name) for s in ClauseStatus])
    version = models.PositiveIntegerField(help_text="Index of the last event that changed it")
    label = models.CharField(max_length=16, blank=True, help_text="Number set by hand")
    merged_from = models.JSONField(default=list)

    class Meta:
        ordering = ["text", "parent_key", "position"]
        constraints = [models.UniqueConstraint(fields=["text", "key"], name="clause_key_unique")]


class Proposal(models.Model):
    text = models.ForeignKey(NegotiationText, on_delete=models.CASCADE, related_name="proposals")
    key = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=[(k.value, k.name) for k in ProposalKind])
    clause_key = models.PositiveIntegerField(null=True)
    sponsor = models.CharField(max_length=16, help_text="Delegation code")
    cosponsors = models.JSONField(default=list, help_text="Accepted co-sponsors")
    invited = models.JSONField(default=list, help_text="Invited to co-sponsor, not answered")
    declined = models.JSONField(default=list, help_text="Declined to co-sponsor")
    rationale = models.TextField(blank=True)
    operation = models.JSONField()
    state = models.CharField(max_length=16, choices=[(s.value, s.name) for s in ProposalState])
    version = models.PositiveIntegerField()
    tabled = models.PositiveIntegerField(help_text="Index of the event that tabled it")
    merged_into = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["text", "key"]
        constraints = [models.UniqueConstraint(fields=["text", "key"], name="proposal_key_unique")]


class Position(models.Model):
    """A delegation's current position on a clause or a proposal (history: the log)."""

    text = models.ForeignKey(NegotiationText, on_delete=models.CASCADE, related_name="positions")
    target = models.CharField(max_length=8, choices=[(t.value, t.name) for t in Target])
    target_key = models.PositiveIntegerField()
    delegation = models.CharField(max_length=16)
    stance = models.CharField(max_length=8, choices=[(s.value, s.name) for s in Stance])
    comment = models.TextField(blank=True)
    version = models.PositiveIntegerField()

    class Meta:
        ordering = ["text", "target", "target_key", "delegation"]
        constraints = [
            models.UniqueConstraint(
                fields=["text", "target", "target_key", "delegation"], name="position_unique"
            )
        ]


class ClauseEvent(models.Model):
    """Which events concern which clause: the index behind a clause's history."""

    text = models.ForeignKey(NegotiationText, on_delete=models.CASCADE, related_name="+")
    clause_key = models.PositiveIntegerField()
    event = models.ForeignKey(NegotiationEvent, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["text", "clause_key"], name="clause_event_lookup")]
