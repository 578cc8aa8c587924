"""What users see when things go wrong, through the real Bolt app: Slack rate limits and errors, bugs, Redis
down, bad signatures. Nothing crashes a listener, nothing is lost silently."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from pydantic import SecretStr
from slack_bolt import BoltRequest

from bot.settings import RedisSettings
from bot.store.client import connect
from tests.slack.harness import SECRET, Harness, blocks_text
from tests.support import slack_requests as sr


def posts(harness: Harness) -> list[dict]:
    return [c.params for c in harness.drain() if c.method == "chat.postMessage"]


def test_a_rate_limited_post_is_retried_after_retry_after(harness: Harness) -> None:
    harness.slack.queue_response(
        "chat.postMessage", status=429, body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "0"}
    )
    harness.event(sr.app_mention("<@U0BOT> Nova Pro 가격"))
    attempts = posts(harness)
    assert len(attempts) == 2 and attempts[0] == attempts[1]  # the same message, sent again
    assert len(harness.slack.calls_to("chat.postMessage")) == 2


def test_a_failed_post_is_logged_with_ids_and_the_next_event_still_works(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    harness.slack.queue_response("chat.postMessage", body={"ok": False, "error": "channel_not_found"})
    with caplog.at_level(logging.ERROR):
        harness.event(sr.app_mention("<@U0BOT> Nova Pro 가격", channel="CGONE"))
        harness.drain()
    [record] = [r for r in caplog.records if r.getMessage() == "chat.postMessage failed"]
    assert record.channel == "CGONE" and record.error == "channel_not_found"  # type: ignore[attr-defined]
    assert "Nova Pro" not in caplog.text  # ids, never the user's text
    harness.event(sr.app_mention("<@U0BOT> Nova Micro 가격", channel="C123"))
    assert [p["channel"] for p in posts(harness)] == ["CGONE", "C123"]


def test_an_unexpected_error_gets_an_apology_with_the_logged_correlation_id(
    harness: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: str) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(harness.services.engine, "ask", broken)
    with caplog.at_level(logging.ERROR):
        harness.event(sr.app_mention("<@U0BOT> Nova Pro 가격은?"))
        [post] = posts(harness)
    match = re.search(r"`([0-9a-f]{12})`", post["text"])
    assert match and post["text"].startswith("죄송합니다")
    [record] = [r for r in caplog.records if r.getMessage() == "unexpected error"]
    assert record.correlation_id == match.group(1) and record.exc_info  # type: ignore[attr-defined]
    assert "RuntimeError" not in post["text"]


def test_with_redis_down_questions_are_answered_and_settings_say_why_they_failed(
    make_harness: Callable[..., Harness],
) -> None:
    down = connect(RedisSettings(url=SecretStr("redis://127.0.0.1:1/15")))  # as serve connects, to nothing
    harness = make_harness(client=down)
    harness.event(sr.app_mention("<@U0BOT> Nova Pro 가격"))
    [post] = posts(harness)
    assert "Nova Pro" in blocks_text(post["blocks"])
    harness.command("model nova-pro")
    [reply] = [c.params for c in harness.drain() if c.method == "response_url"]
    assert "did not answer" in reply["text"] and reply["response_type"] == "ephemeral"
    harness.event(sr.app_home_opened())
    assert [c for c in harness.drain() if c.method == "views.publish"]  # home still opens, on the defaults


def test_bad_signatures_and_stale_requests_are_refused(harness: Harness) -> None:
    body = sr.event_body(sr.app_mention("<@U0BOT> Nova Pro 가격"))
    assert harness.send(body, secret="not-the-secret").status == 401
    raw, headers = sr.signed(SECRET, body, timestamp=1_600_000_000)  # years old: a replay
    assert harness.app.dispatch(BoltRequest(body=raw, headers={k: [v] for k, v in headers.items()})).status == 401
    assert posts(harness) == []


def test_url_verification_echoes_the_challenge(harness: Harness) -> None:
    response = harness.send(sr.url_verification_body("abc123"))
    assert response.status == 200 and "abc123" in response.body
