"""A lock one replica holds while it does a once-a-day job (the digest, the catalog change report).

SET NX PX with a random token, so a crashed replica cannot hold it past its expiry, and a compare-and-delete
release, so a replica never frees a lock that expired and another took. Redis down while taking it raises
`StoreUnavailable`; a failed release is logged (the lock expires by itself).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import redis

from bot.errors import StoreUnavailable

log = logging.getLogger(__name__)

# KEYS: 1 lock. ARGV: 1 token. Deletes the lock only if this replica still holds it.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class HeldLock:
    """`with lock.held(key) as got:` — `got` is False when another replica holds `key`."""

    def __init__(self, client: redis.Redis, *, ttl_s: int, what: str) -> None:
        self._redis, self._ttl_ms, self._what = client, ttl_s * 1000, what
        self._release = client.register_script(_RELEASE)

    @contextmanager
    def held(self, key: str) -> Iterator[bool]:
        token = secrets.token_hex(16)
        try:
            got = bool(self._redis.set(key, token, nx=True, px=self._ttl_ms))
        except redis.RedisError as exc:
            raise StoreUnavailable() from exc
        try:
            yield got
        finally:
            if got:
                try:
                    self._release(keys=[key], args=[token])
                except redis.RedisError:
                    log.warning(f"{self._what} lock not released; it expires by itself", extra={"key": key})
