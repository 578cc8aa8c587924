"""The boto3 clients a refresh uses: standard clients, the SDK's credential chain and endpoint variables.

`AWS_ENDPOINT_URL_PRICING` / `AWS_ENDPOINT_URL_BEDROCK` (boto3's own per-service endpoint settings) point them
at a stand-in; retries and throttling are botocore's retry modes (`standard` by default, BRA_REFRESH_RETRY_MODE).
Under pytest (or with BRA_REFRESH_OFFLINE=true) a client whose endpoint is not on 127.0.0.1/localhost is refused,
so a test can never reach AWS.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

from bot.errors import ConfigError

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def offline_required(offline: bool = False) -> bool:
    """True under pytest (always) or when asked (BRA_REFRESH_OFFLINE): only local endpoints are allowed."""
    return offline or "PYTEST_CURRENT_TEST" in os.environ


def client(
    service: str,
    region: str,
    *,
    retry_mode: str,
    max_attempts: int,
    session: boto3.session.Session | None = None,
    offline: bool = False,
) -> Any:
    """A boto3 client for `pricing` or `bedrock` in `region`, refused when offline is required and the SDK
    resolved a non-local endpoint. Clients made from one `session` share its loaded service models."""
    config = Config(
        retries={"mode": retry_mode, "max_attempts": max_attempts},
        connect_timeout=10,
        read_timeout=60,
        user_agent_extra="bedrock-assistant-catalog-refresh",
    )
    made = (session or boto3.session.Session()).client(service, region_name=region, config=config)
    host = urlsplit(made.meta.endpoint_url).hostname or ""
    if offline_required(offline) and host not in LOCAL_HOSTS:
        variable = f"AWS_ENDPOINT_URL_{service.upper()}"
        raise ConfigError([
            f"{variable}: the refresh runs offline here (tests, BRA_REFRESH_OFFLINE) and refuses "
            f"{made.meta.endpoint_url}; set {variable} to the local stand-in (bot.aws_local.LocalAws)"
        ])
    return made
