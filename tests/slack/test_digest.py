"""The daily digest posted to Slack: real services on the test Redis (usage recorded by a real `/bedrock try`
through the Bolt app and the local Bedrock endpoint), the real digest and chart, and the real publisher (a
slack_sdk `WebClient` against the local Slack mock): the message, then its chart uploaded into its thread."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
import redis
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.digest.assemble import make_job
from bot.digest.job import DigestJob
from bot.qa.format import spend
from bot.services import Services, build_services
from bot.settings import UsageSettings
from bot.store import keys
from bot.usage.event import to_usd
from handlers.digest import slack_publisher
from tests.slack.harness import BOT_TOKEN, Harness, blocks_text
from tests.support.slack_mock import Call, SlackMock

CHANNEL = "C0DIGEST"
EMPTY_DAY = date(2024, 11, 9)  # long before any event these tests record
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def digest_job(services: Services, slack: SlackMock) -> DigestJob:
    client = WebClient(base_url=slack.base_url, token=BOT_TOKEN, timeout=10)
    return make_job(services, slack_publisher(client, services.engine.catalog))


def try_once(harness: Harness) -> dict[str, str]:
    """One `/bedrock try` turn through the Bolt app; the usage event it recorded (the mock's calls forgotten)."""
    response = harness.command("try nova-pro 한 줄로 자기소개 해줘")
    assert response.status == 200
    harness.drain()
    assert harness.services.ledger is not None
    [event] = harness.services.ledger.events()
    harness.slack.reset()
    return event


def local_day(services: Services, event: dict[str, str]) -> date:
    """The ledger's local day of a raw event (so the test does not depend on when it runs)."""
    assert services.ledger is not None
    return datetime.fromisoformat(event["at"]).astimezone(services.ledger.tz).date()


@pytest.fixture
def services(harness: Harness, slack: SlackMock) -> Services:
    """The harness's real services, with the mock's start-up calls (auth.test) forgotten."""
    harness.drain()
    slack.reset()
    return harness.services


def digest_calls(slack: SlackMock) -> dict[str, list[Call]]:
    methods = ("chat.postMessage", "files.getUploadURLExternal", "upload", "files.completeUploadExternal")
    return {m: slack.calls_to(m) for m in methods}


def marks(client: redis.Redis, day: date) -> tuple[str | None, int]:
    """(DIGEST_DONE's value, whether DIGEST_LOCK exists) for the day in CHANNEL (the client decodes replies)."""
    done = client.get(keys.digest_done(CHANNEL, day.isoformat()))
    locked = int(client.exists(keys.digest_lock(CHANNEL, day.isoformat())))
    return (None if done is None else str(done)), locked


def test_a_days_usage_is_posted_as_one_message_with_its_chart_in_the_thread(
    harness: Harness, slack: SlackMock, redis_client: redis.Redis
) -> None:
    event = try_once(harness)
    assert (event["feature"], event["model"], event["user"], event["channel"]) == ("try", "nova-pro", "U123", "C123")
    day = local_day(harness.services, event)
    cost = to_usd(int(event["cost_nusd"]))
    assert cost > 0

    outcome = digest_job(harness.services, slack).run(day, CHANNEL)

    assert outcome.status == "posted"
    assert outcome.digest is not None and outcome.digest.total.requests == 1
    assert outcome.digest.total.cost_nusd == int(event["cost_nusd"])
    calls = digest_calls(slack)
    [post] = calls["chat.postMessage"]
    assert post.params["channel"] == CHANNEL and "thread_ts" not in post.params
    assert post.token == BOT_TOKEN
    assert post.params["text"] == f"Bedrock 비용 다이제스트 {day.isoformat()}: {spend(cost)} (추정), 요청 1건"
    blocks = post.json_param("blocks")
    assert blocks[0]["type"] == "header" and day.isoformat() in blocks[0]["text"]["text"]
    body = blocks_text(blocks)
    assert f"총 비용(추정) {spend(cost)}" in body and "요청 1건" in body
    assert "<@U123>" in body and "<#C123>" in body  # top user and channel, as mentions
    assert "Amazon Nova Pro" in body  # the by-model table names the catalog model
    ts = str(outcome.ts)
    assert ts and marks(redis_client, day) == (ts, 0)

    [url] = calls["files.getUploadURLExternal"]
    assert url.params["filename"] == f"bedrock-cost-{day.isoformat()}.png"
    assert int(url.params["length"]) == len(outcome.chart or b"")
    [upload] = calls["upload"]
    assert upload.body.startswith(PNG_SIGNATURE) and upload.body == outcome.chart
    [complete] = calls["files.completeUploadExternal"]
    assert complete.params["channel_id"] == CHANNEL and complete.params["thread_ts"] == ts
    [file] = complete.json_param("files")
    assert file["id"] == upload.params["file_id"]
    assert file["title"] == f"모델별 추정 비용 (최근 14일, {day.isoformat()}까지)"
    order = [c.method for c in slack.calls]
    assert order == ["chat.postMessage", "files.getUploadURLExternal", "upload", "files.completeUploadExternal"]


def test_the_same_day_is_not_posted_twice(services: Services, slack: SlackMock) -> None:
    job = digest_job(services, slack)
    first = job.run(EMPTY_DAY, CHANNEL)
    second = job.run(EMPTY_DAY, CHANNEL)
    assert (first.status, second.status) == ("posted", "already_posted")
    assert second.ts == first.ts
    assert len(slack.calls_to("chat.postMessage")) == 1 and len(slack.calls_to("upload")) == 1


def test_a_day_without_usage_says_so(services: Services, slack: SlackMock) -> None:
    assert services.settings.usage.digest_language == "ko"
    outcome = digest_job(services, slack).run(EMPTY_DAY, CHANNEL)
    assert outcome.status == "posted"
    [post] = slack.calls_to("chat.postMessage")
    assert post.params["text"] == "Bedrock 비용 다이제스트 2024-11-09: 사용량 없음"
    body = blocks_text(post.json_param("blocks"))
    assert "2024-11-09에는 사용량이 없습니다" in body
    assert "$" not in post.params["text"]
    [upload] = slack.calls_to("upload")  # the 14-day chart is posted even for an empty day
    assert upload.body.startswith(PNG_SIGNATURE)


def test_the_digest_language_setting_gives_an_english_digest(
    services: Services, slack: SlackMock, redis_client: redis.Redis
) -> None:
    usage = UsageSettings(digest_language="en")
    settings = services.settings.model_copy(update={"usage": usage})
    outcome = digest_job(build_services(settings, redis_client), slack).run(EMPTY_DAY, CHANNEL)
    assert outcome.status == "posted"
    [post] = slack.calls_to("chat.postMessage")
    assert post.params["text"] == "Bedrock cost digest 2024-11-09: no usage"
    blocks = post.json_param("blocks")
    assert blocks[0]["text"]["text"] == "Bedrock cost digest · 2024-11-09"
    assert "No usage on 2024-11-09." in blocks_text(blocks)
    [complete] = slack.calls_to("files.completeUploadExternal")
    assert complete.json_param("files")[0]["title"] == "Estimated cost by model (14 days to 2024-11-09)"


FAILED_CHART_STEPS: list[tuple[str, dict[str, Any]]] = [
    ("files.getUploadURLExternal", {"body": {"ok": False, "error": "internal_error"}}),
    ("files.completeUploadExternal", {"body": {"ok": False, "error": "internal_error"}}),
    ("upload", {"status": 500, "body": "upstream error"}),
]
UNREACHABLE_UPLOAD = {"ok": True, "upload_url": "http://127.0.0.1:1/upload/F9999", "file_id": "F9999"}


@pytest.mark.parametrize(("method", "response"), FAILED_CHART_STEPS, ids=[m for m, _ in FAILED_CHART_STEPS])
def test_a_failed_chart_upload_still_counts_as_posted_and_is_not_posted_again(
    services: Services, slack: SlackMock, redis_client: redis.Redis, method: str, response: dict[str, Any]
) -> None:
    """The message is out: posting it again would break "once a day", so the chart's failure is only logged."""
    slack.queue_response(method, **response)
    job = digest_job(services, slack)
    outcome = job.run(EMPTY_DAY, CHANNEL)
    assert outcome.status == "posted"
    [post] = slack.calls_to("chat.postMessage")
    assert post.params["channel"] == CHANNEL
    assert marks(redis_client, EMPTY_DAY) == (outcome.ts, 0)
    again = job.run(EMPTY_DAY, CHANNEL)
    assert (again.status, again.ts) == ("already_posted", outcome.ts)
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_an_unreachable_upload_url_still_counts_as_posted(
    services: Services, slack: SlackMock, redis_client: redis.Redis
) -> None:
    """The upload URL refuses connections (a network error, not a Slack API error): the message is out, once."""
    slack.set_response("files.getUploadURLExternal", UNREACHABLE_UPLOAD)
    job = digest_job(services, slack)
    outcome = job.run(EMPTY_DAY, CHANNEL)
    assert outcome.status == "posted"
    assert slack.calls_to("files.completeUploadExternal") == []
    assert marks(redis_client, EMPTY_DAY) == (outcome.ts, 0)
    assert job.run(EMPTY_DAY, CHANNEL).status == "already_posted"
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_a_failed_message_raises_and_marks_nothing_so_a_later_run_posts(
    services: Services, slack: SlackMock, redis_client: redis.Redis
) -> None:
    slack.queue_response("chat.postMessage", body={"ok": False, "error": "channel_not_found"})
    job = digest_job(services, slack)
    with pytest.raises(SlackApiError) as caught:
        job.run(EMPTY_DAY, CHANNEL)
    assert caught.value.response["error"] == "channel_not_found"
    assert marks(redis_client, EMPTY_DAY) == (None, 0)
    assert [c.method for c in slack.calls] == ["chat.postMessage"]  # no chart for a message that is not there

    later = job.run(EMPTY_DAY, CHANNEL)
    assert later.status == "posted"
    assert len(slack.calls_to("chat.postMessage")) == 2 and len(slack.calls_to("upload")) == 1
    assert marks(redis_client, EMPTY_DAY) == (later.ts, 0)


def test_two_replicas_with_their_own_services_post_once(
    make_harness: Callable[..., Harness], slack: SlackMock, redis_client: redis.Redis
) -> None:
    """Two replicas (each its own services and Redis connections) run the same day one after the other."""
    first, second = make_harness(), make_harness()
    assert first.services.redis is not second.services.redis
    outcomes = [digest_job(h.services, slack).run(EMPTY_DAY, CHANNEL) for h in (first, second)]
    assert [o.status for o in outcomes] == ["posted", "already_posted"]
    assert outcomes[1].ts == outcomes[0].ts
    assert len(slack.calls_to("chat.postMessage")) == 1
