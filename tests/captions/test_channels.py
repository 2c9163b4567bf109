"""Captions of interpretation: a booth's channel is recorded and recognised beside the floor;
its captions carry the channel in storage, events and replay, are not machine-translated
into the floor's record, and stay out of what the speaker is said to have said."""

from collections.abc import Callable

import pytest

from server.captions import selectors, services
from server.captions.models import Recording, TranscriptSegment
from server.captions.services import AudioTaken
from server.captions.turn_audio import interpretation_captioned
from server.common.errors import Conflict, InvalidInput
from server.conferences.models import Conference, Meeting, Participant
from server.rooms import services as room_services
from server.rooms.models import RoomEvent
from server.rooms.selectors import room_snapshot

pytestmark = [pytest.mark.django_db]
People = Callable[[str], Participant]


@pytest.fixture(autouse=True)
def captioned(plenary: Meeting) -> None:
    """The conference captions its interpretation."""
    Conference.objects.filter(pk=plenary.conference_id).update(interpretation_captions=True)


def said(recording: Recording, language: str, text: str, start: float) -> TranscriptSegment:
    return services.caption_commit(
        recording=recording,
        language=language,
        text=text,
        words=[(start, start + 1.0, text)],
        offset_start=start,
        offset_end=start + 1.0,
    )


def test_a_booths_captions_carry_its_channel_in_storage_events_and_replay(
    plenary: Meeting, floor: Participant, person: People
) -> None:
    speech, _ = services.recording_open(meeting=plenary, participant=floor, format="ogg")
    booth, _ = services.channel_recording_open(meeting=plenary, channel="fr", format="ogg")
    assert (booth.turn_id, booth.channel, speech.channel) == (speech.turn_id, "fr", "")
    original = said(speech, "en", "We support the proposal.", 1.0)
    interpreted = said(booth, "fr", "Nous appuyons la proposition.", 3.0)
    assert (original.channel, interpreted.channel) == ("", "fr")
    events = {
        e.seq: e.data for e in RoomEvent.objects.filter(meeting=plenary, type="caption.final")
    }
    assert events[original.seq or 0]["channel"] == ""
    assert events[interpreted.seq or 0]["channel"] == "fr"
    assert events[interpreted.seq or 0]["speaker"]["delegation"] == "KEN"
    # Replay: a client that joins now gets both lines, each with its channel.
    part = room_snapshot(plenary, person("france"))["parts"]["captions"]
    assert isinstance(part, dict)
    recent = part["recent"]
    assert isinstance(recent, list)
    lines = [(line["segment"], line["channel"], line["text"]) for line in recent]
    assert lines == [
        (original.pk, "", "We support the proposal."),
        (interpreted.pk, "fr", "Nous appuyons la proposition."),
    ]


def test_the_interpretation_is_not_what_the_speaker_said(
    plenary: Meeting, floor: Participant
) -> None:
    speech, _ = services.recording_open(meeting=plenary, participant=floor, format="ogg")
    booth, _ = services.channel_recording_open(meeting=plenary, channel="fr", format="ogg")
    said(speech, "en", "Thank you, Chair.", 0.5)
    said(booth, "fr", "Merci, Madame la Présidente.", 2.0)
    said(booth, "fr", "Nous appuyons.", 4.0)
    assert [s.texts for s in selectors.spoken_segments(plenary)] == [{"en": "Thank you, Chair."}]
    assert selectors.spoken_languages(plenary) == {"en"}
    assert selectors.interpretations(plenary) == {
        speech.turn_id: {"fr": "Merci, Madame la Présidente. Nous appuyons."}
    }


def test_a_channel_records_beside_the_speakers_own_audio_once_per_turn(
    plenary: Meeting, floor: Participant, person: People
) -> None:
    """Bad input and conflicts: no channel, an unknown format, a channel already recorded,
    nobody on the floor. The booth's recording never takes the speaker's turn."""
    booth, _ = services.channel_recording_open(meeting=plenary, channel="es", format="ogg")
    speech, _ = services.recording_open(meeting=plenary, participant=floor, format="pcm16")
    assert speech.turn_id == booth.turn_id
    with pytest.raises(AudioTaken):
        services.channel_recording_open(meeting=plenary, channel="es", format="ogg")
    with pytest.raises(InvalidInput):
        services.channel_recording_open(meeting=plenary, channel="", format="ogg")
    with pytest.raises(InvalidInput):
        services.channel_recording_open(meeting=plenary, channel="fr", format="mp3")
    french, _ = services.channel_recording_open(meeting=plenary, channel="fr", format="ogg")
    assert french.path.endswith(f"-{french.pk}-fr.ogg")
    room_services.floor_give(actor=person("chair"), meeting=plenary, participant_id=None)
    with pytest.raises(Conflict):
        services.channel_recording_open(meeting=plenary, channel="ar", format="ogg")


def test_a_conference_without_captions_of_interpretation_still_records_each_channel(
    plenary: Meeting, floor: Participant
) -> None:
    Conference.objects.filter(pk=plenary.conference_id).update(interpretation_captions=False)
    french, _ = services.channel_recording_open(meeting=plenary, channel="fr", format="ogg")
    assert Recording.objects.get(channel="fr") == french
    assert not interpretation_captioned(plenary)
