"""The daily catalog change report in serve: exactly once per day and channel, however many replicas run.

The digest's lock pattern (`bot.digest.job`): skip when the day is done (CATALOG_CHANGES_DONE); otherwise take
the day's lock (SET NX PX with a random token), check again, read AWS and build the report, keep only the
changes not posted to this channel before (CATALOG_CHANGES_SEEN), post them, then in one MULTI remember their
fingerprints and mark the day done, and release the lock by compare-and-delete. A replica that loses the race
reports `locked` and does nothing. The report compares AWS with the catalog serve loaded; serve never writes
catalog files (the generated layer is reviewed like data: `catalog refresh` writes it).
"""

from __future__ import annotations

import logging
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

import redis

from bot.catalog.refresh.report import ChangeReport
from bot.errors import StoreUnavailable
from bot.store import keys
from bot.store.held import HeldLock

log = logging.getLogger(__name__)

Publish = Callable[[str, ChangeReport], str]  # (channel, report of the new changes) -> the message ts
Status = Literal["posted", "nothing_new", "already_done", "locked"]
NOTHING_POSTED = "-"
DONE_ATTEMPTS = 3

@dataclass(frozen=True)
class Outcome:
    status: Status
    day: date
    channel: str
    ts: str | None = None
    report: ChangeReport | None = None


def due_today(now: datetime, at: time) -> date:
    """The report day due at `now`: today once `at` has passed, else yesterday (a replica that was down catches
    up once; the report reads AWS as it is now either way)."""
    return now.date() - timedelta(days=0 if now.time() >= at else 1)


class ChangeReportJob:
    """Thread-safe. `compute()` reads AWS and compares with the catalog; `publish` posts to Slack."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        compute: Callable[[], ChangeReport],
        publish: Publish,
        lock_ttl_s: int = keys.CATALOG_CHANGES_LOCK_TTL_S,
    ) -> None:
        self._redis, self._compute, self._publish = client, compute, publish
        self._lock = HeldLock(client, ttl_s=lock_ttl_s, what="change report")

    def done(self, day: date, channel: str) -> str | None:
        try:
            value = self._redis.get(keys.catalog_changes_done(channel, day.isoformat()))
        except redis.RedisError as exc:
            raise StoreUnavailable() from exc
        return None if value is None else str(value)

    def run(self, day: date, channel: str) -> Outcome:
        """Post the day's new catalog changes to `channel` unless the day is done or another replica runs it."""
        if (ts := self.done(day, channel)) is not None:
            return Outcome("already_done", day, channel, ts)
        with self._lock.held(keys.catalog_changes_lock(channel, day.isoformat())) as got:
            if not got:
                return Outcome("locked", day, channel)
            if (ts := self.done(day, channel)) is not None:
                return Outcome("already_done", day, channel, ts)
            return self._post(day, channel)

    def _post(self, day: date, channel: str) -> Outcome:
        report = self._compute()
        fingerprints = [c.fingerprint for c in report.changes]
        try:
            seen = self._redis.smismember(keys.catalog_changes_seen(channel), fingerprints) if fingerprints else []
        except redis.RedisError as exc:
            raise StoreUnavailable() from exc
        fresh = report.only(fp for fp, was in zip(fingerprints, seen, strict=True) if not was)
        ts = self._publish(channel, fresh) if fresh.changes else NOTHING_POSTED
        self._mark_done(day, channel, ts, [c.fingerprint for c in fresh.changes])
        log.info("catalog change report", extra={"day": str(day), "changes": len(fresh.changes), "ts": ts})
        return Outcome("posted" if fresh.changes else "nothing_new", day, channel, ts, fresh)

    def _mark_done(self, day: date, channel: str, ts: str, fingerprints: list[str]) -> None:
        """Remember the posted changes and the day in one MULTI, trying a few times: a Redis blip here would
        mean the same changes posted again."""
        seen_key = keys.catalog_changes_seen(channel)
        for attempt in range(DONE_ATTEMPTS):
            pipe = self._redis.pipeline(transaction=True)
            if fingerprints:
                pipe.sadd(seen_key, *fingerprints)
                pipe.expire(seen_key, keys.CATALOG_CHANGES_SEEN_TTL_S)
            pipe.set(keys.catalog_changes_done(channel, day.isoformat()), ts, ex=keys.CATALOG_CHANGES_DONE_TTL_S)
            try:
                pipe.execute()
                return
            except redis.RedisError:
                if attempt == DONE_ATTEMPTS - 1:
                    log.error("change report posted but not marked done", extra={"day": str(day), "ts": ts})
                    raise
                clock.sleep(0.5 * (attempt + 1))
