"""The per-user rate limit on real Redis, shared by two limiter instances (two replicas, two connections)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis

from bot.store import keys
from bot.store.rate import RateLimiter


@pytest.fixture
def other_client(redis_url: str, redis_client: redis.Redis) -> Iterator[redis.Redis]:
    """A second connection to the same database, as another replica would have."""
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


def test_two_replicas_share_one_window_and_a_refusal_records_nothing(
    redis_client: redis.Redis, other_client: redis.Redis
) -> None:
    a = RateLimiter(redis_client, limit=3, window_s=60)
    b = RateLimiter(other_client, limit=3, window_s=60)
    assert a.take(team="T1", user="U1").allowed
    assert b.take(team="T1", user="U1", calls=2).allowed
    refused = a.take(team="T1", user="U1")
    assert not refused.allowed and 0 < refused.retry_after_s <= 60
    assert not b.take(team="T1", user="U1").allowed
    assert redis_client.zcard(keys.rate_calls("T1", "U1")) == 3  # refusals left no trace
    assert 0 < redis_client.pttl(keys.rate_calls("T1", "U1")) <= 60_000  # an idle user's key goes away
    assert b.take(team="T1", user="U2").allowed  # per user
    assert b.take(team="T2", user="U1").allowed  # per workspace


def test_a_request_of_several_calls_waits_for_room_for_all_of_them(redis_client: redis.Redis) -> None:
    limiter = RateLimiter(redis_client, limit=4, window_s=60)
    assert limiter.take(team="T1", user="U1", calls=3).allowed
    assert not limiter.take(team="T1", user="U1", calls=2).allowed  # 3 + 2 > 4: nothing recorded
    assert limiter.take(team="T1", user="U1", calls=1).allowed  # 3 + 1 = 4
    too_big = RateLimiter(redis_client, limit=2, window_s=60).take(team="T1", user="U9", calls=3)
    assert not too_big.allowed and too_big.retry_after_s == 60  # more than the whole limit: never


def test_calls_leave_the_window_and_room_comes_back(redis_client: redis.Redis) -> None:
    limiter = RateLimiter(redis_client, limit=1, window_s=1)
    assert limiter.take(team="T1", user="U1").allowed
    refused = limiter.take(team="T1", user="U1")
    assert not refused.allowed
    time.sleep(refused.retry_after_s + 0.05)  # wait as long as the limiter said, then it must let the call in
    assert limiter.take(team="T1", user="U1").allowed


def test_a_limit_of_zero_is_off_and_redis_down_lets_calls_through() -> None:
    dead = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2, socket_timeout=0.2)
    assert RateLimiter(dead, limit=0, window_s=60).take(team="T1", user="U1").allowed
    assert RateLimiter(dead, limit=5, window_s=60).take(team="T1", user="U1").allowed
