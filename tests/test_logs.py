"""Log lines carry the handler's ids as fields, in JSON or text."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware.request_verification import RequestVerification

from bot.logs import JsonFormatter, TextFormatter, configure
from bot.settings import LogSettings
from tests.support import slack_requests as sr


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


# -- nothing from a request body reaches the log (bot/wire_logs.py) -----------------------------------------------
RRN = "900101-1234567"


@pytest.fixture
def debug_logging(capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    """`configure` at LOG_LEVEL=DEBUG (onto the stderr `capsys` captures), then the root logger as it was."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure(LogSettings(level="DEBUG"))
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_bolts_invalid_signature_message_keeps_no_body(debug_logging: None, capsys: pytest.CaptureFixture[str]) -> None:
    body = json.dumps({"type": "event_callback", "event": {"type": "message", "text": f"주민번호 {RRN}"}})
    verification = RequestVerification(signing_secret="the-secret")
    request = BoltRequest(body=body, headers=sr.sign("a-forged-secret", body))
    response = verification.process(req=request, resp=BoltResponse(status=200), next=lambda: BoltResponse(status=200))
    assert response.status == 401
    err = capsys.readouterr().err
    assert "Invalid request signature detected (request details not logged)" in err
    assert RRN not in err and "주민번호" not in err


def test_libraries_log_nothing_below_info_whatever_their_level(
    debug_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    bolt_child = logging.getLogger("slack_bolt.App")
    bolt_child.setLevel(logging.DEBUG)  # what Bolt does to its child loggers: the root's level, explicitly
    bolt_child.debug("payload %s", RRN)
    logging.getLogger("slack_app.py:handle_x").debug("listener logger %s", RRN)  # Bolt's app loggers
    logging.getLogger("botocore.endpoint").debug("Sending http request: %s", RRN)
    logging.getLogger("bot.http_front").debug("ours at debug")
    logging.getLogger("slack_bolt.App").info("theirs at info")
    err = capsys.readouterr().err
    assert RRN not in err
    assert "ours at debug" in err and "theirs at info" in err


@pytest.mark.parametrize(
    ("logger", "message"),
    [
        ("slack_bolt.App", f"Unhandled request ({{'type': 'block_suggestion', 'value': '{RRN}'}})"),
        ("slack_bolt.App", f"A global middleware (inject) skipped calling either `next()` or `next_()` ({RRN})"),
        ("slack_sdk.socket_mode.builtin.client", f"Unsuccessful Bolt execution result (status: 404, body: {RRN})"),
        ("slack_sdk.socket_mode.builtin.connection", f"Received an unsupported data frame (payload: {RRN})"),
    ],
)
def test_library_messages_that_quote_a_request_lose_the_quote(
    debug_logging: None, capsys: pytest.CaptureFixture[str], logger: str, message: str
) -> None:
    logging.getLogger(logger).warning(message)
    err = capsys.readouterr().err
    assert "(request details not logged)" in err and RRN not in err
