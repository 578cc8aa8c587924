"""Fixtures of the usage tests: a TCP proxy in front of the test Redis, to take Redis away and give it back."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from pydantic import SecretStr

from bot.settings import RedisSettings
from bot.store.client import connect
from tests.usage.proxy import TcpProxy


@pytest.fixture
def proxy(redis_url: str, redis_client: redis.Redis) -> Iterator[TcpProxy]:
    """A running proxy to the test Redis (`redis_client` first, so the database is flushed and answers)."""
    parts = urlsplit(redis_url)
    host = parts.hostname or "127.0.0.1"
    with TcpProxy(("127.0.0.1" if host == "localhost" else host, parts.port or 6379)) as running:
        yield running


@pytest.fixture
def proxied(redis_url: str, proxy: TcpProxy) -> Iterator[redis.Redis]:
    """The bot's own client (`bot.store.client.connect`: short timeouts) on the same database, through `proxy`."""
    parts = urlsplit(redis_url)
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@127.0.0.1:{proxy.port}" if userinfo else f"127.0.0.1:{proxy.port}"
    client = connect(RedisSettings(url=SecretStr(urlunsplit(parts._replace(netloc=netloc)))))
    yield client
    client.close()
