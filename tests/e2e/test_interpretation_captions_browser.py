"""Captions of interpretation on the room page: the French booth's captions of a statement
show to a reader of French, labelled "interpretation into French", beside the floor's line;
a reader of English does not see them."""

import pytest
from playwright.sync_api import Page, expect

from tests.support.server import ServerProcess

from .conftest import LogIn, enter_plenary

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Kenya on the floor of the demo plenary says a sentence; the French booth interprets it.
STATEMENT = """
from server.captions import services
from server.conferences.models import Conference, Meeting, Participant
from server.rooms import services as room
meeting = Meeting.objects.get(pk=1)
Conference.objects.filter(pk=meeting.conference_id).update(interpretation_captions=True)
people = {p.user.username: p for p in Participant.objects.filter(conference=meeting.conference)}
room.floor_give(actor=people["chair"], meeting=meeting, participant_id=people["kenya"].pk)
speech, _ = services.recording_open(meeting=meeting, participant=people["kenya"], format="ogg")
booth, _ = services.channel_recording_open(meeting=meeting, channel="fr", format="ogg")
for recording, language, text in (
    (speech, "en", "Kenya supports the amendment to article four."),
    (booth, "fr", "Le Kenya appuie l'amendement à l'article quatre."),
):
    services.caption_commit(
        recording=recording, language=language, text=text, words=[(0.0, 1.0, text)],
        offset_start=0.0, offset_end=1.0,
    )
"""


def read_in(page: Page, language: str) -> None:
    enter_plenary(page)
    page.locator("#caption-language").select_option(language)


def test_interpretation_captions_show_to_readers_of_the_booths_language(
    server: ServerProcess, log_in: LogIn
) -> None:
    server.shell(STATEMENT)
    french = log_in("france")
    read_in(french, "fr")
    interpreted = french.locator("#captions-list li[data-channel=fr]")
    expect(interpreted).to_have_count(1)
    expect(interpreted.locator(".caption-text")).to_have_text(
        "Le Kenya appuie l'amendement à l'article quatre."
    )
    expect(interpreted.locator(".caption-interpretation")).to_have_text(
        "interpretation into French"
    )
    floor = french.locator("#captions-list li[data-channel='']")
    expect(floor).to_have_count(1)
    expect(floor.locator(".caption-interpretation")).to_be_hidden()
    english = log_in("kenya")
    read_in(english, "en")
    expect(english.locator("#captions-list li[data-channel='']")).to_have_count(1)
    expect(english.locator("#captions-list li[data-channel=fr]")).to_have_count(0)
    # The French reader switches to English: the booth's line goes, the floor's stays.
    french.locator("#caption-language").select_option("en")
    expect(french.locator("#captions-list li[data-channel=fr]")).to_have_count(0)
    expect(french.locator("#captions-list li")).to_have_count(1)
