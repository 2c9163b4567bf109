"""Structured logs (production): one JSON object per line, with the request and meeting ids.

What is logged is operational: ids, paths, event types, timings, errors. Nothing that a
delegate said or typed — speech, captions, chat, draft text — goes into a log message;
log the id of the thing instead.
"""

import json
import logging
from datetime import UTC, datetime

from .context import MEETING_ID, REQUEST_ID


class LogContextFilter(logging.Filter):
    """Adds ``request_id`` and ``meeting_id`` (or ``None``) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        record.meeting_id = MEETING_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "meeting_id": getattr(record, "meeting_id", None),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
