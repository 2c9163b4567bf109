"""``plenary demo``: load the demo conference and print how to log in."""

from argparse import ArgumentParser

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from server.conferences.demo import DEMO_PASSWORD, PEOPLE, demo_load, demo_parts


class Command(BaseCommand):
    help = (
        "Load the demo conference and what each app adds to it (a negotiation text, a "
        "recorded past meeting with its transcript), idempotently; print the logins."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="load the demo even with PLENARY_ENV=production (its logins share a "
            "published password)",
        )

    def handle(self, *args: object, allow_production: bool, **options: object) -> None:
        if settings.PRODUCTION and not allow_production:
            raise CommandError(
                "PLENARY_ENV=production: the demo adds users whose password is published "
                f"({DEMO_PASSWORD!r}). Pass --allow-production to load it anyway."
            )
        conference = demo_load()
        self.stdout.write(f"Demo conference: {conference.title}")
        for part in demo_parts():
            self.stdout.write(part.demo_load(conference))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, name, code, role, language in PEOPLE:
            self.stdout.write(f"  {username:<16} {role:<12} {code or '-':<4} {language}  {name}")
