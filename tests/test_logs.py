"""Log lines carry the handler's ids as fields, in JSON or text."""

from __future__ import annotations

import json
import logging

from bot.logs import JsonFormatter, TextFormatter


def record(exc: bool = False) -> logging.LogRecord:
    logger = logging.getLogger("test.logs")
    try:
        raise ValueError("boom") if exc else None
    except ValueError:
        import sys

        info = sys.exc_info()
    else:
        info = None
    rec = logger.makeRecord(
        "test.logs",
        logging.ERROR,
        __file__,
        1,
        "unexpected error",
        (),
        info,
        extra={"channel": "C1", "correlation_id": "abc123"},
    )
    return rec


def test_json_lines_have_the_extra_fields_and_the_exception() -> None:
    line = json.loads(JsonFormatter().format(record(exc=True)))
    assert line["message"] == "unexpected error" and line["level"] == "ERROR"
    assert line["channel"] == "C1" and line["correlation_id"] == "abc123"
    assert "ValueError: boom" in line["exception"]


def test_text_lines_put_the_fields_on_the_first_line() -> None:
    text = TextFormatter().format(record(exc=True))
    first, _, rest = text.partition("\n")
    assert first.endswith("unexpected error channel=C1 correlation_id=abc123")
    assert "ValueError: boom" in rest
