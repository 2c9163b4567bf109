"""``plenary demo``: load the demo conference and print how to log in."""

from django.core.management.base import BaseCommand

from server.conferences.demo import DEMO_PASSWORD, PEOPLE, demo_load
from server.minutes.demo import minutes_demo_load
from server.negotiation.demo import negotiation_demo_load


class Command(BaseCommand):
    help = (
        "Load the demo conference, its negotiation text and a recorded past meeting with its "
        "transcript (idempotent); print the logins."
    )

    def handle(self, *args: object, **options: object) -> None:
        conference = demo_load()
        text = negotiation_demo_load(conference)
        recorded = minutes_demo_load(conference)
        self.stdout.write(f"Demo conference: {conference.title}")
        self.stdout.write(f"Demo negotiation text: {text.title}")
        self.stdout.write(
            f"Demo recorded meeting (for minutes): {recorded.title} ({recorded.symbol})"
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, name, code, role, language in PEOPLE:
            self.stdout.write(f"  {username:<12} {role:<12} {code or '-':<4} {language}  {name}")
