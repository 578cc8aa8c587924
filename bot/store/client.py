"""Connecting to Redis: one client per process, short timeouts, and a start-up check with a clear message."""

from __future__ import annotations

import redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry

from bot.errors import StartupError
from bot.settings import RedisSettings

# De-duplication runs before the ack, and Slack wants the ack within 3 s: a Redis that is down or slow must cost
# at most about a second, so timeouts are short and retries few (redis-py's default is 3 retries, 1-10 s apart).
CONNECT_TIMEOUT_S = 0.5
COMMAND_TIMEOUT_S = 1.0
RETRIES = 1


def connect(settings: RedisSettings) -> redis.Redis:
    """A thread-safe client (str replies) with a connection pool; does not touch the network yet."""
    return redis.Redis.from_url(
        settings.url.get_secret_value(),
        decode_responses=True,
        socket_connect_timeout=CONNECT_TIMEOUT_S,
        socket_timeout=COMMAND_TIMEOUT_S,
        health_check_interval=30,
        retry=Retry(ExponentialWithJitterBackoff(base=0.01, cap=0.1), RETRIES),
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
