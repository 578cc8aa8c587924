"""Logging set-up: text or one JSON object per line (LOG_FORMAT), with the context fields handlers pass in
`extra` (event_id, channel, user, correlation_id, …). Message text is never logged, only ids and sizes; the
handler's `WireFilter` (bot/wire_logs.py) keeps libraries from logging bodies, whatever LOG_LEVEL says."""

from __future__ import annotations

import json
import logging
import sys

from bot.settings import LogSettings
from bot.wire_logs import WireFilter

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


def context_of(record: logging.LogRecord) -> dict[str, object]:
    """The `extra` fields a call attached to the record."""
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the extra fields, and the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **context_of(record),
        }
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`time level logger: message key=value …` for people reading a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = " ".join(f"{k}={v}" for k, v in context_of(record).items())
        if not extra:
            return line
        head, _, tail = line.partition("\n")  # keep a traceback below the key=value pairs
        return f"{head} {extra}" + (f"\n{tail}" if tail else "")


def configure(settings: LogSettings) -> None:
    """Send every log record to stderr in the configured format and level (libraries: INFO at least)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if settings.format == "json" else TextFormatter())
    handler.addFilter(WireFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.level)
