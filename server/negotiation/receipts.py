"""Receipts: the head of a text's record, taken out of the database.

A receipt names a text, its version (the number of events) and the chain hash after the
last of them (the head), with the time that event was logged. Any participant may download
one from the text page (or ``plenary negotiation receipt TEXT``) and keep it. Later,
``plenary negotiation verify --receipt FILE`` proves that today's log extends it: the
recomputed chain, at that version, must arrive at the very head the receipt names. A
rewrite of history that recomputes every hash passes the plain check (the chain is
consistent with itself) but cannot arrive at a head someone kept before the rewrite.
"""

import json
from typing import TypedDict

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from server.common.errors import message_format

from .chain import ChainReport, iso_utc
from .models import NegotiationEvent, NegotiationText

KIND = "plenary.negotiation.receipt"
MAX_BYTES = 4096
HEX = frozenset("0123456789abcdef")


class Receipt(TypedDict):
    kind: str  # KIND
    text: int
    slug: str
    title: str
    version: int  # events in the log when the receipt was issued
    head: str  # the chain hash after event version - 1 (hex)
    time: str  # when that event was logged (ISO, UTC)
    issued: str  # when the receipt was issued (ISO, UTC)


class ReceiptError(ValueError):
    """A file that is not a receipt of this kind (the message marked for translation)."""

    def __init__(self, message: StrOrPromise, /, **params: object) -> None:
        super().__init__(message_format(message, **params))


def receipt_issue(text: NegotiationText) -> Receipt:
    """A receipt for the text as it stands now (read from the log, not the text's row)."""
    last = NegotiationEvent.objects.filter(text=text).order_by("-index").first()
    if last is None:
        raise ReceiptError(_("The text {slug} has no record yet."), slug=text.slug)
    return {
        "kind": KIND,
        "text": text.pk,
        "slug": text.slug,
        "title": text.title,
        "version": last.index + 1,
        "head": last.chain_hash,
        "time": iso_utc(last.created_at),
        "issued": iso_utc(timezone.now()),
    }


def receipt_dumps(receipt: Receipt) -> str:
    return json.dumps(receipt, indent=2, ensure_ascii=False) + "\n"


def receipt_read(raw: bytes) -> Receipt:
    """A receipt from a file's bytes; ``ReceiptError`` says what is wrong with it."""
    if len(raw) > MAX_BYTES:
        raise ReceiptError(
            _("A receipt is a small JSON file (at most {max_bytes} bytes)."), max_bytes=MAX_BYTES
        )
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ReceiptError(_("The receipt is not JSON: {exc}."), exc=exc) from exc
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise ReceiptError(_("This is not a negotiation receipt (kind {kind!r})."), kind=KIND)
    text, version, head = data.get("text"), data.get("version"), data.get("head")
    if not isinstance(text, int) or not isinstance(version, int) or version < 1:
        raise ReceiptError(_("The receipt's 'text' and 'version' must be positive integers."))
    if not isinstance(head, str) or len(head) != 64 or not set(head) <= HEX:
        raise ReceiptError(_("The receipt's 'head' must be 64 lowercase hexadecimal digits."))
    strings = {name: data.get(name) for name in ("slug", "title", "time", "issued")}
    if not all(isinstance(value, str) for value in strings.values()):
        raise ReceiptError(_("The receipt's 'slug', 'title', 'time' and 'issued' are strings."))
    return {
        "kind": KIND,
        "text": text,
        "slug": str(strings["slug"]),
        "title": str(strings["title"]),
        "version": version,
        "head": head,
        "time": str(strings["time"]),
        "issued": str(strings["issued"]),
    }


def receipt_check(text: NegotiationText, receipt: Receipt, report: ChainReport) -> str | None:
    """What is wrong, if today's log (``report``: its chain recomputed) does not extend
    ``receipt``; None if it does."""
    if receipt["text"] != text.pk:
        return f"the receipt is for text {receipt['text']} ({receipt['slug']}), not this one"
    version = receipt["version"]
    if len(report.heads) < version:
        return (
            f"the receipt names version {version} but the log has {len(report.heads)} "
            "events: events were removed"
        )
    head = report.heads[version - 1]
    if head != receipt["head"]:
        return (
            f"the log does not extend the receipt: after event {version - 1} its head is "
            f"{head}, the receipt (issued {receipt['issued']}) says {receipt['head']}: "
            "the record was rewritten"
        )
    return None
