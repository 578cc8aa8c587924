"""The daily digest job on a real Redis: the due day, one post per day and channel across racing replicas, the lock
(expiry, compare-and-delete), failures that leave nothing marked, and the scheduler's catch-up and back-off.

`compute`, `chart` and `publish` are fakes here: what is tested is the job's locking and bookkeeping around them
(the Slack publisher and the real digest are tested in tests/slack/test_digest.py)."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import redis

from bot.digest.job import DigestJob, Outcome, Scheduler, due_day
from bot.digest.report import Digest, Month, Trend
from bot.store import keys
from bot.usage.event import Totals

SEOUL = ZoneInfo("Asia/Seoul")
NINE = time(9, 0)
DAY = date(2024, 11, 9)
CHANNEL = "C0DIGEST"
PNG = b"\x89PNG\r\n\x1a\nfake chart"
WAIT_S = 10.0  # upper bound for every wait on another thread; never reached when the code is right


def digest_of(day: date) -> Digest:
    """A real (empty) `Digest` value for `day`: the job only carries it from compute to chart to publish."""
    return Digest(
        day=day,
        lang="en",
        tz="Asia/Seoul",
        region="us-east-1",
        prices_as_of=date(2025, 3, 6),
        total=Totals(),
        by_model=(),
        top_users=(),
        top_channels=(),
        by_feature=(),
        users=0,
        channels=0,
        trend=Trend(previous=Decimal(0), average=Decimal(0), days_with_data=0),
        month=Month(spent=Decimal(0), budget=None, days_elapsed=day.day, days_in_month=30),
        interventions=(),
        channel_budgets=(),
        hints=(),
        chart_days=(day,),
    )


class Recorder:
    """Fake compute / chart / publish that remember their calls; `publish` returns a new ts each time."""

    def __init__(self, *, fail_publish: int = 0) -> None:
        self.computed: list[date] = []
        self.charted: list[Digest] = []
        self.published: list[tuple[str, Digest, bytes]] = []
        self.fail_publish = fail_publish  # the first n publishes raise
        self._lock = threading.Lock()

    def compute(self, day: date) -> Digest:
        with self._lock:
            self.computed.append(day)
        return digest_of(day)

    def chart(self, digest: Digest) -> bytes:
        with self._lock:
            self.charted.append(digest)
        return PNG

    def publish(self, channel: str, digest: Digest, chart: bytes) -> str:
        with self._lock:
            self.published.append((channel, digest, chart))
            n = len(self.published)
        if n <= self.fail_publish:
            raise RuntimeError(f"slack is down (attempt {n})")
        return f"1700000000.{n:06d}"

    def job(self, client: redis.Redis, **kw: Any) -> DigestJob:
        """A job on `client` with these fakes; keywords replace one of them or set `lock_ttl_s`."""
        parts: dict[str, Any] = {"compute": self.compute, "chart": self.chart, "publish": self.publish}
        return DigestJob(client, **{**parts, **kw})


def done_key(day: date = DAY, channel: str = CHANNEL) -> str:
    return keys.digest_done(channel, day.isoformat())


def lock_key(day: date = DAY, channel: str = CHANNEL) -> str:
    return keys.digest_lock(channel, day.isoformat())


# -- due_day -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "expected"),
    [
        (time(0, 0), date(2024, 11, 8)),
        (time(8, 59, 59, 999999), date(2024, 11, 8)),
        (time(9, 0), date(2024, 11, 9)),
        (time(9, 0, 0, 1), date(2024, 11, 9)),
        (time(23, 59, 59), date(2024, 11, 9)),
    ],
)
def test_due_day_is_yesterday_from_the_posting_time_on_and_the_day_before_until_then(
    clock: time, expected: date
) -> None:
    now = datetime.combine(date(2024, 11, 10), clock, tzinfo=SEOUL)
    assert due_day(now, NINE) == expected


def test_due_day_crosses_month_and_year_boundaries() -> None:
    assert due_day(datetime(2025, 1, 1, 8, 0, tzinfo=SEOUL), NINE) == date(2024, 12, 30)
    assert due_day(datetime(2025, 3, 1, 10, 0, tzinfo=SEOUL), NINE) == date(2025, 2, 28)


# -- DigestJob.run ---------------------------------------------------------------------------------------------


def test_run_posts_marks_the_day_done_and_releases_the_lock(redis_client: redis.Redis) -> None:
    fake = Recorder()
    lock_ttls: list[int] = []

    def compute(day: date) -> Digest:
        lock_ttls.append(int(redis_client.pttl(lock_key())))  # the lock is held, with an expiry, while computing
        return fake.compute(day)

    outcome = fake.job(redis_client, compute=compute).run(DAY, CHANNEL)

    assert (outcome.status, outcome.day, outcome.channel, outcome.ts) == ("posted", DAY, CHANNEL, "1700000000.000001")
    assert outcome.chart == PNG and outcome.digest is not None and outcome.digest.day == DAY
    [(channel, digest, chart)] = fake.published
    assert (channel, digest.day, chart) == (CHANNEL, DAY, PNG)
    assert fake.computed == [DAY]
    [ttl] = lock_ttls
    assert 0 < ttl <= keys.DIGEST_LOCK_TTL_S * 1000
    assert redis_client.get(done_key()) == "1700000000.000001"
    assert 0 < redis_client.ttl(done_key()) <= keys.DIGEST_DONE_TTL_S
    assert redis_client.exists(lock_key()) == 0


def test_the_day_and_the_channel_are_separate_digests(redis_client: redis.Redis) -> None:
    fake = Recorder()
    job = fake.job(redis_client)
    assert job.run(DAY, CHANNEL).status == "posted"
    assert job.run(DAY + timedelta(days=1), CHANNEL).status == "posted"
    assert job.run(DAY, "C0OTHER").status == "posted"
    assert [(c, d.day) for c, d, _ in fake.published] == [
        (CHANNEL, DAY),
        (CHANNEL, DAY + timedelta(days=1)),
        ("C0OTHER", DAY),
    ]


def test_three_replicas_racing_post_once(redis_url: str, redis_client: redis.Redis) -> None:
    fake = Recorder()
    clients = [redis.Redis.from_url(redis_url, decode_responses=True, socket_timeout=5) for _ in range(3)]
    start = threading.Barrier(3, timeout=WAIT_S)
    finished: list[Outcome] = []
    errors: list[BaseException] = []
    guard = threading.Lock()
    losers_done = threading.Event()

    def compute(day: date) -> Digest:
        # Only the lock holder gets here; it holds the lock until both other replicas have returned, so all
        # three are inside run() at the same time and the others cannot have seen the day marked done.
        if not losers_done.wait(WAIT_S):
            raise AssertionError("the other replicas did not return while the lock was held")
        return fake.compute(day)

    def replica(job: DigestJob) -> None:
        try:
            start.wait()
            outcome = job.run(DAY, CHANNEL)
        except BaseException as exc:  # reported by the test below, not lost in the thread
            with guard:
                errors.append(exc)
            losers_done.set()
            return
        with guard:
            finished.append(outcome)
            if len(finished) == 2:
                losers_done.set()

    threads = [
        threading.Thread(target=replica, args=(fake.job(c, compute=compute),), name=f"replica-{i}")
        for i, c in enumerate(clients)
    ]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(WAIT_S * 2)
    finally:
        for c in clients:
            c.close()
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert sorted(o.status for o in finished) == ["locked", "locked", "posted"]
    [posted] = [o for o in finished if o.status == "posted"]
    assert len(fake.computed) == 1 and len(fake.published) == 1
    assert redis_client.get(done_key()) == posted.ts
    assert redis_client.exists(lock_key()) == 0


def test_an_already_posted_day_is_not_computed_again(redis_client: redis.Redis) -> None:
    redis_client.set(done_key(), "1699999999.000100")
    fake = Recorder()
    outcome = fake.job(redis_client).run(DAY, CHANNEL)
    assert (outcome.status, outcome.ts) == ("already_posted", "1699999999.000100")
    assert fake.computed == [] and fake.published == []
    assert redis_client.exists(lock_key()) == 0


def test_a_second_run_reports_the_first_runs_ts(redis_client: redis.Redis) -> None:
    fake = Recorder()
    job = fake.job(redis_client)
    first = job.run(DAY, CHANNEL)
    second = job.run(DAY, CHANNEL)
    assert (second.status, second.ts) == ("already_posted", first.ts)
    assert job.posted(DAY, CHANNEL) == first.ts
    assert len(fake.published) == 1 and fake.computed == [DAY]


def test_a_failed_publish_propagates_releases_the_lock_and_marks_nothing(redis_client: redis.Redis) -> None:
    fake = Recorder(fail_publish=1)
    job = fake.job(redis_client)
    with pytest.raises(RuntimeError, match="slack is down"):
        job.run(DAY, CHANNEL)
    assert redis_client.exists(lock_key()) == 0
    assert redis_client.exists(done_key()) == 0
    assert job.posted(DAY, CHANNEL) is None

    later = job.run(DAY, CHANNEL)
    assert (later.status, later.ts) == ("posted", "1700000000.000002")
    assert redis_client.get(done_key()) == "1700000000.000002"
    assert len(fake.published) == 2


def test_a_failed_compute_publishes_nothing_and_releases_the_lock(redis_client: redis.Redis) -> None:
    fake = Recorder()

    def compute(day: date) -> Digest:
        raise ValueError("ledger unreadable")

    with pytest.raises(ValueError, match="ledger unreadable"):
        fake.job(redis_client, compute=compute).run(DAY, CHANNEL)
    assert fake.published == []
    assert redis_client.exists(lock_key()) == 0 and redis_client.exists(done_key()) == 0


def test_a_lock_held_by_another_replica_is_left_alone(redis_client: redis.Redis) -> None:
    redis_client.set(lock_key(), "other-replica-token", px=60_000)
    fake = Recorder()
    outcome = fake.job(redis_client).run(DAY, CHANNEL)
    assert outcome.status == "locked" and outcome.ts is None
    assert fake.computed == [] and fake.published == []
    assert redis_client.get(lock_key()) == "other-replica-token"
    assert redis_client.exists(done_key()) == 0


def test_a_lock_that_expired_and_was_taken_over_is_not_deleted_by_its_old_holder(redis_client: redis.Redis) -> None:
    """Compare-and-delete: this replica's lock expired mid-run and another replica took it; finishing must not
    delete the other replica's lock."""
    fake = Recorder()

    def publish(channel: str, digest: Digest, chart: bytes) -> str:
        ours = redis_client.get(lock_key())
        assert ours is not None and ours != "other-replica-token"
        redis_client.set(lock_key(), "other-replica-token", px=60_000)  # expiry + takeover, as Redis would see it
        return fake.publish(channel, digest, chart)

    outcome = fake.job(redis_client, publish=publish).run(DAY, CHANNEL)
    assert outcome.status == "posted"
    assert redis_client.get(lock_key()) == "other-replica-token"


