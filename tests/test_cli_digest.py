"""`bedrock-assistant digest` as an operator runs it: settings from the environment, the test Redis, the local
Slack mock; exit codes and what is printed. Runs `bot.cli.main` in process (the environment set per test)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis

from bot.cli import main
from bot.settings import _aliases, env_names, groups_of
from bot.store import keys
from bot.usage.event import UsageEvent
from bot.usage.ledger import Ledger
from tests.support.slack_mock import SlackMock

DAY = date(2024, 11, 9)
SEOUL = ZoneInfo("Asia/Seoul")
CHANNEL = "C0DIGEST"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def our_env_names() -> set[str]:
    names: set[str] = set()
    for group in groups_of().values():
        names.update(env_names(group).values())
        for field in group.model_fields.values():
            names.update(a.upper() for a in _aliases(field))
    return names


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, redis_url: str) -> Iterator[None]:
    """None of our settings from the outer environment; the test Redis; nothing that could leave 127.0.0.1."""
    for name in our_env_names():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("BEDROCK_ENDPOINT_URL", "http://127.0.0.1:1/")  # the digest never calls Bedrock
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers  # the command configures logging for its process: give pytest its handlers back
    root.setLevel(level)


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackMock]:
    with SlackMock() as mock:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
        monkeypatch.setenv("SLACK_API_URL", mock.base_url)
        yield mock


def record_day(client: redis.Redis) -> None:
    """Two calls on DAY (Seoul), $1.23 each."""
    ledger = Ledger(client, tz=SEOUL, retention_days=400, max_events=1000, buffer_max=10)
    for hour, user in ((10, "U111"), (15, "U222")):
        event = UsageEvent(
            team="T0001",
            channel="C123",
            user=user,
            feature="chat",
            model="nova-pro",
            region="us-east-1",
            profile="amazon.nova-pro-v1:0",
            input_tokens=1000,
            output_tokens=500,
            latency_ms=1200,
            cost_nusd=1_230_000_000,
            at=datetime(2024, 11, 9, hour, 0, tzinfo=SEOUL),
        )
        assert ledger.record(event) is True


def digest_keys(client: redis.Redis) -> list[str]:
    return sorted(str(k) for k in client.keys(keys.PREFIX + ":digest:*"))


def test_dry_run_prints_the_digest_and_writes_the_chart(
    redis_client: redis.Redis, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record_day(redis_client)
    chart = tmp_path / "c.png"
    status = main(["digest", "--dry-run", "--date", DAY.isoformat(), "--chart", str(chart)])
    out = capsys.readouterr().out
    assert status == 0
    assert "Bedrock 비용 다이제스트 · 2024-11-09" in out
    assert "총 비용(추정) $2.46" in out and "요청 2건" in out
    assert "dry run" in out and str(chart) in out
    png = chart.read_bytes()
    assert png.startswith(PNG_SIGNATURE)
    assert f"({len(png):,} bytes)" in out
    assert digest_keys(redis_client) == []  # nothing posted, nothing marked


def test_without_a_channel_the_command_names_the_setting_and_exits_78(
    redis_client: redis.Redis, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["digest", "--date", DAY.isoformat()])
    err = capsys.readouterr().err
    assert status == 78
    assert "BRA_DIGEST_CHANNEL" in err and "--channel" in err
    assert "SLACK_BOT_TOKEN" in err  # not set either: both problems at once
    assert digest_keys(redis_client) == []


def test_a_channel_without_the_bot_token_exits_78(
    redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BRA_DIGEST_CHANNEL", CHANNEL)
    status = main(["digest", "--date", DAY.isoformat()])
    err = capsys.readouterr().err
    assert status == 78
    assert "SLACK_BOT_TOKEN" in err and "BRA_DIGEST_CHANNEL" not in err


def test_posting_twice_posts_once(
    redis_client: redis.Redis, slack: SlackMock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    record_day(redis_client)
    monkeypatch.setenv("BRA_DIGEST_CHANNEL", CHANNEL)

    assert main(["digest", "--date", DAY.isoformat()]) == 0
    first = capsys.readouterr().out
    [post] = slack.calls_to("chat.postMessage")
    ts = redis_client.get(keys.digest_done(CHANNEL, DAY.isoformat()))
    assert isinstance(ts, str) and ts
    assert f"digest for 2024-11-09 posted to {CHANNEL} (ts {ts})" in first
    assert post.params["channel"] == CHANNEL and post.token == "xoxb-test-token"
    assert post.params["text"] == "Bedrock 비용 다이제스트 2024-11-09: $2.46 (추정), 요청 2건"
    [upload] = slack.calls_to("upload")
    assert upload.body.startswith(PNG_SIGNATURE)
    [complete] = slack.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == CHANNEL and complete.params["thread_ts"] == ts

    calls = len(slack.calls)
    assert main(["digest", "--date", DAY.isoformat(), "--channel", CHANNEL]) == 0
    second = capsys.readouterr().out
    assert "already posted" in second and f"(ts {ts})" in second and "nothing done" in second
    assert len(slack.calls) == calls  # not a single call to Slack
    assert redis_client.exists(keys.digest_lock(CHANNEL, DAY.isoformat())) == 0


def test_while_another_replica_holds_the_lock_the_command_exits_75(
    redis_client: redis.Redis, slack: SlackMock, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = keys.digest_lock(CHANNEL, DAY.isoformat())
    redis_client.set(lock, "other-replica", px=60_000)
    status = main(["digest", "--date", DAY.isoformat(), "--channel", CHANNEL])
    assert status == 75
    assert "another replica is posting" in capsys.readouterr().out
    assert slack.calls_to("chat.postMessage") == []
    assert redis_client.get(lock) == "other-replica"
