"""The checks HTTP mode runs on a Slack request's raw bytes before Bolt sees it (bot/slack_request.py)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode

import pytest
from slack_bolt.request.internals import parse_body

from bot.slack_request import MAX_DEPTH, Refusal, check_payload, check_signature
from tests.support import slack_requests as sr

SECRET = "the-secret"
NOW = 1_800_000_000


def headers_for(body: str) -> dict[str, str]:
    return sr.sign(SECRET, body)


def test_a_correct_signature_passes_and_is_checked_over_the_exact_bytes() -> None:
    body = '{"type": "event_callback"}'
    assert check_signature(body.encode(), headers_for(body), SECRET.encode()) is None
    assert check_signature(body.encode() + b" ", headers_for(body), SECRET.encode()) == Refusal(401, "bad signature")


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "unsigned"),
        ({"x-slack-signature": "v0=00", "x-slack-request-timestamp": "soon"}, "bad timestamp"),
        ({"x-slack-signature": "v0=00", "x-slack-request-timestamp": "9" * 40}, "bad timestamp"),
        ({"x-slack-signature": "v0=00", "x-slack-request-timestamp": "١٢٣"}, "bad timestamp"),  # non-ASCII digits
        ({"x-slack-signature": "v0=00", "x-slack-request-timestamp": str(NOW - 301)}, "stale timestamp"),
        ({"x-slack-signature": "v0=00", "x-slack-request-timestamp": str(NOW + 301)}, "stale timestamp"),
        ({"x-slack-signature": "v0=é", "x-slack-request-timestamp": str(NOW)}, "bad signature"),
    ],
)
def test_unauthenticated_requests_are_refused_with_401_and_a_reason(headers: dict[str, str], reason: str) -> None:
    assert check_signature(b"{}", headers, SECRET.encode(), now=NOW) == Refusal(401, reason)


def test_a_body_that_is_not_utf8_is_refused_not_raised() -> None:
    assert check_signature(b"\xff\xfe", headers_for("x"), SECRET.encode()) == Refusal(401, "bad signature")
    assert check_payload(b'{"a": "\xff"}', "application/json") == Refusal(400, "not UTF-8")


def nested(depth: int) -> str:
    return '{"a": ' * (depth - 1) + "{}" + "}" * (depth - 1)


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        ("", None, "empty body"),
        ('{"type": ', "application/json", "malformed JSON"),
        ("[1, 2]", "application/json", "malformed JSON"),
        ("[" * 100_000, "application/json", "malformed JSON"),  # the parser's recursion limit
        (nested(MAX_DEPTH + 1), "application/json", "malformed JSON"),
        (urlencode({"payload": "{not json"}), sr.FORM, "malformed payload"),
        (urlencode({"payload": '"a string"'}), sr.FORM, "malformed payload"),
    ],
)
def test_malformed_payloads_are_refused_with_400(body: str, content_type: str | None, reason: str) -> None:
    assert check_payload(body.encode(), content_type) == Refusal(400, reason)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (nested(MAX_DEPTH), "application/json"),
        (urlencode({"payload": json.dumps({"type": "block_actions", "actions": [{"value": "값"}]})}), sr.FORM),
        (sr.command_body("price nova-pro", response_url="http://127.0.0.1/r"), sr.FORM),
    ],
    ids=["deep-but-allowed", "action", "slash-command"],
)
def test_what_slack_sends_passes_as_text(body: str, content_type: str) -> None:
    assert check_payload(body.encode(), content_type) == body


def test_a_form_that_merely_mentions_payload_reaches_bolt_whole() -> None:
    body = sr.command_body("explain payload", response_url="http://127.0.0.1/r")
    assert parse_body(body, sr.FORM) == {}  # what Bolt makes of it: the command is lost
    text = check_payload(body.encode(), sr.FORM)
    assert isinstance(text, str)
    assert parse_body(text, sr.FORM)["text"] == "explain payload"
    assert parse_body(text, sr.FORM) == dict(parse_qsl(body, keep_blank_values=True))
