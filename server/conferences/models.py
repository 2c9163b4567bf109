"""Who meets, where and about what: conferences, delegations, participants, meetings."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Conference(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    venue = models.CharField(max_length=200, default="Virtual venue")
    starts_on = models.DateField()
    ends_on = models.DateField()
    languages = models.CharField(
        max_length=100,
        blank=True,
        help_text="Working languages as ISO 639-1 codes, comma-separated (e.g. en,es,fr): "
        "speech is recognised as one of these, and captions offered in them. Empty: the "
        "languages the participants read.",
    )
    camera_gallery = models.BooleanField(
        default=False,
        help_text="Show the delegations' cameras as a gallery beside the floor (their audio "
        "muted): only the floor holder is heard.",
    )
    interpretation_captions = models.BooleanField(
        default=False,
        help_text="Recognise each live interpretation booth in its language and show its "
        'captions as "interpretation into …" beside machine translation.',
    )

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title


class Delegation(models.Model):
    class Kind(models.TextChoices):
        MEMBER_STATE = "member_state", _("Member state")
        ORGANISATION = "organisation", _("Organisation")
        OBSERVER = "observer", _("Observer")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="delegations")
    code = models.CharField(max_length=16, help_text="Short code, e.g. BRA or EU")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MEMBER_STATE)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "code"], name="delegation_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        FACILITATOR = "facilitator", _("Facilitator")
        DELEGATE = "delegate", _("Delegate")
        ADVISER = "adviser", _("Adviser")
        SECRETARIAT = "secretariat", _("Secretariat")
        OBSERVER = "observer", _("Observer")
        INTERPRETER = "interpreter", _("Interpreter")

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        help_text="Empty for the chair's bureau and the secretariat.",
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.DELEGATE)
    display_name = models.CharField(max_length=200)
    preferred_language = models.CharField(
        max_length=8, default="en", help_text="ISO 639-1 code of the captions language"
    )

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "user"], name="participant_unique")
        ]

    def __str__(self) -> str:
        return self.display_name


class Meeting(models.Model):
    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary")
        INFORMAL = "informal", _("Informal consultation")
        CLOSED = "closed", _("Closed session")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=200)
    symbol = models.CharField(
        max_length=64, blank=True, help_text="Document symbol, e.g. CF/2026/SR.1"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PLENARY)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_start = models.DateTimeField()
    speaking_time_seconds = models.PositiveIntegerField(default=180)
    admitted_delegations = models.ManyToManyField(
        Delegation,
        blank=True,
        related_name="admitted_meetings",
        help_text="For closed sessions: the only delegations admitted. Ignored otherwise.",
    )

    class Meta:
        ordering = ["scheduled_start"]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField()
    number = models.CharField(max_length=16, help_text="Displayed number, e.g. 3 (b)")
    title = models.CharField(max_length=300)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
