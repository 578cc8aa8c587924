"""The sweeper's Slack side (`handlers.recover`) against the local Slack mock and real Redis: an abandoned
update-mode answer whose process died while posting its message is finished on that message, found by its post
marker; one that never got a message gets one; each is finished once and forgotten."""

from __future__ import annotations

import redis

from bot.chat.present import interrupted_mark
from bot.store import keys
from bot.store.journal import Entry
from handlers.post import post_once
from handlers.recover import sweep
from tests.slack.harness import Harness, blocks_text
from tests.support.slack_mock import SlackMock

THREAD = "1690003000.000100"


def abandon(harness: Harness, redis_client: redis.Redis, **fields: object) -> None:
    values: dict[str, object] = {
        "id": "s1", "team": "T0001", "channel": "C123", "thread_ts": THREAD, "user": "U123", "lang": "ko",
        "feature": "chat", "question": "질문", "mode": "update", "page": "부분 답변입니다", "text": "부분 답변입니다",
        "model": "nova-pro", "prompt_tokens": 100,
    }  # fmt: skip
    values.update(fields)
    assert harness.services.journal is not None
    harness.services.journal.write(Entry(**values))  # type: ignore[arg-type]
    redis_client.zadd(keys.STREAM_LIVE, {"s1": 0})  # its writer died a while ago


def test_an_answer_killed_while_posting_is_finished_on_the_message_it_posted(
    harness: Harness, slack: SlackMock, redis_client: redis.Redis
) -> None:
    client = harness.app.client
    ts = post_once(client, channel="C123", thread_ts=THREAD, ctx={}, marker="m-1", text="⏳ 답변을 작성하고 있어요…")
    abandon(harness, redis_client, ts="", marker="m-1")

    assert sweep(harness.services, client) == 1
    [update] = slack.calls_to("chat.update")
    assert update.params["ts"] == ts
    text = blocks_text(update.json_param("blocks"))
    assert "부분 답변입니다" in text and interrupted_mark("ko") in text
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert sweep(harness.services, client) == 0 and not redis_client.keys("bra:stream:*")


def test_an_answer_that_never_got_a_message_gets_one_marked(
    harness: Harness, slack: SlackMock, redis_client: redis.Redis
) -> None:
    abandon(harness, redis_client, ts="", marker="m-never-posted")

    assert sweep(harness.services, harness.app.client) == 1
    [posted] = slack.calls_to("chat.postMessage")
    assert posted.params["thread_ts"] == THREAD
    assert interrupted_mark("ko") in blocks_text(posted.json_param("blocks"))
    assert slack.calls_to("chat.update") == []
