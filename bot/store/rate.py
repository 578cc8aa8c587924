"""The per-user rate limit of billed model calls, across replicas. Key family: `bra:rate:{team}:{user}` (see
`keys.RATE_CALLS`).

A sliding window: one Lua script drops the calls older than the window, and either records the new ones (a
compare of three models records three) or, when they would go over the limit, records nothing and says how long
until enough old calls leave the window. The script reads Redis's own clock, so every replica counts the same
window. Budgets are the cost limit; this stops a user or a script from starting many calls at once.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

import redis

from bot.store import keys

log = logging.getLogger(__name__)

# KEYS: [1] the user's sorted set
# ARGV: [1] limit (calls per window), [2] window in microseconds, [3] calls asked for, [4] a unique token
# Returns {1, 0} when admitted (the calls are recorded), {0, retry_after_us} when refused (nothing recorded).
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit, window, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
if used + n > limit then
  if n > limit then return {0, window} end
  local oldest = redis.call('ZRANGE', KEYS[1], used + n - limit - 1, used + n - limit - 1, 'WITHSCORES')
  return {0, math.max(1, tonumber(oldest[2]) + window - now)}
end
for i = 1, n do redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. i) end
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
return {1, 0}
"""


@dataclass(frozen=True)
class Verdict:
    """Whether the calls may start; if not, in how many seconds enough room frees up."""

    allowed: bool
    retry_after_s: float = 0.0


class RateLimiter:
    """`take` records calls for a user when the window has room. Redis down: the calls pass (logged): budgets
    still bound the cost, and a chat that works without memory should not be refused by its rate limit."""

    def __init__(self, client: redis.Redis, *, limit: int, window_s: int) -> None:
        self._redis, self.limit, self.window_s = client, limit, window_s
        self._take = client.register_script(_TAKE)

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    def take(self, *, team: str, user: str, calls: int = 1) -> Verdict:
        if not self.enabled or calls <= 0:
            return Verdict(True)
        args: list[str | int] = [self.limit, self.window_s * 1_000_000, calls, uuid.uuid4().hex]
        try:
            allowed, wait_us = self._take(keys=[keys.rate_calls(team, user)], args=args)
        except redis.RedisError as exc:
            log.warning("rate limit not checked: Redis did not answer", extra={"user": user, "error": str(exc)})
            return Verdict(True)
        return Verdict(bool(allowed), int(wait_us) / 1_000_000)
