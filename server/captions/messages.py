"""What travels on the channel layer between a speaker's audio socket and a recognition
worker (docs/captions.md, "Recognition workers").

A stream is opened on the shared ``STREAMS_CHANNEL``: whichever worker takes the request
answers from its own channel, and audio then goes straight to that worker. Workers report
progress about once a second; a stream whose worker falls silent is opened again, on
another worker, from the last point its final text reached. A worker drops a stream whose
socket falls silent, and a request whose socket has closed before any worker took it.
"""

from typing import Literal, TypedDict

STREAMS_CHANNEL = "asr.streams"


class StreamOpen(TypedDict):
    type: Literal["asr.open"]
    stream: str  # a fresh id per attempt
    reply: str  # the audio socket's channel
    recording: int
    language: str | None  # fixed for the speaker, or None: detect per utterance …
    languages: list[str]  # … as one of these (the conference's working languages)
    start: float  # stream time (seconds into the recording) of the first audio to come


class StreamOpened(TypedDict):
    type: Literal["asr.opened"]
    stream: str
    worker: str  # the worker's channel: send the audio there


class StreamAudio(TypedDict):
    type: Literal["asr.audio"]
    stream: str
    at: float  # stream time of the frame's first sample
    pcm: bytes  # 16 kHz mono PCM16LE


class StreamAlive(TypedDict):
    """The audio socket is still there (sent when it has had no audio to send for a second):
    a worker drops a stream that hears nothing for ``ASR_STREAM_IDLE_SECONDS``."""

    type: Literal["asr.alive"]
    stream: str


class StreamClose(TypedDict):
    type: Literal["asr.close"]
    stream: str
    flush: bool  # False: drop what is buffered (the stream went to another worker)


class StreamProgress(TypedDict):
    type: Literal["asr.progress"]
    stream: str
    settled: float  # stream time up to which everything is final text or silence
    lag: float  # seconds the oldest waiting audio has waited
    closed: bool  # the worker is done with the stream


class StreamFailed(TypedDict):
    type: Literal["asr.failed"]
    stream: str
    settled: float
    reason: str
