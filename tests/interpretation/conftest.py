"""An open meeting of a conference with English, Spanish and French booths: two Spanish and
two French interpreters, one English; a chair, the secretariat, two delegates, an observer."""

import pytest

from server.conferences.models import Meeting, Participant
from server.interpretation import services
from server.interpretation.events import BoothRef
from server.interpretation.models import Booth
from server.interpretation.selectors import meeting_booth_refs
from tests.support.builders import Role, conference_build, meeting_build, participant_build


class Booths:
    def __init__(self) -> None:
        conference = self.conference = conference_build(languages="en,es,fr")
        self.meeting = meeting_build(conference, status=Meeting.Status.OPEN)
        self.chair = participant_build(conference, role=Role.CHAIR)
        self.secretariat = participant_build(conference, role=Role.SECRETARIAT)
        self.delegate = participant_build(conference, role=Role.DELEGATE, language="es")
        self.other_delegate = participant_build(conference, role=Role.DELEGATE, language="fr")
        self.observer = participant_build(conference, role=Role.OBSERVER)
        self.interpreters: dict[str, Participant] = {}
        self.booths: dict[str, Booth] = {}
        for channel, (language, count) in enumerate((("en", 1), ("es", 2), ("fr", 2)), 1):
            booth = Booth.objects.create(conference=conference, language=language, channel=channel)
            for number in range(1, count + 1):
                name = f"{language}{number}"
                self.interpreters[name] = interpreter = participant_build(
                    conference, role=Role.INTERPRETER, username=f"interpreter-{language}-{number}"
                )
                booth.interpreters.add(interpreter)
            self.booths[language] = booth

    def __getitem__(self, name: str) -> Participant:
        return self.interpreters[name]

    def connect(self, *names: str) -> None:
        """Their media sessions join the booth rooms (as the media socket reports it)."""
        for name in names:
            services.booth_interpreter_connected(self.meeting.pk, self[name].pk)

    def disconnect(self, name: str) -> None:
        services.booth_interpreter_disconnected(self.meeting.pk, self[name].pk)

    def take(self, name: str) -> None:
        language = name[:2]
        services.booth_take(actor=self[name], meeting=self.meeting, language=language)

    def booth(self, language: str) -> BoothRef:
        return next(ref for ref in meeting_booth_refs(self.meeting) if ref["booth"] == language)


@pytest.fixture
def booths(db: None) -> Booths:
    return Booths()
