"""Opus packets out of a growing WebM or Ogg byte stream, as a browser's MediaRecorder emits it:
the first chunk carries the header, later chunks continue the stream at any byte.

Each demuxer keeps the bytes of an element or page that is not complete yet, and reads a
chunk all or nothing: a chunk it cannot parse raises ``UndecodableAudio`` and leaves the
demuxer as it was, so the next good chunk goes on where the last good one ended.
"""

import struct
from dataclasses import dataclass, field, replace
from typing import Protocol

from .errors import UndecodableAudio

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
OGG_MAGIC = b"OggS"


@dataclass(frozen=True)
class Packets:
    """What one chunk yielded: the codec header when it came by, and audio packets."""

    opus_head: bytes | None
    audio: list[bytes]


class Demuxer(Protocol):
    def push(self, chunk: bytes) -> Packets: ...


def demuxer_for(first_chunk: bytes) -> Demuxer:
    if first_chunk.startswith(EBML_MAGIC):
        return WebmDemuxer()
    if first_chunk.startswith(OGG_MAGIC):
        return OggDemuxer()
    raise UndecodableAudio("The stream starts neither as WebM nor as Ogg.")


# WebM (Matroska) ---------------------------------------------------------------------

SEGMENT, CLUSTER, TRACKS, TRACK_ENTRY, BLOCK_GROUP = (
    0x18538067,
    0x1F43B675,
    0x1654AE6B,
    0xAE,
    0xA0,
)
# Containers we read into (their size may be unknown, as in a live recording).
CONTAINERS = frozenset({SEGMENT, CLUSTER, TRACKS, TRACK_ENTRY, BLOCK_GROUP})
TRACK_NUMBER, CODEC_ID, CODEC_PRIVATE, SIMPLE_BLOCK, BLOCK = 0xD7, 0x86, 0x63A2, 0xA3, 0xA1
LARGEST_ELEMENT = 1 << 24  # an audio recording's elements are far smaller


def _vint(data: bytes, at: int, *, keep_marker: bool) -> tuple[int, int] | None:
    """An EBML variable-length integer at ``data[at:]``: (value, length), or None if the data
    ends first. Sizes drop the length marker; IDs keep it. -1 is "unknown size"."""
    if at >= len(data):
        return None
    first = data[at]
    length = 9 - first.bit_length() if first else 9
    if length > 8:
        raise UndecodableAudio("Not a WebM stream: invalid element header.")
    if at + length > len(data):
        return None
    value = int.from_bytes(data[at : at + length], "big")
    if keep_marker:
        return value, length
    value &= (1 << (7 * length)) - 1
    return (-1 if value == (1 << (7 * length)) - 1 else value), length


@dataclass
class _WebmState:
    pending: bytes = b""
    track: int = 0  # the TrackNumber of the TrackEntry being read
    opus_tracks: frozenset[int] = frozenset()


@dataclass
class WebmDemuxer:
    state: _WebmState = field(default_factory=_WebmState)

    def push(self, chunk: bytes) -> Packets:
        state = replace(self.state, pending=self.state.pending + chunk)
        head: bytes | None = None
        audio: list[bytes] = []
        at = 0
        while (element := self._element(state.pending, at)) is not None:
            ident, body, end = element
            if ident in CONTAINERS:
                at = body  # read into it: its children follow
                continue
            payload = state.pending[body:end]
            if ident == TRACK_NUMBER:
                state.track = int.from_bytes(payload, "big")
            elif ident == CODEC_ID and payload.rstrip(b"\0") == b"A_OPUS":
                state.opus_tracks |= {state.track}
            elif ident == CODEC_PRIVATE and state.track in state.opus_tracks:
                head = payload
            elif ident in (SIMPLE_BLOCK, BLOCK):
                audio.extend(_block_frame(payload, state.opus_tracks))
            at = end
        state.pending = state.pending[at:]
        self.state = state
        return Packets(head, audio)

    @staticmethod
    def _element(data: bytes, at: int) -> tuple[int, int, int] | None:
        """(id, start of body, end of body) of the element at ``at``, once all its bytes
        (all of its header, for a container) have arrived."""
        ident = _vint(data, at, keep_marker=True)
        if ident is None:
            return None
        size = _vint(data, at + ident[1], keep_marker=False)
        if size is None:
            return None
        body = at + ident[1] + size[1]
        if ident[0] in CONTAINERS:
            return ident[0], body, body
        if not 0 <= size[0] <= LARGEST_ELEMENT:
            raise UndecodableAudio("Not a WebM stream: an element of unknown or huge size.")
        end = body + size[0]
        return (ident[0], body, end) if end <= len(data) else None


def _block_frame(block: bytes, opus_tracks: frozenset[int]) -> list[bytes]:
    track = _vint(block, 0, keep_marker=False)
    if track is None or len(block) < track[1] + 3:
        raise UndecodableAudio("Not a WebM stream: a truncated block.")
    if track[0] not in opus_tracks:
        return []  # another track (video)
    flags = block[track[1] + 2]
    if flags & 0x06:
        raise UndecodableAudio("Laced WebM blocks are not supported (browsers do not send them).")
    return [block[track[1] + 3 :]]


# Ogg -----------------------------------------------------------------------------------

PAGE_HEADER = struct.Struct("<4sBBqIIIB")


@dataclass
class _OggState:
    pending: bytes = b""
    packet: bytes = b""  # a packet continued on the next page
    serial: int | None = None  # the Opus stream's
    headers_seen: int = 0  # OpusHead, then OpusTags


@dataclass
class OggDemuxer:
    state: _OggState = field(default_factory=_OggState)

    def push(self, chunk: bytes) -> Packets:
        state = replace(self.state, pending=self.state.pending + chunk)
        head: bytes | None = None
        audio: list[bytes] = []
        while (page := _ogg_page(state.pending)) is not None:
            serial, packets, length = page
            state.pending = state.pending[length:]
            if state.serial is None:
                state.serial = serial
            if serial != state.serial:
                continue  # another logical stream
            for packet in self._packets(state, packets):
                if state.headers_seen == 0:
                    if not packet.startswith(b"OpusHead"):
                        raise UndecodableAudio("This Ogg stream does not carry Opus.")
                    head = packet
                state.headers_seen += 1
                if state.headers_seen > 2:
                    audio.append(packet)
        self.state = state
        return Packets(head, audio)

    @staticmethod
    def _packets(state: _OggState, segments: list[tuple[bytes, bool]]) -> list[bytes]:
        done = []
        for data, complete in segments:
            state.packet += data
            if complete:
                done.append(state.packet)
                state.packet = b""
        return done


def _ogg_page(data: bytes) -> tuple[int, list[tuple[bytes, bool]], int] | None:
    """The serial number, the packet pieces (data, ends a packet?) and the length of the page
    at the start of ``data``; None until all of it has arrived."""
    if len(data) < PAGE_HEADER.size:
        if not OGG_MAGIC.startswith(data[:4]):
            raise UndecodableAudio("Not an Ogg stream: no page starts here.")
        return None
    magic, version, _, _, serial, _, _, count = PAGE_HEADER.unpack_from(data)
    if magic != OGG_MAGIC or version != 0:
        raise UndecodableAudio("Not an Ogg stream: no page starts here.")
    lacing = data[PAGE_HEADER.size : PAGE_HEADER.size + count]
    length = PAGE_HEADER.size + count + sum(lacing)
    if len(lacing) < count or len(data) < length:
        return None
    pieces = []
    at = PAGE_HEADER.size + count
    for size in lacing:
        pieces.append((data[at : at + size], size < 255))  # < 255: the packet ends here
        at += size
    return serial, pieces, length
