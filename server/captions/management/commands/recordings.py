"""``plenary recordings prune``: delete floor audio older than the retention period
(``PLENARY_RECORDING_RETENTION_DAYS``); run it daily (deploy/ has a timer for it)."""

from argparse import ArgumentParser

from django.conf import settings
from django.core.management.base import BaseCommand

from server.captions.services import recordings_prune


class Command(BaseCommand):
    help = "Delete recordings older than the retention period."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("prune", help="delete what is past retention")

    def handle(self, *args: object, **options: object) -> None:
        count = recordings_prune()
        days = settings.RECORDING_RETENTION_DAYS
        kept = "kept for ever" if days <= 0 else f"kept {days} days"
        self.stdout.write(f"{count} recording(s) deleted; recordings are {kept}.")
