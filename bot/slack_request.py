"""Checks on a Slack request's raw bytes before Bolt parses anything: the signature first, then the shape.

Bolt parses a body before it checks the signature and answers 500 with a traceback for a non-numeric timestamp,
malformed JSON or `payload=` forms, invalid UTF-8 or deep nesting. HTTP mode's front (bot/http_front.py) runs
these checks over the raw bytes instead: unauthenticated requests get 401, signed but malformed ones 400, and Bolt
only ever sees a body it can parse. A `Refusal` carries the status and a reason safe to log (never the body).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

MAX_AGE_S = 300  # Slack's own rule: a request older (or newer) than five minutes is a replay
MAX_DEPTH = 64  # Block Kit payloads nest about 15 deep


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: HTTP status and a short reason for the log and the response."""

    status: int
    reason: str


def check_signature(body: bytes, headers: Mapping[str, str], secret: bytes, now: float | None = None) -> Refusal | None:
    """None when `x-slack-signature` signs `body` at `x-slack-request-timestamp` within five minutes; else 401.
    Slack's scheme (v0 = HMAC-SHA256 of `v0:{timestamp}:{body}`) over the raw bytes, so a body that is not UTF-8
    is refused like any other forgery (slack_sdk's verifier decodes it first and would raise)."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not timestamp or not signature:
        return Refusal(401, "unsigned")
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return Refusal(401, "bad timestamp")
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_AGE_S:
        return Refusal(401, "stale timestamp")
    expected = "v0=" + hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("latin-1", "replace")):
        return Refusal(401, "bad signature")
    return None


def check_payload(body: bytes, content_type: str | None) -> str | Refusal:
    """The body as text for Bolt when it parses into an object (Bolt's rules: JSON when the content type says so
    or it starts with `{`, else a form, whose `payload` field is JSON); 400 otherwise. Bolt takes any form that
    merely contains the word "payload" for one with a `payload` field; such a form is handed over re-encoded so
    that Bolt reads it whole (its signature was checked over the original bytes)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "not UTF-8")
    if not text:
        return Refusal(400, "empty body")
    if content_type == "application/json" or text.startswith("{"):
        return text if _is_object(text) else Refusal(400, "malformed JSON")
    if "payload" in text:
        payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
        if payload is None:  # e.g. `/bedrock explain payload`, which Bolt would parse as an empty form
            return text.replace("payload", "%70ayload")  # the same form, percent-encoded where Bolt looks
        if not _is_object(payload):
            return Refusal(400, "malformed payload")
    return text


def _is_object(text: str) -> bool:
    """A JSON object, nested at most MAX_DEPTH deep."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and _depth(value) <= MAX_DEPTH


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest
