"""Prompt caching as Bedrock reports it: a prefix seen before (within the TTL) is a cache read, a new one a
cache write, and `inputTokens` excludes both.

Each cachePoint ends a prefix; a request reads the longest prefix still cached and writes the tokens from there
to its last cachePoint. A hit refreshes the entry's TTL, as Bedrock does. The cache is per model.
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
    read_tokens: int
    write_tokens: int


class PromptCache:
    """Remembered prefixes per model, with expiry. Thread-safe."""

    def __init__(self, ttl_s: float = 300.0, min_tokens: int = 0, clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl_s
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
                if self._expires.get(key, 0.0) > now:
                    read = max(read, prefix.tokens)
                self._expires[key] = now + self._ttl
            if len(self._expires) > _PURGE_ABOVE:
                self._expires = {k: t for k, t in self._expires.items() if t > now}
        return CacheUse(read, max(0, eligible[-1].tokens - read))

    def clear(self) -> None:
        with self._lock:
            self._expires.clear()
