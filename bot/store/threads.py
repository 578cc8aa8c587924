"""Threads the bot takes part in. Key families: `bra:thread:{team}:{channel}:{thread_ts}` and
`bra:title:{team}:{channel}:{thread_ts}` (see `keys.BOT_THREAD`, `keys.THREAD_TITLE`)."""

from __future__ import annotations

import logging

import redis

from bot.store import keys

log = logging.getLogger(__name__)


class Threads:
    """Remembers channel threads the bot answers in, so that follow-ups there need no new @mention.

    Redis errors degrade, never fail: an unknown thread just needs a mention again.
    """

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    def join(self, *, team: str, channel: str, thread_ts: str) -> None:
        try:
            self._redis.set(keys.bot_thread(team, channel, thread_ts), "1", ex=keys.BOT_THREAD_TTL_S)
        except redis.RedisError as exc:
            log.warning("could not remember a thread", extra={"channel": channel, "error": str(exc)})

    def joined(self, *, team: str, channel: str, thread_ts: str) -> bool:
        try:
            return bool(self._redis.exists(keys.bot_thread(team, channel, thread_ts)))
        except redis.RedisError as exc:
            log.warning("could not look up a thread", extra={"channel": channel, "error": str(exc)})
            return False

    def claim_title(self, *, team: str, channel: str, thread_ts: str) -> bool:
        """True once per thread: the first question sets the assistant thread's title."""
        try:
            key = keys.thread_title(team, channel, thread_ts)
            return bool(self._redis.set(key, "1", nx=True, ex=keys.THREAD_TITLE_TTL_S))
        except redis.RedisError:
            return False
