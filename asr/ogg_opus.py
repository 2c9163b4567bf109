"""Opus packets into an Ogg Opus stream (RFC 7845), as they come, without re-encoding: the
identification and comment headers first, then pages of audio about a second long. Every
page is complete when it is handed out, so the bytes written so far are always a playable
file (short only of the packets not paged yet)."""

import struct

from .demux import OGG_MAGIC, PAGE_HEADER

OPUS_RATE = 48_000  # Ogg Opus granule positions count 48 kHz samples
PAGE_SAMPLES = OPUS_RATE  # audio per page
BEGINS, ENDS = 0x02, 0x04  # header type flags: first and last page of the stream


def opus_head(channels: int) -> bytes:
    """The identification header: ``channels`` out, no pre-skip, 48 kHz, no gain, mapping 0."""
    return b"OpusHead" + struct.pack("<BBHIhB", 1, channels, 0, OPUS_RATE, 0, 0)


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 24
        for _ in range(8):
            crc = (crc << 1) ^ 0x04C11DB7 if crc & 0x8000_0000 else crc << 1
        table.append(crc & 0xFFFF_FFFF)
    return table


CRC_TABLE = _crc_table()


def ogg_crc(data: bytes) -> int:
    """The page checksum of Ogg (CRC-32, polynomial 0x04C11DB7, unreflected, from 0)."""
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFF_FFFF) ^ CRC_TABLE[(crc >> 24) ^ byte]
    return crc


class OggOpusWriter:
    """One logical Ogg Opus stream. ``header()`` opens it; ``add()`` takes each packet and
    its length and hands out a page once a second of audio has gathered; ``close()`` hands
    out the rest as the last page."""

    def __init__(self, serial: int) -> None:
        self.serial = serial
        self.sequence = 0  # page sequence number
        self.granule = 0  # 48 kHz samples paged so far
        self.waiting: list[bytes] = []
        self.waiting_samples = 0
        self.segments = 0  # lacing values of the waiting packets (a page holds 255)

    def header(self, channels: int) -> bytes:
        tags = b"OpusTags" + struct.pack("<I", 7) + b"Plenary" + struct.pack("<I", 0)
        return self._page([opus_head(channels)], 0, BEGINS) + self._page([tags], 0, 0)

    def add(self, packet: bytes, samples: int) -> bytes:
        """``packet`` (``samples`` long, at most 64 KiB) paged; the pages it completes."""
        segments = len(packet) // 255 + 1
        page = self._flush(0) if self.segments + segments > 255 else b""
        self.waiting.append(packet)
        self.waiting_samples += samples
        self.segments += segments
        if self.waiting_samples >= PAGE_SAMPLES:
            page += self._flush(0)
        return page

    def close(self) -> bytes:
        return self._flush(ENDS)

    def _flush(self, flags: int) -> bytes:
        self.granule += self.waiting_samples
        page = self._page(self.waiting, self.granule, flags)
        self.waiting, self.waiting_samples, self.segments = [], 0, 0
        return page

    def _page(self, packets: list[bytes], granule: int, flags: int) -> bytes:
        lacing = bytearray()
        for packet in packets:  # each packet: 255s, then what is left (< 255) ends it
            lacing += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
        header = PAGE_HEADER.pack(
            OGG_MAGIC, 0, flags, granule, self.serial, self.sequence, 0, len(lacing)
        )
        page = bytearray(header + lacing + b"".join(packets))
        struct.pack_into("<I", page, 22, ogg_crc(bytes(page)))
        self.sequence += 1
        return bytes(page)
