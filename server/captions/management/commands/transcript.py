"""``plenary transcript redo MEETING [--recording ID]``: run recognition again on the stored
audio of a meeting's floor turns and replace their transcript (the live segments stay,
marked superseded). Use it after a worker was lost, or with a larger model
(``PLENARY_ASR_MODEL=large-v3 plenary transcript redo 3``)."""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from server.captions.models import Recording
from server.captions.redo import recording_file, recording_finals, redo_segment
from server.captions.selectors import conference_languages
from server.captions.services import transcript_replace
from server.captions.speech import speech_engines
from server.conferences.models import Meeting
from server.glossary.selectors import conference_term_base


class Command(BaseCommand):
    help = "Transcribe a meeting's stored floor audio again."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        redo: ArgumentParser = commands.add_parser("redo", help="re-run recognition")
        redo.add_argument("meeting", type=int, help="the meeting's id")
        redo.add_argument("--recording", type=int, help="only this recording")

    def handle(self, *args: object, meeting: int, recording: int | None, **options: object) -> None:
        found = Meeting.objects.filter(pk=meeting).first()
        if found is None:
            raise CommandError(f"No meeting {meeting}.")
        # the floor's audio (interpretation channels are recorded beside it: not the floor)
        recordings = Recording.objects.filter(meeting=found, channel="", deleted_at__isnull=True)
        recordings = recordings.select_related("meeting", "turn__participant__delegation")
        if recording is not None:
            recordings = recordings.filter(pk=recording)
        present = [r for r in recordings.order_by("started_at") if recording_file(r).exists()]
        if not present:
            raise CommandError(f"Meeting {meeting} has no stored audio to transcribe.")
        engines = speech_engines()
        languages = set(conference_languages(found))
        terms = conference_term_base(found.conference_id)
        total = 0
        for stored in tqdm(present, desc="recordings", unit="rec", disable=None):
            finals = recording_finals(stored, engines, languages)
            segments = [redo_segment(c, engines, languages, terms) for c in finals]
            total += len(transcript_replace(recording=stored, segments=segments))
        self.stdout.write(f"{len(present)} recording(s) transcribed again: {total} segment(s).")
