"""Chat services on the real stack: boto3 + langchain-aws against the local Bedrock endpoint, real Redis."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml
from pydantic import SecretStr

from bot.bedrock_local import LocalBedrock
from bot.caller import Caller
from bot.services import Services, build_services
from bot.settings import (
    AssistantSettings,
    AwsSettings,
    ChatSettings,
    GuardSettings,
    RedisSettings,
    Settings,
    UsageSettings,
)

CALLER = Caller(team="T1", user="U1", channel="C1", thread_ts="1700000000.000100")


def chat_settings(
    url: str,
    redis_url: str,
    access_file: Path,
    guard: GuardSettings | None = None,
    usage: UsageSettings | None = None,
    **chat: Any,
) -> Settings:
    return Settings(
        guard=guard or GuardSettings(),
        usage=usage or UsageSettings(),
        aws=AwsSettings(bedrock_endpoint_url=url, region="us-east-1"),
        redis=RedisSettings(url=SecretStr(redis_url)),
        assistant=AssistantSettings(access_file=access_file),
        chat=ChatSettings(**{"retry_base_s": 0.0, "retry_max_s": 0.0, **chat}),
    )


@pytest.fixture
def make_services(
    local_bedrock: LocalBedrock, redis_client: redis.Redis, redis_url: str, tmp_path: Path
) -> Callable[..., Services]:
    """Services wired as serve wires them; `access` is the policy, `guard` and `usage` settings groups, keywords
    override chat settings."""

    def make(
        access: dict[str, Any] | None = None,
        client: redis.Redis | None = None,
        guard: GuardSettings | None = None,
        usage: UsageSettings | None = None,
        **chat: Any,
    ) -> Services:
        access_file = tmp_path / "access.yaml"
        access_file.write_text(yaml.safe_dump(access or {}), encoding="utf-8")
        settings = chat_settings(local_bedrock.url, redis_url, access_file, guard, usage, **chat)
        return build_services(settings, client or redis_client)

    return make


@pytest.fixture
def services(make_services: Callable[..., Services]) -> Services:
    return make_services()
