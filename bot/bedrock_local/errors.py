"""Bedrock's error replies as one exception type, so every route fails the way the real service does.

botocore turns the HTTP status, the `x-amzn-ErrorType` header and the `{"message": ...}` body into a
`ClientError` whose code is the error type, and the retry handler decides from the same fields: throttling (429)
and 5xx are retried, 4xx validation errors are not.
"""

from __future__ import annotations

INVALID_MODEL = "The provided model identifier is invalid."


class BedrockError(Exception):
    """An error reply: HTTP status, Bedrock error code (e.g. `ValidationException`) and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def validation(message: str) -> BedrockError:
    """HTTP 400 ValidationException: the request is malformed or asks for something the model cannot do."""
    return BedrockError(400, "ValidationException", message)


def not_found(message: str) -> BedrockError:
    """HTTP 404 ResourceNotFoundException: e.g. an unknown guardrail."""
    return BedrockError(404, "ResourceNotFoundException", message)


class Abandoned(Exception):
    """The caller is gone (its read timeout fired, or the endpoint was reset) while the call was stalled: the
    call stops without touching scripted replies or the cache, so they stay for the next caller."""
