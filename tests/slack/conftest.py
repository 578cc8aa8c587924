"""Fixtures for the Slack scenarios: the mock, and a harness factory on the test Redis."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.bedrock_local import LocalBedrock
from bot.settings import GuardSettings, UsageSettings
from tests.slack.harness import Harness, build_harness
from tests.support.slack_mock import SlackMock


@pytest.fixture
def slack() -> Iterator[SlackMock]:
    with SlackMock() as mock:
        yield mock


@pytest.fixture
def make_harness(
    slack: SlackMock, redis_client: redis.Redis, redis_url: str, tmp_path: Path, local_bedrock: LocalBedrock
) -> Iterator[Callable[..., Harness]]:
    """Harnesses on the test Redis and the local Bedrock endpoint; keywords override chat settings."""
    made: list[Harness] = []

    def make(
        access: dict[str, Any] | None = None,
        client: redis.Redis | None = None,
        guard: GuardSettings | None = None,
        usage: UsageSettings | None = None,
        **chat: Any,
    ) -> Harness:
        harness = build_harness(
            slack, redis_url, tmp_path, access, client, bedrock_url=local_bedrock.url, guard=guard, usage=usage, **chat
        )
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.executor.shutdown(wait=True)


@pytest.fixture
def harness(make_harness: Callable[..., Harness]) -> Harness:
    return make_harness()
