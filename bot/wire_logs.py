"""Libraries that log raw request and response bodies at DEBUG — a user's message as Slack delivered it, a model's
answer as Bedrock returned it, both before the guardrails masked them — never log below INFO, whatever
LOG_LEVEL says. Applied when the `bot` package is imported, so every entry point (and every test) gets it."""

from __future__ import annotations

import logging

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


def keep_wire_quiet() -> None:
    for name in WIRE_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.INFO:
            logger.setLevel(logging.INFO)
