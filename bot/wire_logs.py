"""No request body, payload or message text reaches the log from a library, at any level.

Libraries log raw request and response bodies at DEBUG — a user's message as Slack delivered it, a model's answer
as Bedrock returned it, both before the guardrails masked them — and Bolt also quotes bodies at INFO and WARNING
("Invalid request signature detected (… body: …)", "Unhandled request ({…})", a middleware that skipped next(),
Socket Mode's "Unsuccessful Bolt execution result (… body: …)").
Two guards:

- `keep_wire_quiet()` (run when the `bot` package is imported, so every entry point and test gets it) sets the
  libraries' loggers to INFO at least.
- `WireFilter`, on the one handler `bot.logs.configure` installs, drops every record below INFO that does not
  come from our own code, whatever a logger's level says (Bolt gives each of its child loggers, and the app's
  listener loggers, the root's level explicitly, so LOG_LEVEL=DEBUG would reach them), and cuts the quoted part
  off Bolt's body-quoting messages.
"""

from __future__ import annotations

import logging
import re

WIRE_LOGGERS = (
    "botocore",
    "boto3",
    "urllib3",
    "s3transfer",
    "slack_sdk",
    "slack_bolt",
    "langchain",
    "langchain_core",
    "langchain_aws",
)
OWN_LOGGERS = ("bot", "handlers", "benchmarks", "__main__")
# Bolt's and slack_sdk's messages at INFO or above that quote a request or a frame: what stays is the text before
# the quote.
_QUOTING = re.compile(
    r"^(Invalid request signature detected|Unhandled request|A global middleware \(\w+\) skipped calling either"
    r"|Unsuccessful Bolt execution result|Received an unsupported data frame|request body|Request body)\b"
)


def keep_wire_quiet() -> None:
    for name in WIRE_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.INFO:
            logger.setLevel(logging.INFO)


def is_own(name: str) -> bool:
    """Whether a logger belongs to this project's code (anything else is a library's)."""
    return any(name == own or name.startswith(f"{own}.") for own in OWN_LOGGERS)


class WireFilter(logging.Filter):
    """Library records below INFO are dropped; Bolt's body-quoting messages lose the quote."""

    def filter(self, record: logging.LogRecord) -> bool:
        if is_own(record.name):
            return True
        if record.levelno < logging.INFO:
            return False
        if isinstance(record.msg, str) and (match := _QUOTING.match(record.msg)):
            record.msg, record.args = f"{match.group(1)} (request details not logged)", None
        return True
