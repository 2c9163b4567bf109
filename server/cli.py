"""The ``plenary`` command: Django management for the server, ``asr`` for speech.

``plenary transcribe …``, ``plenary translate …`` and ``plenary models …`` run the speech and
translation engines without Django; every other command is a Django management command
(``plenary migrate``, ``plenary demo``, ``plenary serve``, ``plenary asr-worker``,
``plenary negotiation verify`` …).
"""

import os
import sys

ASR_COMMANDS = frozenset({"transcribe", "translate", "models"})
# Spelled as operators type them; Django names commands after their modules.
ALIASES = {"asr-worker": "asr_worker", "runtime-grants": "runtime_grants"}


def main() -> None:
    argv = sys.argv[1:]
    if argv and argv[0] in ASR_COMMANDS:
        from asr.cli import main as asr_main

        sys.exit(asr_main(argv))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
    from django.core.management import execute_from_command_line

    if argv:
        argv[0] = ALIASES.get(argv[0], argv[0])
    execute_from_command_line(["plenary", *argv])
