"""Audio in: PCM16 frames, WebM/Opus and Ogg/Opus chunks, and whole files, as float32 at
16 kHz."""

import io
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from .demux import Demuxer, demuxer_for
from .errors import EmptyAudio, OddByteCount, UndecodableAudio, WrongSampleRate

SAMPLE_RATE = 16_000
Samples = npt.NDArray[np.float32]


def pcm16_to_float(frame: bytes, sample_rate: int = SAMPLE_RATE) -> Samples:
    """One frame of 16 kHz mono PCM16LE as float32 in [-1, 1)."""
    if sample_rate != SAMPLE_RATE:
        raise WrongSampleRate(f"Audio must be {SAMPLE_RATE} Hz mono PCM16, not {sample_rate} Hz.")
    if not frame:
        raise EmptyAudio("The audio frame is empty.")
    if len(frame) % 2:
        raise OddByteCount(f"PCM16 frames have an even number of bytes; this one has {len(frame)}.")
    return np.frombuffer(frame, dtype="<i2").astype(np.float32) / 32768.0


def _decode(container: av.container.InputContainer, mono: bool) -> list[Samples]:
    """All of the first audio stream, resampled to 16 kHz float32: one array per channel
    (or one mixed-down array when ``mono``)."""
    stream = container.streams.audio[0]
    layout = "mono" if mono else stream.layout.name
    resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
    blocks: list[npt.NDArray[np.float32]] = []
    for frame in container.decode(stream):
        blocks.extend(out.to_ndarray().astype(np.float32) for out in resampler.resample(frame))
    blocks.extend(out.to_ndarray().astype(np.float32) for out in resampler.resample(None))
    if not blocks:
        return []
    planes = np.concatenate(blocks, axis=1)
    return [np.ascontiguousarray(plane) for plane in planes]


def decode_file(source: Path | bytes, *, mono: bool = False) -> list[Samples]:
    """Decode a whole file (wav, flac, mp3, ogg, webm…): one 16 kHz array per channel, or
    the channels mixed down into one when ``mono``."""
    try:
        source_file = io.BytesIO(source) if isinstance(source, bytes) else str(source)
        with av.open(source_file, mode="r") as container:
            if not container.streams.audio:
                raise UndecodableAudio("The file has no audio stream.")
            channels = _decode(container, mono=mono)
    except av.error.FFmpegError as exc:
        raise UndecodableAudio(f"Not decodable as audio: {exc}") from exc
    if not channels or not len(channels[0]):
        raise EmptyAudio("The file holds no audio samples.")
    return channels


SAME_SAMPLES = 2 / 32768  # channels this close (two PCM16 steps) say the same thing


def distinct_channels(channels: list[Samples]) -> list[Samples]:
    """The channels, or only the first when every other one is the same audio (a mono
    recording stored as stereo)."""
    first = channels[0]
    if all(
        len(other) == len(first) and np.allclose(other, first, rtol=0, atol=SAME_SAMPLES)
        for other in channels[1:]
    ):
        return channels[:1]
    return channels


@dataclass(frozen=True)
class DecodedChunk:
    """One chunk of a browser's stream: its audio, the bytes of it worth storing (headers
    and audio; not padding, unknown elements or other streams), and whether part of it was
    skipped as an element or packet too large to take (``demux.MAX_PACKET_BYTES``)."""

    samples: Samples
    stored: bytes
    oversized: bool


class OpusPacketDecoder:
    """The Opus packets of one stream, whose header is ``opus_head``, decoded one by one into
    16 kHz mono samples."""

    def __init__(self, opus_head: bytes) -> None:
        self._codec = av.CodecContext.create("opus", "r")
        self._codec.extradata = opus_head
        self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)

    def decode(self, packet: bytes) -> Samples:
        try:
            frames = self._codec.decode(av.Packet(packet))
        except av.error.FFmpegError as exc:
            raise UndecodableAudio(f"Not decodable as Opus: {exc}") from exc
        blocks = [out.to_ndarray()[0] for f in frames for out in self._resampler.resample(f)]
        return np.concatenate([np.zeros(0, np.float32), *blocks]).astype(np.float32)


class OpusChunkDecoder:
    """A browser's MediaRecorder stream (WebM/Opus or Ogg/Opus, told apart by the first
    chunk) decoded chunk by chunk into 16 kHz mono samples. Only the first chunk carries the
    header; a chunk that cannot be read raises an ``AudioError`` and the next good chunk
    continues the stream."""

    def __init__(self) -> None:
        self._demuxer: Demuxer | None = None
        self._packets: OpusPacketDecoder | None = None

    def decode(self, chunk: bytes) -> Samples:
        return self.read(chunk).samples

    def read(self, chunk: bytes) -> DecodedChunk:
        if not chunk:
            raise EmptyAudio("The audio chunk is empty.")
        demuxer = self._demuxer or demuxer_for(chunk)
        packets = demuxer.push(chunk)
        self._demuxer = demuxer
        if packets.opus_head is not None:
            self._packets = OpusPacketDecoder(packets.opus_head)
        decoder = self._packets
        if decoder is None:
            if packets.audio:
                raise UndecodableAudio("Opus audio came before the stream's header.")
            return DecodedChunk(np.zeros(0, np.float32), packets.stored, packets.oversized)
        blocks = [decoder.decode(packet) for packet in packets.audio]
        samples = np.concatenate([np.zeros(0, np.float32), *blocks])
        return DecodedChunk(samples, packets.stored, packets.oversized)
