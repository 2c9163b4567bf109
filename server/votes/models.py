"""Decisions a meeting takes: adopted without a vote (unless a delegation objects) or put to
the vote, and how each delegation voted where the vote is not secret.

A secret ballot keeps only its tallies (``Candidate.votes``, ``Decision.blank``) and who
has voted (``Voter``): no row, and no room event, links a delegation to its choice
(docs/votes.md, "Secret ballots")."""

from django.db import models

from server.conferences.models import AgendaItem, Delegation, Meeting, Participant
from server.negotiation.models import NegotiationText


class Decision(models.Model):
    class Kind(models.TextChoices):
        WITHOUT_VOTE = "without_vote", "Adoption without a vote"
        RECORDED = "recorded", "Recorded vote"
        ROLL_CALL = "roll_call", "Roll-call vote"
        SHOW_OF_HANDS = "show_of_hands", "Show of hands"
        SECRET = "secret", "Secret ballot"

    class Subject(models.TextChoices):
        TEXT = "text", "Draft text"
        CLAUSE = "clause", "Clause of a draft text"
        AMENDMENT = "amendment", "Amendment"
        MOTION = "motion", "Procedural motion"
        ELECTION = "election", "Election"
        OTHER = "other", "Other question"

    class Majority(models.TextChoices):
        SIMPLE = "simple", "Simple majority of the members present and voting"
        TWO_THIRDS = "two_thirds", "Two-thirds majority of the members present and voting"

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", "Adopted"
        REJECTED = "rejected", "Rejected"
        OBJECTED = "objected", "Not adopted without a vote: objected to"
        NO_QUORUM = "no_quorum", "No quorum"
        ELECTED = "elected", "Elected"
        NOT_ELECTED = "not_elected", "Nobody elected"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    subject = models.CharField(max_length=16, choices=Subject.choices)
    question = models.CharField(
        max_length=500, help_text="What is decided, as the record names it: 'Draft resolution L.1'"
    )
    text = models.ForeignKey(
        NegotiationText, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    clause = models.PositiveIntegerField(null=True, blank=True, help_text="The clause's key")
    majority = models.CharField(max_length=16, choices=Majority.choices, default=Majority.SIMPLE)
    quorum = models.PositiveIntegerField(
        null=True, blank=True, help_text="Delegations that must take part (abstaining counts)"
    )
    changes_allowed = models.BooleanField(default=False)
    opened_by = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    closes_at = models.DateTimeField(
        null=True, blank=True, help_text="End of the countdown (votes) or of the pause (objections)"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    roll = models.JSONField(
        default=list,
        help_text="Roll-call: delegation codes in calling order, second calls appended",
    )
    turn = models.PositiveIntegerField(default=0, help_text="Roll-call: index into the roll")
    first_calls = models.PositiveIntegerField(
        default=0, help_text="Roll-call: how many entries of the roll are first calls"
    )
    blank = models.PositiveIntegerField(default=0, help_text="Secret ballot: blank ballots")
    result = models.JSONField(
        null=True, blank=True, help_text="The result as announced at the close (ResultRef)"
    )

    class Meta:
        ordering = ["meeting", "opened_at", "id"]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_secret(self) -> bool:
        return self.kind == self.Kind.SECRET


class Ballot(models.Model):
    """How one delegation voted in a recorded, roll-call or show-of-hands vote."""

    class Choice(models.TextChoices):
        YES = "yes", "In favour"
        NO = "no", "Against"
        ABSTAIN = "abstain", "Abstaining"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="ballots")
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    cast_by = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    cast_at = models.DateTimeField()

    class Meta:
        ordering = ["decision", "delegation__name"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "delegation"], name="one_ballot_each")
        ]


class Candidate(models.Model):
    """One candidate in a secret ballot, and the votes it has had: a tally, nothing more."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="candidates")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["decision", "position"]


class Voter(models.Model):
    """A delegation has voted in a secret ballot: that, and nothing about its choice or
    when it was made."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="voters")
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["decision", "delegation__name"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "delegation"], name="one_voter_each")
        ]


class Objection(models.Model):
    """A delegation objected to a decision being taken without a vote."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="objections")
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["decision", "at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "delegation"], name="one_objection_each")
        ]
