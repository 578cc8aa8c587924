"""De-duplication of what Slack delivers, across replicas. Key families: `bra:evt:{event_id}` (events, see
`keys.EVENT`) and `bra:trig:{trigger_id}` (slash commands and interactions, see `keys.TRIGGER`)."""

from __future__ import annotations

import logging

import redis

from bot.store import keys

log = logging.getLogger(__name__)


class EventDedup:
    """Claims each Slack event id and each trigger id once: the first delivery wins; Slack's retries, replays of
    the same signed request and other replicas see a claim."""

    def __init__(self, client: redis.Redis, ttl_s: int = keys.EVENT_TTL_S, trigger_ttl_s: int = keys.TRIGGER_TTL_S):
        self._redis = client
        self._ttl_s = ttl_s
        self._trigger_ttl_s = trigger_ttl_s

    def claim(self, *, event_id: str) -> bool:
        """True when this call is the first to see `event_id` (go on and answer), False for a repeat."""
        return self._claim(keys.event(event_id), self._ttl_s, event_id=event_id)

    def claim_trigger(self, *, trigger_id: str) -> bool:
        """True when this call is the first to see the slash command or interaction `trigger_id`, False for a
        replay of it."""
        return self._claim(keys.trigger(trigger_id), self._trigger_ttl_s, trigger_id=trigger_id)

    def _claim(self, key: str, ttl_s: int, **ids: str) -> bool:
        """SET NX with the TTL in one call. When Redis does not answer, the delivery is handled (True) and a
        warning logged: a possible duplicate answer is better than a lost question."""
        try:
            return bool(self._redis.set(key, "1", nx=True, ex=ttl_s))
        except redis.RedisError as exc:
            log.warning("de-duplication unavailable; handling the delivery", extra={**ids, "error": str(exc)})
            return True
