"""The hash chain over a text's events, as RFC 6962 hashes leaves and nodes:

    leaf_i  = SHA-256(0x00 || canonical bytes of event i)
    chain_i = SHA-256(0x01 || chain_{i-1} || leaf_i),  chain_{-1} = 32 zero bytes

Canonical bytes are JSON with sorted keys, no whitespace, UTF-8: the text, index, kind,
payload, actor, delegation, meeting, agenda item, transcript range and time (ISO, UTC).
The head (the last chain hash) changes with any edit, deletion, reordering or truncation
of the log, so a delegation that keeps it outside the database can check the record.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from server.common.json_types import JSON

GENESIS = bytes(32)
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


@dataclass(frozen=True)
class EventRecord:
    """An event's hashed fields, as stored."""

    text: int
    index: int
    kind: str
    payload: JSON
    actor: int | None
    delegation: int | None
    meeting: int | None
    agenda_item: int | None
    transcript_from: float | None
    transcript_to: float | None
    created_at: datetime


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(record: EventRecord) -> bytes:
    transcript: JSON = (
        None if record.transcript_from is None else [record.transcript_from, record.transcript_to]
    )
    document: dict[str, JSON] = {
        "text": record.text,
        "index": record.index,
        "kind": record.kind,
        "payload": record.payload,
        "actor": record.actor,
        "delegation": record.delegation,
        "meeting": record.meeting,
        "agenda_item": record.agenda_item,
        "transcript": transcript,
        "at": iso_utc(record.created_at),
    }
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def leaf_hash(record: EventRecord) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + canonical(record)).digest()


def chain_hash(previous: bytes, leaf: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + previous + leaf).digest()


@dataclass(frozen=True)
class StoredEvent:
    record: EventRecord
    leaf_hash: str
    chain_hash: str


@dataclass(frozen=True)
class ChainReport:
    events: int
    head: str  # hex; empty for an empty log
    problem: str | None = None
    bad_index: int | None = None
    heads: tuple[str, ...] = ()  # the chain hash after each event, to check kept heads

    @property
    def ok(self) -> bool:
        return self.problem is None


def chain_check(
    events: Iterable[StoredEvent], *, expected_count: int, expected_head: str
) -> ChainReport:
    """Recompute the chain over ``events`` (in stored index order) and compare it with the
    stored hashes and the head recorded beside the text."""
    previous, count, heads = GENESIS, 0, []
    for stored in events:
        chained, problem = _event_check(stored, count, previous)
        if chained is None:
            return ChainReport(count, previous.hex(), problem, count)
        previous = chained
        heads.append(chained.hex())
        count += 1
    return _ending(
        ChainReport(count, previous.hex() if count else "", heads=tuple(heads)),
        expected_count,
        expected_head,
    )


def _ending(report: ChainReport, expected_count: int, expected_head: str) -> ChainReport:
    count = report.events
    if count < expected_count or (count and report.head != expected_head):
        problem = (
            f"the log ends at event {count - 1} but the text records {expected_count} events "
            f"and head {expected_head or '(none)'}: events were removed from the end"
        )
        return ChainReport(count, report.head, problem, count)
    if count > expected_count:
        problem = f"the log has {count} events but the text records {expected_count}"
        return ChainReport(count, report.head, problem, expected_count)
    return report


def _event_check(
    stored: StoredEvent, expected_index: int, previous: bytes
) -> tuple[bytes | None, str | None]:
    """The event's chain hash if it is sound, else None and what is wrong."""
    record = stored.record
    if record.index != expected_index:
        return None, (
            f"event {expected_index} is missing (the next stored event is {record.index}): "
            "events were deleted or reordered"
        )
    leaf = leaf_hash(record)
    if leaf.hex() != stored.leaf_hash:
        return None, f"event {record.index} ({record.kind}) does not match its hash: it was edited"
    chained = chain_hash(previous, leaf)
    if chained.hex() != stored.chain_hash:
        return None, (
            f"event {record.index} ({record.kind}) does not follow the event before it: "
            "events were reordered, replaced or removed"
        )
    return chained, None
