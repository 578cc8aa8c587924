"""Event de-duplication across replicas. Key family: `bra:evt:{event_id}` (see `keys.EVENT`)."""

from __future__ import annotations

import logging

import redis

from bot.store import keys

log = logging.getLogger(__name__)


class EventDedup:
    """Claims each Slack event id once: the first delivery wins, retries and other replicas see a claim."""

    def __init__(self, client: redis.Redis, ttl_s: int = keys.EVENT_TTL_S) -> None:
        self._redis = client
        self._ttl_s = ttl_s

    def claim(self, *, event_id: str) -> bool:
        """True when this call is the first to see `event_id` (go on and answer), False for a repeat.

        When Redis does not answer, the event is answered (True) and a warning logged: a possible duplicate
        answer is better than a lost question.
        """
        try:
            return bool(self._redis.set(keys.event(event_id), "1", nx=True, ex=self._ttl_s))
        except redis.RedisError as exc:
            log.warning("event de-duplication unavailable; answering", extra={"event_id": event_id, "error": str(exc)})
            return True
