"""The demo's interpretation booths: English, Spanish and French, each with the demo's
interpreters of that language (``server.conferences.demo.PEOPLE``: ``interpreter-es-1``, …).
The demo secretariat may set booths up in the admin."""

from django.contrib.auth.models import Permission
from django.db import transaction

from server.conferences.models import Conference, Participant

from .models import Booth

BOOTHS = [("en", 1), ("es", 2), ("fr", 3)]


def interpretation_demo_load(conference: Conference) -> list[Booth]:
    """The demo's booths (idempotent), by channel."""
    with transaction.atomic():
        interpreters = Participant.objects.filter(
            conference=conference, role=Participant.Role.INTERPRETER
        ).select_related("user")
        for language, channel in BOOTHS:
            booth, _ = Booth.objects.get_or_create(
                conference=conference, language=language, defaults={"channel": channel}
            )
            prefix = f"interpreter-{language}-"
            booth.interpreters.add(
                *(p for p in interpreters if p.user.get_username().startswith(prefix))
            )
        booth_permissions = Permission.objects.filter(
            content_type__app_label="interpretation", content_type__model="booth"
        )
        secretariat = Participant.objects.filter(
            conference=conference, role=Participant.Role.SECRETARIAT, user__is_staff=True
        ).select_related("user")
        for officer in secretariat:
            officer.user.user_permissions.add(*booth_permissions)
    return list(Booth.objects.filter(conference=conference).order_by("channel"))
