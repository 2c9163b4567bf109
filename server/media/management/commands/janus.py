"""``plenary janus``: Janus as its own service (``PLENARY_JANUS=external`` for the web
processes; deploy/). Writes Janus's configuration from Plenary's settings — the same
secrets, ports and ICE settings the web processes use — and becomes Janus, so that the
service manager (systemd, Compose, Kubernetes) supervises and restarts it."""

import os
import shutil
from argparse import ArgumentParser
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from server.media.janus_config import JanusConfig, janus_config_write


class Command(BaseCommand):
    help = "Write Janus's configuration from Plenary's settings and run Janus in its place."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--config-dir", type=Path, help="Where to write it (default: DATA_DIR/janus/service)"
        )

    def handle(self, *args: object, config_dir: Path | None, **options: object) -> None:
        binary = shutil.which(settings.JANUS_BINARY)
        if binary is None:
            raise CommandError(f"{settings.JANUS_BINARY} is not installed: apt-get install janus")
        folder = config_dir or settings.DATA_DIR / "janus" / "service"
        path = janus_config_write(folder, JanusConfig.from_settings())
        self.stdout.write(f"Janus configuration in {folder}", ending="\n")
        self.stdout.flush()
        os.execv(binary, [binary, "-F", str(folder), "-C", str(path), "-o"])
