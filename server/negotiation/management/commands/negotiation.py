"""``plenary negotiation verify [TEXT] [--head HASH] [--receipt FILE]``, ``plenary negotiation
head TEXT`` and ``plenary negotiation receipt TEXT``.

``verify`` recomputes each text's hash chain and exits non-zero, naming the first bad event,
if any stored event was edited, deleted, reordered or truncated; then it replays the log and
compares the result with the projection tables (clauses, proposals, positions), naming the
first difference. ``--head`` also checks a head
kept outside the database: the log must still contain it; ``--receipt`` checks a receipt
(``receipts.py``): the log must extend it, arriving at its head at its version. ``head``
prints the current head, ``receipt`` a receipt to keep (JSON).
"""

import time
from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from server.negotiation.models import NegotiationText
from server.negotiation.receipts import (
    Receipt,
    ReceiptError,
    receipt_check,
    receipt_dumps,
    receipt_issue,
    receipt_read,
)
from server.negotiation.selectors import chain_verify, projection_difference, text_find


class Command(BaseCommand):
    help = "Check or print the hash chain of negotiation texts."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        verify: ArgumentParser = commands.add_parser("verify", help="recompute the hash chain")
        verify.add_argument("text", nargs="?", help="id or short name (default: every text)")
        verify.add_argument("--head", help="a head hash kept outside the database (hex)")
        verify.add_argument("--receipt", help="a receipt file the log must extend")
        head: ArgumentParser = commands.add_parser("head", help="print a text's head hash")
        head.add_argument("text", help="id or short name")
        receipt: ArgumentParser = commands.add_parser("receipt", help="print a receipt (JSON)")
        receipt.add_argument("text", help="id or short name")

    def handle(self, *args: object, **options: str | None) -> None:
        if options["command"] == "head":
            text = _text(options["text"] or "")
            self.stdout.write(f"{text.head_hash} {text.event_count} {text.slug}")
            return
        if options["command"] == "receipt":
            try:
                receipt = receipt_issue(_text(options["text"] or ""))
            except ReceiptError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(receipt_dumps(receipt), ending="")
            return
        kept = _receipt(options["receipt"])
        reference = options["text"] or (str(kept["text"]) if kept else None)
        texts = [_text(reference)] if reference else list(NegotiationText.objects.all())
        if options["head"] and len(texts) != 1:
            raise CommandError("--head needs the text it belongs to.")
        failures = [t.slug for t in texts if not self._verify(t, options["head"], kept)]
        if failures:
            raise CommandError(f"the record of {', '.join(failures)} does not verify")

    def _verify(self, text: NegotiationText, kept_head: str | None, kept: Receipt | None) -> bool:
        started = time.perf_counter()
        report = chain_verify(text)
        seconds = time.perf_counter() - started
        if not report.ok:
            self.stderr.write(f"{text.slug}: BAD at event {report.bad_index}: {report.problem}")
            return False
        difference = projection_difference(text)
        if difference:
            self.stderr.write(
                f"{text.slug}: BAD: the projection differs from the log: {difference}"
            )
            return False
        if kept_head and kept_head.lower() not in report.heads:
            self.stderr.write(f"{text.slug}: BAD: the kept head {kept_head} is not in the log")
            return False
        problem = receipt_check(text, kept, report) if kept else None
        if problem:
            self.stderr.write(f"{text.slug}: BAD: {problem}")
            return False
        rate = report.events / seconds if seconds else 0.0
        extends = f"; extends the receipt of version {kept['version']}" if kept else ""
        self.stdout.write(
            f"{text.slug}: OK, {report.events} events, head {report.head} "
            f"({rate:,.0f} events/s){extends}"
        )
        return True


def _text(reference: str) -> NegotiationText:
    text = text_find(reference)
    if text is None:
        raise CommandError(f"No negotiation text {reference!r}.")
    return text


def _receipt(path: str | None) -> Receipt | None:
    if path is None:
        return None
    try:
        return receipt_read(Path(path).read_bytes())
    except OSError as exc:
        raise CommandError(f"Cannot read the receipt {path}: {exc.strerror}.") from exc
    except ReceiptError as exc:
        raise CommandError(f"{path}: {exc}") from exc
