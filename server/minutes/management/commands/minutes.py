"""``plenary minutes demo`` and ``plenary minutes export MEETING --format docx``.

``demo`` holds and records the demo conference's 2nd plenary meeting (loading the demo
conference first if need be). ``export`` writes the minutes of a meeting (its id or symbol)
in a form and language: the latest version of those minutes if there are any, else a draft
assembled now; a progress bar shows how far it has come.
"""

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from tqdm import tqdm

from server.common.values import decimal_or_none
from server.conferences.demo import demo_load
from server.conferences.models import Meeting
from server.minutes import exports, selectors
from server.minutes.demo import minutes_demo_load
from server.minutes.layout import document
from server.minutes.models import Minutes
from server.negotiation.demo import negotiation_demo_load


class Command(BaseCommand):
    help = "Record the demo meeting, or export the minutes of a meeting."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("demo", help="hold and record the demo's 2nd plenary meeting")
        export: ArgumentParser = commands.add_parser("export", help="write a meeting's minutes")
        export.add_argument("meeting", help="the meeting's id or symbol, e.g. CF/2026/PV.2")
        export.add_argument("--format", choices=exports.FORMATS, default="docx")
        export.add_argument("--form", choices=Minutes.Form.values, default="verbatim")
        export.add_argument("--language", default="en", help="e.g. en, fr, es")
        export.add_argument("--output", help="file to write (default: the export's own name)")

    def handle(self, *args: object, **options: str | None) -> None:
        if options["command"] == "demo":
            conference = demo_load()
            negotiation_demo_load(conference)
            meeting = minutes_demo_load(conference)
            self.stdout.write(f"Demo meeting recorded: {meeting.title} ({meeting.symbol})")
            return
        self._export(
            _meeting(options["meeting"] or ""),
            fmt=options["format"] or "docx",
            form=options["form"] or "verbatim",
            language=options["language"] or "en",
            output=options["output"],
        )

    def _export(
        self, meeting: Meeting, *, fmt: str, form: str, language: str, output: str | None
    ) -> None:
        versions = Minutes.objects.filter(meeting=meeting, form=form, language=language)
        # No minutes yet: lay out a draft as it would be now, without storing anything.
        minutes = versions.order_by("-version").first() or Minutes(
            meeting=meeting, form=form, language=language
        )
        record = selectors.minutes_record(minutes)
        stored = selectors.summaries_of(minutes) if minutes.pk else {}
        summaries = {turn: summary.text for turn, summary in stored.items()}
        doc = document(record, minutes, language=language, summaries=summaries)
        with tqdm(desc=f"{fmt} export", unit="step", file=self.stderr) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            export = exports.minutes_export(doc, fmt, progress)
        path = Path(output or export.filename)
        path.write_bytes(export.body)
        self.stdout.write(f"{path} ({len(export.body):,} bytes)")


def _meeting(reference: str) -> Meeting:
    pk = decimal_or_none(reference)
    by_id = Q(pk=pk) if pk is not None else Q()
    meeting = Meeting.objects.filter(by_id | Q(symbol=reference)).first()
    if meeting is None:
        raise CommandError(f"No meeting {reference!r}.")
    return meeting
