"""Commands waiting for the user's confirmation (a costly compare), so a button can carry a short id instead of
the whole prompt (button values are limited to 2,000 characters). Key family `bra:pending:{id}`."""

from __future__ import annotations

import secrets

import redis

from bot.errors import StoreUnavailable
from bot.store import keys


class Pending:
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    def put(self, command: str) -> str:
        """Keep `command` for `keys.PENDING_TTL_S`; its id."""
        id_ = secrets.token_urlsafe(12)
        try:
            self._redis.set(keys.pending(id_), command, ex=keys.PENDING_TTL_S)
        except redis.RedisError:
            raise StoreUnavailable() from None
        return id_

    def take(self, id_: str) -> str | None:
        """The command, once (a second click finds nothing), or None when it expired."""
        try:
            value = self._redis.getdel(keys.pending(id_))
        except redis.RedisError:
            raise StoreUnavailable() from None
        return value if isinstance(value, str) else None
