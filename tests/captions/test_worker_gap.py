"""A gap in a worker's stream: filled with silence, and logged as the time it lasts."""

import logging
from collections.abc import Collection, Sequence

import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, Samples
from asr.results import Segment, TranscriptionInfo
from asr.streaming import StreamingTranscriber
from asr.transcriber import TranscribeOptions, TranscribeRequest, Transcription
from server.captions.messages import StreamOpen
from server.captions.models import Recording
from server.captions.stream_job import Speaker, StreamJob


class Unheard:
    """A transcriber the test never reaches: pushing audio only queues it."""

    batching = False

    def transcribe(
        self, audio: Samples, options: TranscribeOptions, *, offset: float = 0.0
    ) -> tuple[list[Segment], TranscriptionInfo]:
        raise AssertionError("nothing is transcribed here")

    def transcribe_many(self, requests: Sequence[TranscribeRequest]) -> list[Transcription]:
        raise AssertionError("nothing is transcribed here")

    def detect_language(
        self, audio: Samples, among: Collection[str] = (), *, window: float | None = None
    ) -> tuple[str, float]:
        raise AssertionError("nothing is transcribed here")


def test_a_gap_is_logged_in_seconds_and_filled_with_silence(
    caplog: pytest.LogCaptureFixture,
) -> None:
    request = StreamOpen(
        type="asr.open", stream="s1", reply="r", recording=1, language="en", languages=[], start=0
    )
    speaker = Speaker(
        meeting=1,
        conference=1,
        turn=1,
        hotwords={},
        ref={"id": 1, "name": "A", "delegation": None, "delegation_name": None, "role": "delegate"},
    )
    job = StreamJob(request, Recording(), speaker, StreamingTranscriber(Unheard()), 0.0, 0.0)
    frame = np.full(SAMPLE_RATE // 10, 0.25, np.float32)
    pcm = (frame * 32767).astype("<i2").tobytes()
    caplog.set_level(logging.WARNING, "server.captions.stream_job")
    job.push(0.0, pcm)
    job.push(1.6, pcm)  # 1.5 s after the first frame ended
    assert [r.getMessage() for r in caplog.records] == ["stream s1: 1.50 s of audio missing"]
    samples = job.take()
    assert len(samples) == round(1.7 * SAMPLE_RATE)
    assert not samples[SAMPLE_RATE // 10 : round(1.6 * SAMPLE_RATE)].any()
