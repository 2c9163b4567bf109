"""Opus packets out of a growing WebM or Ogg byte stream, as a browser's MediaRecorder emits it:
the first chunk carries the header, later chunks continue the stream at any byte.

Each demuxer keeps the bytes of an element or page that is not complete yet (at most
``MAX_PACKET_BYTES`` and a header: the buffer never grows past that, and a chunk costs work
in proportion to its own size), and reads a chunk all or nothing: a chunk it cannot parse
raises ``UndecodableAudio`` and leaves the demuxer as it was, so the next good chunk goes on
where the last good one ended.

What a chunk yields also says which of its bytes are worth keeping in a recording (headers
and audio, not padding, unknown elements or other streams), and whether it carried part of
an element or packet over ``MAX_PACKET_BYTES``: such a one is skipped, and the stream goes
on after it.
"""

import struct
from dataclasses import dataclass, field, replace
from typing import Protocol

from .errors import UndecodableAudio

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
OGG_MAGIC = b"OggS"
MAX_PACKET_BYTES = 256 * 1024  # an Opus packet is at most a few kilobytes


@dataclass(frozen=True)
class Packets:
    """What one chunk yielded: the codec header when it came by, audio packets, the bytes
    of the stream worth storing, and whether part of it was skipped as too large."""

    opus_head: bytes | None
    audio: list[bytes]
    stored: bytes = b""
    oversized: bool = False


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
# The elements an audio recording is made of, at the levels read here (the EBML header;
# the Segment's children; a Cluster's; a BlockGroup's; a TrackEntry's); CRC-32 anywhere.
# Anything else (Void padding included) is read past and not stored.
KNOWN_ELEMENTS = frozenset(
    {
        0x1A45DFA3,  # EBML header
        0x114D9B74, 0x1549A966, 0x1C53BB6B, 0x1254C367, 0x1043A770, 0x1941A469,  # Segment
        0xE7, 0x5854, 0xA7, 0xAB, 0xA3, 0xAF,  # Cluster
        0xA1, 0xA2, 0x75A1, 0x9B, 0xFA, 0xFB, 0xA4, 0x75A2, 0x8E,  # BlockGroup
        0xD7, 0x73C5, 0x83, 0xB9, 0x88, 0x55AA, 0x9C, 0x6DE7, 0x23E383, 0x23314F,  # TrackEntry
        0x55EE, 0x536E, 0x22B59C, 0x22B59D, 0x86, 0x63A2, 0x258688, 0x56AA, 0x56BB,
        0xE0, 0xE1, 0x6D80, 0xAA, 0x6FAB, 0x41E4, 0x6624, 0xE2, 0x7446,
        0x55AB, 0x55AC, 0x55AD, 0x55AE, 0x55AF,
        0xBF,  # CRC-32
    }
)  # fmt: skip


def _vint(data: bytearray, at: int, *, keep_marker: bool) -> tuple[int, int] | None:
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


def _header(data: bytearray, at: int) -> tuple[int, int, int] | None:
    """(id, size, start of body) of the element at ``at``, once its header has arrived."""
    ident = _vint(data, at, keep_marker=True)
    if ident is None:
        return None
    size = _vint(data, at + ident[1], keep_marker=False)
    if size is None:
        return None
    return ident[0], size[0], at + ident[1] + size[1]


@dataclass
class _WebmState:
    track: int = 0  # the TrackNumber of the TrackEntry being read
    opus_tracks: frozenset[int] = frozenset()
    skip: int = 0  # bytes still to come of an element too large to take


@dataclass
class _WebmChunk:
    """What is being read out of one chunk."""

    head: bytes | None = None
    audio: list[bytes] = field(default_factory=list)
    stored: bytearray = field(default_factory=bytearray)
    oversized: bool = False


@dataclass
class WebmDemuxer:
    state: _WebmState = field(default_factory=_WebmState)
    pending: bytearray = field(default_factory=bytearray)

    def push(self, chunk: bytes) -> Packets:
        state, mark = replace(self.state), len(self.pending)
        self.pending += chunk
        read = _WebmChunk()
        try:
            at = self._read(state, read)
        except UndecodableAudio:
            del self.pending[mark:]
            raise
        del self.pending[:at]
        self.state = state
        return Packets(read.head, read.audio, bytes(read.stored), read.oversized)

    def _read(self, state: _WebmState, read: _WebmChunk) -> int:
        """Read the complete elements in ``pending``; returns where the incomplete rest begins."""
        data = self.pending
        at = min(state.skip, len(data))
        state.skip -= at
        read.oversized = at > 0
        while (header := _header(data, at)) is not None:
            ident, size, body = header
            if ident in CONTAINERS:
                read.stored += data[at:body]
                at = body  # read into it: its children follow
                continue
            if size < 0:
                raise UndecodableAudio("Not a WebM stream: an element of unknown size.")
            if size > MAX_PACKET_BYTES:
                read.oversized = True
                at = min(body + size, len(data))
                state.skip = body + size - at
                continue
            end = body + size
            if end > len(data):
                break
            self._element(state, read, ident, bytes(data[body:end]))
            if ident in KNOWN_ELEMENTS:
                read.stored += data[at:end]
            at = end
        return at

    @staticmethod
    def _element(state: _WebmState, read: _WebmChunk, ident: int, payload: bytes) -> None:
        if ident == TRACK_NUMBER:
            state.track = int.from_bytes(payload, "big")
        elif ident == CODEC_ID and payload.rstrip(b"\0") == b"A_OPUS":
            state.opus_tracks |= {state.track}
        elif ident == CODEC_PRIVATE and state.track in state.opus_tracks:
            read.head = payload
        elif ident in (SIMPLE_BLOCK, BLOCK):
            read.audio.extend(_block_frame(payload, state.opus_tracks))


