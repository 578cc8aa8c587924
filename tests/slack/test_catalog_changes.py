"""The daily catalog change report as serve runs it: `start_catalog_changes` with BRA_REFRESH_CHANNEL set, the
refresh reading the AWS stand-in through boto3, the real publisher posting to the local Slack mock; a second
replica finds the day done."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import redis

from bot.aws_local import AwsData, LocalAws
from bot.serve import start_catalog_changes
from bot.settings import Settings
from bot.store import keys
from tests.slack.harness import Harness, blocks_text
from tests.support.aws_env import FIXTURE, offline_env
from tests.support.slack_mock import SlackMock

CHANNEL = "C0CATALOG"


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    with LocalAws(AwsData.from_dir(FIXTURE)) as aws:
        offline_env(monkeypatch, aws.url)
        for name, value in {"BRA_REFRESH_CHANNEL": CHANNEL, "BRA_REFRESH_REGIONS": "us-east-1,ap-northeast-2",
                            "BRA_REFRESH_TIME": "00:00", "BRA_REFRESH_CHECK_S": "3600",
                            "BRA_REFRESH_LANGUAGE": "ko"}.items():
            monkeypatch.setenv(name, value)
        yield Settings.load()


def test_serve_posts_todays_catalog_changes_once_across_replicas(
    harness: Harness, slack: SlackMock, settings: Settings, redis_client: redis.Redis
) -> None:
    harness.drain()
    slack.reset()
    scheduler = start_catalog_changes(settings, harness.services, harness.app)
    assert scheduler is not None
    try:
        [call] = slack.wait_for("chat.postMessage")
    finally:
        scheduler.stop()
    assert call.params["channel"] == CHANNEL
    # the counts depend on the catalog serve loaded (tests/catalog/refresh checks them on the curated catalog)
    assert re.match(r"오늘의 카탈로그 변경: .*가격 변경 \d+건", call.params["text"]), call.params["text"]
    text = blocks_text(call.json_param("blocks"))
    assert "claude-3-haiku ap-northeast-2 on_demand input: 0.00025 → 0.0003" in text
    assert "USE1-Mystery-Widget" in text
    second = start_catalog_changes(settings, harness.services, harness.app)  # another replica starting
    assert second is not None
    second.stop()
    outcome = second.tick()
    assert outcome is not None and outcome.status == "already_done"
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert outcome.ts == redis_client.get(keys.catalog_changes_done(CHANNEL, outcome.day.isoformat()))
    assert outcome.ts not in (None, "-")


def test_no_channel_no_report(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRA_REFRESH_CHANNEL", raising=False)
    assert start_catalog_changes(Settings.load(), harness.services, harness.app) is None
