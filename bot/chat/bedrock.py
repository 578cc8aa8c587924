"""The boto3 Bedrock Runtime client every model call shares (thread-safe; one connection pool per process).

botocore's own retries are off (`total_max_attempts` 1): `bot.chat.reliability` retries and falls back so that it
can tell the user which model answered. The pool is as large as the listener pool, so that many conversations
stream at once without queueing for a connection. A local endpoint (`BEDROCK_ENDPOINT_URL` on 127.0.0.1) needs no
AWS account: when no credentials exist, placeholder ones sign its requests.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import boto3
from botocore.config import Config

from bot.settings import AwsSettings, ChatSettings

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def has_credentials() -> bool:
    """Whether boto3's usual chain (env, profile, role) finds AWS credentials."""
    return boto3.Session().get_credentials() is not None


def is_local(url: str | None) -> bool:
    return url is not None and urlparse(url).hostname in LOCAL_HOSTS


def bedrock_client(aws: AwsSettings, chat: ChatSettings, *, pool: int, endpoint_url: str | None = None) -> Any:
    url = endpoint_url or aws.bedrock_endpoint_url
    config = Config(
        connect_timeout=chat.connect_timeout_s,
        read_timeout=chat.model_timeout_s,
        retries={"total_max_attempts": 1},
        max_pool_connections=max(10, pool),
        user_agent_extra="bedrock-assistant-slack",
    )
    kwargs: dict[str, Any] = {"region_name": aws.region, "config": config}
    if url:
        kwargs["endpoint_url"] = url
        if is_local(url) and not has_credentials():
            kwargs |= {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
    return boto3.client("bedrock-runtime", **kwargs)