def _block_frame(block: bytes, opus_tracks: frozenset[int]) -> list[bytes]:
    track = _vint(bytearray(block[:8]), 0, keep_marker=False)
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
CONTINUED = 0x01  # header type flag: the page's first piece continues the last page's packet


@dataclass
class _OggState:
    packet: bytes = b""  # a packet continued on the next page
    held: bytes = b""  # the pages of that packet, stored once it ends
    skipping: bool = False  # the rest of a packet too large to take
    serial: int | None = None  # the Opus stream's
    headers_seen: int = 0  # OpusHead, then OpusTags


@dataclass(frozen=True)
class _OggPage:
    serial: int
    continued: bool
    pieces: list[tuple[bytes, bool]]  # (data, ends a packet?)
    length: int


@dataclass
class OggDemuxer:
    state: _OggState = field(default_factory=_OggState)
    pending: bytearray = field(default_factory=bytearray)

    def push(self, chunk: bytes) -> Packets:
        state, mark = replace(self.state), len(self.pending)
        self.pending += chunk
        head: bytes | None = None
        audio: list[bytes] = []
        stored = bytearray()
        oversized = False
        at = 0
        try:
            while (page := _ogg_page(self.pending, at)) is not None:
                raw = bytes(self.pending[at : at + page.length])
                at += page.length
                if state.serial is None:
                    state.serial = page.serial
                if page.serial != state.serial:
                    continue  # another logical stream
                packets, dropped = self._packets(state, page)
                oversized |= dropped
                for packet in packets:
                    if state.headers_seen == 0:
                        if not packet.startswith(b"OpusHead"):
                            raise UndecodableAudio("This Ogg stream does not carry Opus.")
                        head = packet
                    state.headers_seen += 1
                    if state.headers_seen > 2:
                        audio.append(packet)
                if packets:
                    stored += state.held + raw
                    state.held = b""
                elif state.packet:
                    state.held += raw  # kept until its packet ends
        except UndecodableAudio:
            del self.pending[mark:]
            raise
        del self.pending[:at]
        self.state = state
        return Packets(head, audio, bytes(stored), oversized)

    @staticmethod
    def _packets(state: _OggState, page: _OggPage) -> tuple[list[bytes], bool]:
        """The packets ``page`` ends, and whether it carried part of one too large to take."""
        if not page.continued:  # a packet left unfinished is abandoned
            state.packet, state.held, state.skipping = b"", b"", False
        done, dropped = [], False
        for data, complete in page.pieces:
            if state.skipping:
                dropped, state.skipping = True, not complete
                continue
            state.packet += data
            if len(state.packet) > MAX_PACKET_BYTES:
                dropped, state.skipping = True, not complete
                state.packet, state.held = b"", b""
            elif complete:
                done.append(state.packet)
                state.packet = b""
        return done, dropped


def _ogg_page(data: bytearray, at: int) -> _OggPage | None:
    """The page at ``data[at:]``; None until all of it has arrived."""
    if len(data) - at < PAGE_HEADER.size:
        if not OGG_MAGIC.startswith(bytes(data[at : at + 4])):
            raise UndecodableAudio("Not an Ogg stream: no page starts here.")
        return None
    magic, version, flags, _, serial, _, _, count = PAGE_HEADER.unpack_from(data, at)
    if magic != OGG_MAGIC or version != 0:
        raise UndecodableAudio("Not an Ogg stream: no page starts here.")
    lacing = data[at + PAGE_HEADER.size : at + PAGE_HEADER.size + count]
    length = PAGE_HEADER.size + count + sum(lacing)
    if len(lacing) < count or len(data) - at < length:
        return None
    pieces = []
    start = at + PAGE_HEADER.size + count
    for size in lacing:
        pieces.append((bytes(data[start : start + size]), size < 255))  # < 255: it ends here
        start += size
    return _OggPage(serial, bool(flags & CONTINUED), pieces, length)
