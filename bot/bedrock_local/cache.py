"""Prompt caching as Bedrock reports it: a prefix seen before (within its TTL) is a cache read, a new one a
cache write, and `inputTokens` excludes both.

Each cachePoint ends a prefix; a request reads the longest prefix still cached and writes the tokens from there
to its last cachePoint. A prefix lives for its cachePoint's TTL — `ttl_s` (5 minutes) for a "5m" point,
`ttl_1h_s` (1 hour) for a "1h" one — and a hit refreshes it, as Bedrock does (never shortening a longer life
already granted). The written tokens are split by TTL: each segment between two cachePoints (past the read
boundary) is written with the TTL of the point that ends it, so with the 1-hour points first (the order
Bedrock requires) the tokens up to the last 1h point are 1-hour writes and the rest 5-minute ones. The cache is
per model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.bedrock_local.prompt import CachePrefix

_PURGE_ABOVE = 4096  # entries; expired ones are dropped once the cache grows past this


@dataclass(frozen=True)
class CacheUse:
    """Tokens read from the cache and written to it; `write_1h_tokens` is the 1-hour share of `write_tokens`."""

    read_tokens: int
    write_tokens: int
    write_1h_tokens: int = 0

    @property
    def write_5m_tokens(self) -> int:
        return self.write_tokens - self.write_1h_tokens


class PromptCache:
    """Remembered prefixes per model, each expiring by its own TTL. Thread-safe."""

    def __init__(
        self,
        ttl_s: float = 300.0,
        min_tokens: int = 0,
        clock: Callable[[], float] = time.monotonic,
        *,
        ttl_1h_s: float = 3600.0,
    ) -> None:
        self._ttl = {"5m": ttl_s, "1h": ttl_1h_s}
        self._min_tokens = min_tokens
        self._clock = clock
        self._expires: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def use(self, model_key: str, prefixes: Sequence[CachePrefix]) -> CacheUse:
        """Read the longest cached prefix, write (remember) the rest; return the token split."""
        eligible = [p for p in prefixes if p.tokens > 0 and p.tokens >= self._min_tokens]
        if not eligible:
            return CacheUse(0, 0)
        now = self._clock()
        with self._lock:
            read = 0
            for prefix in eligible:
                key = (model_key, prefix.digest)
                expires = self._expires.get(key, 0.0)
                if expires > now:
                    read = max(read, prefix.tokens)
                self._expires[key] = max(expires, now + self._ttl.get(prefix.ttl, self._ttl["5m"]))
            if len(self._expires) > _PURGE_ABOVE:
                self._expires = {k: t for k, t in self._expires.items() if t > now}
        return CacheUse(read, max(0, eligible[-1].tokens - read), _written(eligible, read, "1h"))

    def clear(self) -> None:
        with self._lock:
            self._expires.clear()


def _written(prefixes: Sequence[CachePrefix], read: int, ttl: str) -> int:
    """Tokens past `read` in the segments ended by a cachePoint of this TTL."""
    written, start = 0, read
    for prefix in prefixes:
        if prefix.tokens > start:
            if prefix.ttl == ttl:
                written += prefix.tokens - start
            start = prefix.tokens
    return written
