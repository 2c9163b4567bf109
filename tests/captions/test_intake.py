"""The audio socket's decoding on its own: each refused frame names what is wrong with it,
and costs nothing of the speaker's budget."""

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from server.captions.intake import AudioIntake, BadAudio, FrameTooLarge


@pytest.mark.parametrize(
    ("format", "data", "code"),
    [
        ("pcm16", b"", "empty_audio"),
        ("pcm16", b"\x01\x00\x02", "odd_byte_count"),
        ("webm", b"\x00" * 64, "undecodable_audio"),
    ],
)
async def test_unreadable_audio_is_refused_with_its_code(
    format: str, data: bytes, code: str
) -> None:
    intake = AudioIntake(format)
    with pytest.raises(BadAudio) as refused:
        await intake.take(data)
    assert refused.value.code == code
    assert intake.spent == 0.0


async def test_a_frame_too_large_is_refused_before_it_is_read(settings: SettingsWrapper) -> None:
    settings.AUDIO_MAX_FRAME_BYTES = 1000
    intake = AudioIntake("pcm16")
    with pytest.raises(FrameTooLarge):
        await intake.take(b"\x00\x00" * 501)
    frame = await intake.take(b"\x00\x00" * 500)
    assert (frame.pcm, frame.seconds) == (b"\x00\x00" * 500, 500 / 16000)
