"""The usage ledger: every model call's event and its daily and monthly aggregates, in Redis (keys in
`bot.store.keys`: USAGE_EVENTS, USAGE_DAY, USAGE_MONTH).

One Lua script writes the raw event (a capped stream) and increments every aggregate it belongs to, with the
keys' expiry, atomically: no count without its event, and concurrent writers on any number of replicas add up
exactly (integers only; cost in nano-USD).

When Redis does not answer, the event is kept in memory (at most BRA_USAGE_BUFFER_MAX, oldest first) and written
in order once Redis answers again — on the next record, or by a flusher thread that runs while the buffer is not
empty (started on demand in each process, so gunicorn's forked workers each flush their own). Events that do not
fit are dropped, counted (`lost`) and logged. While Redis is known to be down, new
events go straight to the buffer for `RETRY_AFTER_S`, so a chat turn never waits on a dead Redis twice.

A buffered event gets a unique id, and is written by a script that first claims its once-key (USAGE_ONCE), so
writing it again never counts it twice. On shutdown (`close`, serve's stop hook) the buffer is written for a
bounded time and the rest goes to the durable spill (`bot.usage.spill`); the next start replays it (`replay`).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import redis

from bot.catalog.dimensions import profile_prefix
from bot.errors import StoreUnavailable
from bot.store import keys
from bot.usage.event import METRICS, Totals, UsageEvent
from bot.usage.scripts import RECORD, RECORD_ONCE
from bot.usage.spill import Spill, Spilled

log = logging.getLogger(__name__)

DAY = 24 * 60 * 60
RETRY_AFTER_S = 2.0

# Dimensions of the daily aggregates, and of the monthly ones (budgets and `/bedrock usage month` read these).
# "user_models" and "channel_models" are one hash per user / channel (`user_models:U123`), by model, so that one
# person's or one channel's usage is read without scanning everybody's. "bill" is what AWS bills by: the service
# tier and route (`bill_key`: "flex/global"); "model_bill" the same per model and profile prefix
# (`model_bill_key`: "claude-sonnet-4-5/standard/geo/apac"), for the savings hints.
DAY_DIMS = (
    "all", "model", "user", "channel", "feature", "team", "model_feature", "user_models", "channel_models", "bill",
    "model_bill",
)  # fmt: skip
MONTH_DIMS = ("user", "channel", "model", "user_models", "channel_models", "bill")
PER_SUBJECT = {"user_models": "user", "channel_models": "channel"}
ALL = "*"


def per(dim: str, subject: str) -> str:
    """The per-subject dimension name: per("user_models", "U1") → "user_models:U1"."""
    return f"{dim}:{subject}"


@dataclass(frozen=True)
class _Write:
    """One event, ready for the script (its day and month fixed when it happened, not when it is written). `id`:
    set once the event is buffered, so that writing it again (after a lost reply, a replay) counts it once."""

    keys: list[str]
    args: list[str | int]
    id: str | None = None


def bill_key(tier: str, route: str) -> str:
    return f"{tier}/{route}"


def model_bill_key(model: str, tier: str, route: str, profile: str) -> str:
    """`model/tier/route/prefix`, the prefix of the profile called (`apac`, `global`) or "-" in-Region."""
    return f"{model}/{tier}/{route}/{profile_prefix(profile) or '-'}"


def parse_model_bill(value: str) -> tuple[str, str, str, str]:
    """(model, tier, route, prefix) of a `model_bill_key`; a model key never holds "/"."""
    model, tier, route, prefix = value.rsplit("/", 3)
    return model, tier, route, prefix


def _upgraded(write_keys: list[str], args: list[str | int]) -> list[str | int]:
    """A spilled write's arguments for this version's script. A file spilled by an older version holds fewer
    metric amounts (METRICS only ever grows at the end): the missing ones are zeros. Without this the script would
    read dimension values as amounts, fail, and hold up every event behind it."""
    amounts = len(args) - 3 - (len(write_keys) - 1) - 2  # ARGV: 3 header, amounts, one value per hash, 2 trailer
    if amounts >= len(METRICS):
        return args
    at = 3 + amounts
    return [*args[:at], *([0] * (len(METRICS) - amounts)), *args[at:]]


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


class Ledger:
    """Thread-safe; built once (`bot.services`)."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        tz: ZoneInfo,
        retention_days: int,
        max_events: int,
        buffer_max: int,
        clock: Callable[[], float] = time.monotonic,
        retry_after_s: float | None = None,
        spill: Spill | None = None,
    ) -> None:
        """`retry_after_s`: how long new events go straight to the buffer after Redis failed, and how often the
        flusher thread tries again (default `RETRY_AFTER_S`). `spill`: where `close` keeps what it cannot write."""
        self._redis, self.tz = client, tz
        self._retry_after = RETRY_AFTER_S if retry_after_s is None else retry_after_s
        self._day_ttl, self._month_ttl = (retention_days + 1) * DAY, (retention_days + 32) * DAY
        self._max_events = max_events
        self._script = client.register_script(RECORD)
        self._once = client.register_script(RECORD_ONCE)
        self._spill = spill
        self._closed = False
        self._buffer: deque[_Write] = deque()
        self._buffer_max = buffer_max
        self._lock = threading.Lock()
        self._clock = clock
        self._down_until = 0.0
        self._flusher: threading.Thread | None = None
        self.lost = 0

    # -- writing -----------------------------------------------------------------------------------------------

    def record(self, event: UsageEvent) -> bool:
        """Write `event` (and anything buffered before it). Never raises: returns False when it was buffered."""
        write = self._prepare(event)
        if not self._buffer and self._clock() >= self._down_until:  # the usual case: no lock around Redis
            try:
                self._write(write)
                return True
            except redis.RedisError as exc:
                with self._lock:
                    self._went_down(exc)
                    self._keep(write)
                return False
        with self._lock:
            self._keep(write)
            return not self._closed and self._drain_locked() and not self._buffer

    def flush(self) -> int:
        """Write the buffered events now if Redis answers; returns how many are still waiting."""
        with self._lock:
            if self._buffer:
                self._drain_locked(force=True)
            return len(self._buffer)

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    def _drain_locked(self, *, force: bool = False) -> bool:
        if not force and self._clock() < self._down_until:
            return False
        written = 0
        while self._buffer:
            try:
                self._write(self._buffer[0])
            except redis.RedisError as exc:
                self._went_down(exc)
                return False
            self._buffer.popleft()
            written += 1
        self._down_until = 0.0  # Redis answered: the next event is written at once
        if written:
            log.info("buffered usage events written", extra={"events": written, "lost": self.lost})
        return True

    def _keep(self, write: _Write) -> None:
        if write.id is None:
            write = _Write(write.keys, write.args, uuid.uuid4().hex)
        if self._closed:  # stopping: straight to the spill, nothing would flush the buffer any more
            self._spill_out([write])
            return
        if len(self._buffer) >= self._buffer_max:
            self._buffer.popleft()
            self.lost += 1
            if self.lost == 1 or self.lost % 100 == 0:
                log.error(
                    "usage buffer full: oldest event dropped",
                    extra={"lost": self.lost, "buffer_max": self._buffer_max},
                )
        self._buffer.append(write)
        self._start_flusher()

    def _start_flusher(self) -> None:
        if self._flusher is None or not self._flusher.is_alive():  # not alive: none yet, or a forked process
            self._flusher = threading.Thread(target=self._flush_until_empty, name="usage-flush", daemon=True)
            self._flusher.start()

    def _flush_until_empty(self) -> None:
        """The flusher thread: retry every `retry_after_s` until the buffer is empty. It decides to stop under the
        lock, so an event buffered meanwhile either is written by it or starts a new flusher."""
        while True:
            time.sleep(self._retry_after)
            with self._lock:
                if self._buffer:
                    self._drain_locked(force=True)
                if not self._buffer:
                    self._flusher = None
                    return

    def _went_down(self, exc: redis.RedisError) -> None:
        self._down_until = self._clock() + self._retry_after
        log.warning(
            "Redis did not answer: usage event kept in memory",
            extra={"error": type(exc).__name__, "buffered": len(self._buffer) + 1},
        )

    def _write(self, write: _Write) -> None:
        if write.id is None:
            self._script(keys=write.keys, args=write.args)
        else:
            self._once(keys=[*write.keys, keys.usage_once(write.id)], args=[*write.args, keys.USAGE_ONCE_TTL_S])

    # -- stopping and starting -------------------------------------------------------------------------------------

    def close(self, timeout_s: float) -> int:
        """On shutdown: write the buffer, trying for at most `timeout_s`, then spill what is left (and any event
        recorded after this) to the spill folder. Returns how many events were spilled; a spill that fails is
        counted in `lost` and logged."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            self._closed = True
            while self._buffer and not self._drain_locked(force=True) and time.monotonic() < deadline:
                time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
            left = list(self._buffer)
            self._buffer.clear()
            self._spill_out(left)
        log.info("usage ledger closed", extra={"spilled": len(left), "lost": self.lost})
        return len(left)

    def replay(self) -> int:
        """On start: claim the spill folder's files (oldest first; each by one process only), put their events
        ahead of anything buffered, and write them now if Redis answers. Returns how many were read."""
        if self._spill is None:
            return 0
        try:
            spilled, bad = self._spill.claim()
        except OSError as exc:
            log.error("usage spill folder unreadable", extra={"dir": str(self._spill.directory), "error": repr(exc)})
            return 0
        with self._lock:
            if bad:
                self.lost += bad
                log.error("usage events lost: unreadable spill file", extra={"lost": bad, "total_lost": self.lost})
            self._buffer.extendleft(_Write(w.keys, _upgraded(w.keys, w.args), w.id) for w in reversed(spilled))
            if self._buffer:
                self._drain_locked(force=True)
            if self._buffer:
                self._start_flusher()
        if spilled:
            log.info("spilled usage events replayed", extra={"events": len(spilled), "waiting": len(self._buffer)})
        return len(spilled)

    def _spill_out(self, writes: list[_Write]) -> None:
        if not writes:
            return
        try:
            if self._spill is None:
                raise OSError("no spill folder (BRA_USAGE_SPILL_DIR)")
            path = self._spill.write(Spilled(w.id or uuid.uuid4().hex, w.keys, w.args) for w in writes)
        except OSError as exc:
            self.lost += len(writes)
            log.error(
                "usage events lost: could not spill them",
                extra={"lost": len(writes), "total_lost": self.lost, "error": repr(exc)},
            )
            return
        log.warning("usage events spilled to disk", extra={"events": len(writes), "file": str(path)})

    def _prepare(self, event: UsageEvent) -> _Write:
        day = event.at.astimezone(self.tz).date()
        d, m = day.isoformat(), month_of(day)
        values = {
            "all": ALL,
            "model": event.model,
            "user": event.user,
            "channel": event.channel,
            "feature": event.feature,
            "team": event.team,
            "model_feature": f"{event.model}/{event.feature}",
            "user_models": event.model,
            "channel_models": event.model,
            "bill": bill_key(event.tier, event.route),
            "model_bill": model_bill_key(event.model, event.tier, event.route, event.profile),
        }
        subjects = {"user": event.user, "channel": event.channel}

        def named(dim: str) -> str:
            return per(dim, subjects[PER_SUBJECT[dim]]) if dim in PER_SUBJECT else dim

        hash_keys = [keys.usage_day(d, named(dim)) for dim in DAY_DIMS]
        hash_keys += [keys.usage_month(m, named(dim)) for dim in MONTH_DIMS]
        args: list[str | int] = [len(DAY_DIMS), self._day_ttl, self._month_ttl, *event.amounts()]
        args += [values[dim] for dim in DAY_DIMS] + [values[dim] for dim in MONTH_DIMS]
        args += [self._max_events, json.dumps(event.fields(), separators=(",", ":"))]
        return _Write([*hash_keys, keys.USAGE_EVENTS], args)

    # -- reading -----------------------------------------------------------------------------------------------

    def today(self) -> date:
        return datetime.now(self.tz).date()

    def days(self, days: Sequence[date], dims: Iterable[str]) -> dict[date, dict[str, dict[str, Totals]]]:
        """For each day, each dimension: value -> totals. One round trip. Raises `StoreUnavailable`."""
        wanted = list(dims)
        names = [keys.usage_day(d.isoformat(), dim) for d in days for dim in wanted]
        raw = self._hgetall(names)
        out: dict[date, dict[str, dict[str, Totals]]] = {}
        it = iter(raw)
        for d in days:
            out[d] = {dim: _totals(next(it)) for dim in wanted}
        return out

    def day(self, day: date, dim: str) -> dict[str, Totals]:
        return self.days([day], [dim])[day][dim]

    def month(self, day: date, dim: str) -> dict[str, Totals]:
        """Month-to-date (the month of `day`) by `dim` (one of MONTH_DIMS)."""
        return _totals(self._hgetall([keys.usage_month(month_of(day), dim)])[0])

    def cost(self, pairs: Sequence[tuple[str, str]]) -> list[int]:
        """nano-USD of each (aggregate key, value): what budgets read before a call. One round trip."""
        try:
            with self._redis.pipeline(transaction=False) as pipe:
                for key, value in pairs:
                    pipe.hget(key, f"{value}|cost_nusd")
                return [int(v or 0) for v in pipe.execute()]
        except redis.RedisError as exc:
            raise StoreUnavailable() from exc

    def events(self, count: int = 100) -> list[dict[str, str]]:
        """The latest raw events, newest first."""
        try:
            rows = self._redis.xrevrange(keys.USAGE_EVENTS, count=count)
        except redis.RedisError as exc:
            raise StoreUnavailable() from exc
        return [json.loads(fields["event"]) for _id, fields in rows]  # type: ignore[union-attr,index]

    def _hgetall(self, names: Sequence[str]) -> list[dict[str, str]]:
        try:
            with self._redis.pipeline(transaction=False) as pipe:
                for name in names:
                    pipe.hgetall(name)
                return list(pipe.execute())
        except redis.RedisError as exc:
            raise StoreUnavailable() from exc


def _totals(raw: dict[str, str]) -> dict[str, Totals]:
    """{"U1|requests": "3", ...} → {"U1": Totals(requests=3, ...)}."""
    grouped: dict[str, dict[str, int]] = {}
    for name, value in raw.items():
        subject, _, metric = name.rpartition("|")
        grouped.setdefault(subject, {})[metric] = int(value)
    return {subject: Totals.of(counts) for subject, counts in grouped.items()}
