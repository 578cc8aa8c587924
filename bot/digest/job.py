"""Posting the daily digest exactly once per day and channel, however many replicas run.

`DigestJob.run(day, channel)`: skip when the day's digest is already posted (DIGEST_DONE); otherwise take the
day's lock (SET NX with a random token and an expiry, so a crashed replica cannot hold it forever), check again,
compute, draw the chart, publish, mark the day done, release the lock (compare-and-delete: only the holder's
token). A replica that loses the race reports `locked` and does nothing.

`Scheduler` runs inside serve: every BRA_DIGEST_CHECK_S seconds (and once at start) it posts the most recent
digest that is due — the previous day's once the local clock
has passed BRA_DIGEST_TIME. A replica that was down at 09:00 posts it when it starts (catch-up); a digest older
than the most recent due one is not posted late, so a long outage does not end in a burst of stale digests.
After a failure it tries again with a growing delay (1, 2, 4 … up to 60 minutes).
"""

from __future__ import annotations

import logging
import threading
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Generic, Literal, Protocol, TypeVar
from zoneinfo import ZoneInfo

import redis

from bot.digest.report import Digest
from bot.errors import StoreUnavailable
from bot.store import keys
from bot.store.held import HeldLock

log = logging.getLogger(__name__)

Publish = Callable[[str, Digest, bytes], str]  # (channel, digest, chart PNG) -> the posted message's ts
Status = Literal["posted", "already_posted", "locked", "dry_run"]
MAX_DELAY_S = 60 * 60
DONE_ATTEMPTS = 3

@dataclass(frozen=True)
class Outcome:
    status: Status
    day: date
    channel: str
    ts: str | None = None
    digest: Digest | None = None
    chart: bytes | None = None


def due_day(now: datetime, at: time) -> date:
    """The most recent digest day that is due at `now` (local time): yesterday once `at` has passed today, the
    day before yesterday until then."""
    today = now.date()
    return today - timedelta(days=1 if now.time() >= at else 2)


class DigestJob:
    """Thread-safe. `compute(day)` builds the digest; `chart(digest)` draws it; `publish` posts both."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        compute: Callable[[date], Digest],
        chart: Callable[[Digest], bytes],
        publish: Publish | None,
        lock_ttl_s: int = keys.DIGEST_LOCK_TTL_S,
    ) -> None:
        self._redis, self._compute, self._chart, self._publish = client, compute, chart, publish
        self._lock = HeldLock(client, ttl_s=lock_ttl_s, what="digest")

    def posted(self, day: date, channel: str) -> str | None:
        """The ts of the day's digest in `channel`, or None when it was not posted. Raises `StoreUnavailable`."""
        try:
            value = self._redis.get(keys.digest_done(channel, day.isoformat()))
        except redis.RedisError as exc:
            raise StoreUnavailable() from exc
        return None if value is None else str(value)

    def preview(self, day: date) -> tuple[Digest, bytes]:
        """The digest and its chart, posting nothing (`digest --dry-run`)."""
        digest = self._compute(day)
        return digest, self._chart(digest)

    def run(self, day: date, channel: str) -> Outcome:
        """Post the digest of `day` to `channel` unless it was posted or another replica is posting it."""
        if self._publish is None:
            raise RuntimeError("DigestJob.run needs a publisher (Slack)")
        if (ts := self.posted(day, channel)) is not None:
            return Outcome("already_posted", day, channel, ts)
        with self._lock.held(keys.digest_lock(channel, day.isoformat())) as got:
            if not got:
                return Outcome("locked", day, channel)
            if (ts := self.posted(day, channel)) is not None:  # posted between our check and the lock
                return Outcome("already_posted", day, channel, ts)
            digest = self._compute(day)
            chart = self._chart(digest)
            ts = self._publish(channel, digest, chart)
            self._mark_done(day, channel, ts)
            log.info("digest posted", extra={"day": day.isoformat(), "channel": channel, "ts": ts})
            return Outcome("posted", day, channel, ts, digest, chart)

    def _mark_done(self, day: date, channel: str, ts: str) -> None:
        """The digest is out: remember it, trying a few times — a Redis blip here would mean a second digest."""
        for attempt in range(DONE_ATTEMPTS):
            try:
                self._redis.set(keys.digest_done(channel, day.isoformat()), ts, ex=keys.DIGEST_DONE_TTL_S)
                return
            except redis.RedisError:
                if attempt == DONE_ATTEMPTS - 1:
                    log.error("digest posted but not marked done", extra={"day": day.isoformat(), "ts": ts})
                    raise
                clock.sleep(0.5 * (attempt + 1))


O_co = TypeVar("O_co", covariant=True)


class DailyJob(Protocol[O_co]):
    """A job run once per day and channel (`DigestJob`, the catalog change report)."""

    def run(self, day: date, channel: str) -> O_co: ...


class Scheduler(Generic[O_co]):
    """A daily job on a daemon thread inside serve (the digest by default; `due` and `name` for others)."""

    def __init__(
        self,
        job: DailyJob[O_co],
        *,
        channel: str,
        tz: ZoneInfo,
        at: time,
        every_s: float,
        now: Callable[[ZoneInfo], datetime] = datetime.now,
        due: Callable[[datetime, time], date] = due_day,
        name: str = "digest",
    ) -> None:
        self.job, self.channel, self.tz, self.at, self.every_s = job, channel, tz, at, every_s
        self._now, self._due, self.name = now, due, name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures = 0
        self._retry_at: datetime | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name=f"{self.name}-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(self.every_s)

    def tick(self) -> O_co | None:
        """One check: run the due day's job if it has not run yet."""
        now = self._now(self.tz)
        if self._retry_at is not None and now < self._retry_at:
            return None
        day = self._due(now, self.at)
        try:
            outcome = self.job.run(day, self.channel)
        except Exception as exc:
            self._failures += 1
            delay = min(60 * 2 ** (self._failures - 1), MAX_DELAY_S)
            self._retry_at = now + timedelta(seconds=delay)
            log.error(
                f"{self.name} failed; trying again later",
                extra={"day": day.isoformat(), "error": type(exc).__name__, "retry_in_s": delay},
            )
            return None
        self._failures, self._retry_at = 0, None
        return outcome
