"""Shared fixtures: a real Redis for anything stored (never mocked; see DESIGN §4)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
import redis

from bot.bedrock_local import LocalBedrock

DEFAULT_TEST_REDIS_URL = "redis://localhost:6379/15"
TEST_REDIS_ENV = "TEST_REDIS_URL"  # the tests' own variable: REDIS_URL is the app's, and the tests flush theirs


@pytest.fixture(scope="session")
def redis_url() -> str:
    """TEST_REDIS_URL, or a dedicated DB (15) on the local default port. Tests flush it, so it must be neither
    DB 0 (the app's default) nor the database the app is configured with (REDIS_URL)."""
    url = os.environ.get(TEST_REDIS_ENV) or DEFAULT_TEST_REDIS_URL
    app_url = os.environ.get("REDIS_URL")
    if app_url and _same_database(url, app_url):
        pytest.fail(
            f"{TEST_REDIS_ENV} and REDIS_URL name the same database; the tests flush theirs, so give them "
            "another one (default redis://localhost:6379/15) and leave the app's data alone",
            pytrace=False,
        )
    return url


def _same_database(a: str, b: str) -> bool:
    def where(url: str) -> tuple[object, ...]:
        kwargs = redis.connection.parse_url(url)
        return (kwargs.get("host", "localhost"), kwargs.get("port", 6379), kwargs.get("path"), int(kwargs.get("db", 0)))

    return where(a) == where(b)


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    """A client (str replies, `decode_responses=True`) on an empty database, flushed again afterwards.

    Fails when Redis does not answer, so a missing server cannot pass as green; BRA_ALLOW_NO_REDIS=1 turns
    that into a skip for a quick local run.
    """
    client = redis.Redis.from_url(
        redis_url, decode_responses=True, socket_connect_timeout=2, socket_timeout=5
    )
    shown = re.sub(r"(://[^/@]*:)[^@/]*@", r"\1***@", redis_url)  # never print a password
    db = client.connection_pool.connection_kwargs.get("db", 0)
    if int(db) == 0:
        client.close()
        pytest.fail(
            f"{TEST_REDIS_ENV} points at DB 0 ({shown}), the app's default; the tests flush their database, "
            "so give them a dedicated one, e.g. redis://localhost:6379/15",
            pytrace=False,
        )
    problem = None
    try:
        client.ping()
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        problem = str(exc)
    if problem is not None:  # reported outside the except block, so pytest shows only the message
        client.close()
        message = (
            f"Redis at {shown} did not answer ({problem}). Start one "
            "(`redis-server --port 6379 --save '' --appendonly no --daemonize yes`), set TEST_REDIS_URL to a "
            "server that answers, or run `bash .ci/run`, which starts one. "
            "Set BRA_ALLOW_NO_REDIS=1 to skip the Redis tests instead."
        )
        if os.environ.get("BRA_ALLOW_NO_REDIS") == "1":
            pytest.skip(message)
        pytest.fail(message, pytrace=False)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


@pytest.fixture(scope="session")
def local_bedrock_server() -> Iterator[LocalBedrock]:
    """The local Bedrock endpoint (DESIGN §4) on 127.0.0.1, one per session."""
    with LocalBedrock() as server:
        yield server


@pytest.fixture
def local_bedrock(local_bedrock_server: LocalBedrock) -> Iterator[LocalBedrock]:
    """The endpoint with no scripts, faults or recorded requests left from another test."""
    local_bedrock_server.reset()
    yield local_bedrock_server
    local_bedrock_server.reset()