def test_the_lock_expires_after_lock_ttl_s_so_a_crashed_replica_cannot_hold_it(redis_client: redis.Redis) -> None:
    fake = Recorder()
    ttls: list[int] = []

    def compute(day: date) -> Digest:
        ttls.append(int(redis_client.pttl(lock_key())))
        return fake.compute(day)

    assert fake.job(redis_client, compute=compute, lock_ttl_s=30).run(DAY, CHANNEL).status == "posted"
    [ttl] = ttls
    assert 29_000 < ttl <= 30_000


def test_run_without_a_publisher_refuses_and_preview_posts_nothing(redis_client: redis.Redis) -> None:
    fake = Recorder()
    job = DigestJob(redis_client, compute=fake.compute, chart=fake.chart, publish=None)
    with pytest.raises(RuntimeError, match="publisher"):
        job.run(DAY, CHANNEL)
    digest, png = job.preview(DAY)
    assert digest.day == DAY and png == PNG
    assert redis_client.keys("*") == []


# -- Scheduler -------------------------------------------------------------------------------------------------


class Clock:
    """A fake `now(tz)` that moves only when the test says so."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        self.zones: list[ZoneInfo] = []

    def __call__(self, tz: ZoneInfo) -> datetime:
        self.zones.append(tz)
        return self.at.astimezone(tz)

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def scheduler(job: DigestJob, clock: Clock, every_s: float = 60.0) -> Scheduler:
    return Scheduler(job, channel=CHANNEL, tz=SEOUL, at=NINE, every_s=every_s, now=clock)


def test_a_replica_that_starts_after_nine_posts_yesterdays_digest_once(redis_client: redis.Redis) -> None:
    fake = Recorder()
    clock = Clock(datetime(2024, 11, 10, 15, 30, tzinfo=SEOUL))
    s = scheduler(fake.job(redis_client), clock)
    first = s.tick()
    assert first is not None and (first.status, first.day, first.channel) == ("posted", DAY, CHANNEL)
    clock.advance(minutes=1)
    second = s.tick()
    assert second is not None and (second.status, second.ts) == ("already_posted", first.ts)
    assert len(fake.published) == 1
    assert clock.zones and all(z == SEOUL for z in clock.zones)


def test_before_nine_the_scheduler_posts_the_day_before_yesterday_then_yesterday_at_nine(
    redis_client: redis.Redis,
) -> None:
    fake = Recorder()
    clock = Clock(datetime(2024, 11, 10, 8, 58, tzinfo=SEOUL))
    s = scheduler(fake.job(redis_client), clock)
    first = s.tick()
    assert first is not None and (first.status, first.day) == ("posted", date(2024, 11, 8))
    clock.advance(minutes=1)  # 08:59: nothing new is due
    same = s.tick()
    assert same is not None and (same.status, same.day) == ("already_posted", date(2024, 11, 8))
    clock.advance(minutes=1)  # 09:00
    due = s.tick()
    assert due is not None and (due.status, due.day) == ("posted", DAY)
    assert [d.day for _, d, _ in fake.published] == [date(2024, 11, 8), DAY]


def test_after_a_long_outage_only_the_most_recent_due_day_is_posted(redis_client: redis.Redis) -> None:
    fake = Recorder()
    clock = Clock(datetime(2024, 11, 20, 10, 0, tzinfo=SEOUL))
    outcome = scheduler(fake.job(redis_client), clock).tick()
    assert outcome is not None and outcome.day == date(2024, 11, 19)
    assert [d.day for _, d, _ in fake.published] == [date(2024, 11, 19)]


def test_after_a_failure_the_scheduler_waits_a_growing_delay_before_trying_again(redis_client: redis.Redis) -> None:
    fake = Recorder(fail_publish=2)
    clock = Clock(datetime(2024, 11, 10, 9, 0, tzinfo=SEOUL))
    s = scheduler(fake.job(redis_client), clock)

    assert s.tick() is None  # failure 1: retry in 60 s
    assert len(fake.published) == 1
    clock.advance(seconds=59)
    assert s.tick() is None
    assert len(fake.published) == 1  # not tried before the delay
    clock.advance(seconds=1)
    assert s.tick() is None  # failure 2 at +60 s: retry in 120 s
    assert len(fake.published) == 2
    clock.advance(seconds=119)
    assert s.tick() is None
    assert len(fake.published) == 2
    assert redis_client.exists(lock_key()) == 0 and redis_client.exists(done_key()) == 0
    clock.advance(seconds=1)
    posted = s.tick()
    assert posted is not None and (posted.status, posted.day) == ("posted", DAY)
    assert len(fake.published) == 3
    assert redis_client.get(done_key()) == posted.ts


def test_a_success_resets_the_back_off(redis_client: redis.Redis) -> None:
    fake = Recorder(fail_publish=1)
    clock = Clock(datetime(2024, 11, 10, 9, 0, tzinfo=SEOUL))
    s = scheduler(fake.job(redis_client), clock)
    assert s.tick() is None
    clock.advance(seconds=60)
    assert s.tick() is not None  # posted the 9th
    fake.fail_publish = 3  # the next publish (the 10th's digest, a day later) fails once more
    clock.advance(days=1)
    assert s.tick() is None
    clock.advance(seconds=59)
    assert s.tick() is None and len(fake.published) == 3
    clock.advance(seconds=1)  # back to 60 s, not 120 s: the success in between reset the count
    again = s.tick()
    assert again is not None and (again.status, again.day) == ("posted", date(2024, 11, 10))


def test_the_back_off_stops_growing_at_an_hour(redis_client: redis.Redis) -> None:
    fake = Recorder(fail_publish=100)
    clock = Clock(datetime(2024, 11, 10, 9, 0, tzinfo=SEOUL))
    s = scheduler(fake.job(redis_client), clock)
    for delay in (60, 120, 240, 480, 960, 1920, 3600, 3600):
        attempts = len(fake.published)
        assert s.tick() is None
        assert len(fake.published) == attempts + 1
        clock.advance(seconds=delay - 1)
        assert s.tick() is None and len(fake.published) == attempts + 1
        clock.advance(seconds=1)


def test_start_posts_the_due_digest_on_its_thread_and_stop_joins_it(redis_client: redis.Redis) -> None:
    posted = threading.Event()
    fake = Recorder()

    def publish(channel: str, digest: Digest, chart: bytes) -> str:
        ts = fake.publish(channel, digest, chart)
        posted.set()
        return ts

    clock = Clock(datetime(2024, 11, 10, 9, 30, tzinfo=SEOUL))
    s = scheduler(fake.job(redis_client, publish=publish), clock, every_s=3600)
    s.start()
    try:
        assert posted.wait(WAIT_S)
    finally:
        s.stop()
    assert not any(t.name == "digest-scheduler" and t.is_alive() for t in threading.enumerate())
    assert [d.day for _, d, _ in fake.published] == [DAY]
    assert redis_client.get(done_key()) == "1700000000.000001"
