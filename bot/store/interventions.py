"""Guardrail interventions, kept for the digest: a daily count per team and a capped stream of raw events. Each
holds who, where, which model, what kind and what was done — never the text that was matched.

The event and its counts are written in one MULTI (no count without its event); the day's hash gets its expiry in
the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import redis

from bot.errors import StoreUnavailable
from bot.guardrails.verdict import Hit, Source
from bot.store import keys
from bot.store.feedback import DIGEST_TZ

FIELDS = ("source", "kind", "action", "engine", "model", "channel", "user")


@dataclass(frozen=True)
class Where:
    """Who and where a judged text came from or went to."""

    team: str
    channel: str
    user: str
    model: str
    feature: str


def today_in_digest_tz() -> date:
    return datetime.now(DIGEST_TZ).date()


class Interventions:
    def __init__(
        self,
        client: redis.Redis,
        *,
        retention_days: int,
        max_events: int,
        today: Callable[[], date] = today_in_digest_tz,
    ) -> None:
        self._redis, self._retention_s, self._max = client, retention_days * 24 * 60 * 60, max_events
        self._today = today

    def record(self, where: Where, source: Source, hits: Sequence[Hit]) -> None:
        """Count `hits`. Raises `StoreUnavailable` when Redis does not answer."""
        if not hits:
            return
        day = self._today().isoformat()
        key = keys.guard_day(where.team, day)
        try:
            with self._redis.pipeline(transaction=True) as pipe:
                for hit in hits:
                    values = (source, hit.kind, hit.action, hit.engine, where.model, where.channel, where.user)
                    pipe.hincrby(key, "|".join(values), 1)
                    event = dict(zip(FIELDS, values, strict=True)) | {"team": where.team, "feature": where.feature}
                    pipe.xadd(keys.GUARD_EVENTS, event, maxlen=self._max, approximate=True)  # type: ignore[arg-type]
                pipe.expire(key, self._retention_s + 2 * 24 * 60 * 60)
                pipe.execute()
        except redis.RedisError as exc:
            raise StoreUnavailable() from exc

    def day(self, team: str, day: date) -> dict[tuple[str, ...], int]:
        """The counts of `day`, keyed by (source, kind, action, engine, model, channel, user)."""
        try:
            raw: dict[str, str] = self._redis.hgetall(keys.guard_day(team, day.isoformat()))  # type: ignore[assignment]
        except redis.RedisError as exc:
            raise StoreUnavailable() from exc
        return {tuple(k.split("|")): int(v) for k, v in raw.items()}
