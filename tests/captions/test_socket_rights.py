"""The speech sockets follow their user's rights as they are now (server/rooms/sockets.py):
the speaker's microphone closes, its recording finished, when the account is deactivated."""

import pytest
from django.contrib.auth import get_user_model
from pytest_django.fixtures import Settings as SettingsWrapper

from server.captions.models import Recording
from server.common.asyncdb import db_async
from server.conferences.models import Meeting, Participant

from .conftest import FRAME_BYTES, OpenSpeech

pytestmark = [pytest.mark.django_db(transaction=True)]


@db_async
def deactivate(username: str) -> None:
    user = get_user_model().objects.get(username=username)
    user.is_active = False
    user.save()


async def test_the_speakers_microphone_closes_when_their_account_is_deactivated(
    floor: Participant, plenary: Meeting, open_speech: OpenSpeech, settings: SettingsWrapper
) -> None:
    settings.ASR_WORKERS = "external"  # about the socket, not recognition
    microphone = await open_speech("kenya", plenary, "audio")
    assert (await microphone.receive())["type"] == "audio.ready"
    await microphone.send_bytes(bytes(FRAME_BYTES))

    await deactivate("kenya")
    assert (await microphone.receive_until("error", timeout=1))["code"] == "logged_out"
    assert (await microphone.communicator.receive_output(1))["code"] == 4001
    recording = await Recording.objects.aget(meeting=plenary)
    assert recording.ended_at is not None
