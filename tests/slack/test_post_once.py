"""A chat.postMessage slower than the client's timeout (the local Slack mock holds it): the real Bolt app must not
post the message twice nor apologise for an answer that went through. Also: the client does not blindly retry a
post whose connection dropped after sending, and posts again (once) only when the message is really not there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from slack_sdk import WebClient
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.state import RetryState

from bot.bedrock_local import LocalBedrock
from bot.services import build_services
from bot.slack_app import SafeConnectionRetry, create_app, web_client
from handlers.post import post_once
from tests.slack.harness import Harness, TrackingExecutor, settings_for
from tests.support import slack_requests as sr
from tests.support.slack_mock import SlackMock

TIMEOUT_S = 1
SLOW_S = 2.5  # Slack answers (and posts) after the client gave up
APOLOGY = ("죄송합니다", "Sorry, something went wrong")


@pytest.fixture
def slow_harness(
    slack: SlackMock, redis_client: redis.Redis, redis_url: str, tmp_path: Path, local_bedrock: LocalBedrock
) -> Callable[..., Harness]:
    made: list[Harness] = []

    def make(**chat: object) -> Harness:
        access = tmp_path / "access.yaml"
        access.write_text("{}", encoding="utf-8")
        settings = settings_for(slack, redis_url, access, local_bedrock.url, **chat)
        slack_settings = settings.slack.model_copy(update={"timeout_s": TIMEOUT_S, "post_confirm_s": 10.0})
        settings = settings.model_copy(update={"slack": slack_settings})
        services = build_services(settings)
        executor = TrackingExecutor()
        app = create_app(services, web_client(settings.slack), executor=executor)
        harness = Harness(app, services, slack, executor)
        made.append(harness)
        return harness

    yield make  # type: ignore[misc]
    for harness in made:
        harness.executor.shutdown(wait=True)


def in_thread(slack: SlackMock, thread: str) -> list[dict[str, object]]:
    return [m for m in slack.messages if m.get("thread_ts") == thread]


def test_a_slow_answer_post_is_found_not_repeated_and_not_apologised_for(
    slow_harness: Callable[..., Harness], slack: SlackMock
) -> None:
    harness = slow_harness()
    slack.delay("chat.postMessage", SLOW_S)
    harness.event(sr.app_mention("<@U0BOT> Nova Pro 가격", ts="1690000002.000100"))
    calls = harness.drain()

    [answer] = in_thread(slack, "1690000002.000100")
    assert "Nova Pro" in str(answer["text"])
    assert len([c for c in calls if c.method == "chat.postMessage"]) == 1
    assert not any(a in str(m["text"]) for m in slack.messages for a in APOLOGY)
    assert any(c.method == "conversations.replies" for c in calls)  # it looked before deciding


def test_a_slow_placeholder_of_a_streamed_answer_is_posted_once_and_updated(
    slow_harness: Callable[..., Harness], slack: SlackMock
) -> None:
    harness = slow_harness(stream_mode="update")
    slack.delay("chat.postMessage", SLOW_S)
    harness.event(sr.app_mention("<@U0BOT> RAG 파이프라인 설계할 때 주의할 점은?", ts="1690000003.000100"))
    calls = harness.drain()

    [message] = in_thread(slack, "1690000003.000100")
    assert len([c for c in calls if c.method == "chat.postMessage"]) == 1
    updates = [c for c in calls if c.method == "chat.update" and c.params.get("ts") == message["ts"]]
    assert updates and "로컬 Amazon Nova Lite" in str(updates[-1].params.get("text"))
    assert not any(a in str(m["text"]) for m in slack.messages for a in APOLOGY)


def test_a_post_that_timed_out_and_never_appeared_is_posted_again_once(slack: SlackMock) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.base_url, timeout=TIMEOUT_S)
    client.post_confirm_s = 0.0  # type: ignore[attr-defined]
    slack.queue_response("chat.postMessage", body={"ok": True, "ts": "1.1"})  # answered, but never shown
    slack.delay("chat.postMessage", SLOW_S)

    ts = post_once(client, channel="C1", thread_ts=None, ctx={}, text="hello")

    posts = slack.calls_to("chat.postMessage")
    assert len(posts) == 2 and len(slack.messages) == 1 and ts == slack.messages[0]["ts"]
    assert posts[0].json_param("metadata") == posts[1].json_param("metadata")  # the same marker both times


def test_the_client_never_retries_a_post_whose_connection_dropped_after_sending() -> None:
    from http.client import RemoteDisconnected
    from urllib.error import URLError

    handler = SafeConnectionRetry(max_retry_count=2)

    def can_retry(method: str, error: Exception) -> bool:
        request = HttpRequest(method="POST", url=f"https://slack.com/api/{method}", headers={})
        return handler.can_retry(state=RetryState(), request=request, response=None, error=error)

    assert not can_retry("chat.postMessage", RemoteDisconnected("closed"))
    assert not can_retry("chat.appendStream", ConnectionResetError())
    assert can_retry("chat.postMessage", URLError("connection refused"))  # never reached Slack
    assert can_retry("chat.update", RemoteDisconnected("closed"))  # an edit may be repeated
