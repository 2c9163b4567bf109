"""The ``plenary`` command: Django management for the server, ``asr`` for speech.

``plenary transcribe …``, ``plenary translate …`` and ``plenary models …`` run the speech and
translation engines without Django; every other command is a Django management command
(``plenary migrate``, ``plenary demo``, ``plenary serve``, ``plenary asr-worker``,
``plenary negotiation verify`` …).
"""

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the speech engines load only for the commands that use them
    from asr import TermBase

ASR_COMMANDS = frozenset({"transcribe", "translate", "models"})
# Spelled as operators type them; Django names commands after their modules.
ALIASES = {"asr-worker": "asr_worker", "runtime-grants": "runtime_grants"}


def conference_terms(slug: str) -> "TermBase | None":
    """The glossary of the conference ``slug`` (``plenary translate --terms SLUG``)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
    django.setup()
    from server.glossary.selectors import term_base_by_slug

    return term_base_by_slug(slug)


def main() -> None:
    argv = sys.argv[1:]
    if argv and argv[0] in ASR_COMMANDS:
        from asr.cli import main as asr_main

        sys.exit(asr_main(argv, conference_terms))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
    from django.core.management import execute_from_command_line

    if argv:
        argv[0] = ALIASES.get(argv[0], argv[0])
    execute_from_command_line(["plenary", *argv])


if __name__ == "__main__":
    main()
