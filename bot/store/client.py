"""Connecting to Redis: one client per process, short timeouts, and a start-up check with a clear message."""

from __future__ import annotations

import redis

from bot.errors import StartupError
from bot.settings import RedisSettings

CONNECT_TIMEOUT_S = 2.0
COMMAND_TIMEOUT_S = 2.0  # a slow Redis must not hold a Slack ack past Slack's 3 s


def connect(settings: RedisSettings) -> redis.Redis:
    """A thread-safe client (str replies) with a connection pool; does not touch the network yet."""
    return redis.Redis.from_url(
        settings.url.get_secret_value(),
        decode_responses=True,
        socket_connect_timeout=CONNECT_TIMEOUT_S,
        socket_timeout=COMMAND_TIMEOUT_S,
        health_check_interval=30,
        max_connections=512,
    )


def require(client: redis.Redis, settings: RedisSettings) -> None:
    """Raise `StartupError` naming REDIS_URL (password hidden) unless Redis answers PING."""
    try:
        client.ping()
    except redis.RedisError as exc:
        raise StartupError(
            f"Redis at {settings.redacted_url()} did not answer ({exc}). Start Redis or set REDIS_URL to one "
            "that answers; serve keeps conversation memory, de-duplication and preferences there."
        ) from None


def answers(client: redis.Redis) -> bool:
    """Whether Redis answers PING now (readiness checks)."""
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
