"""The daily catalog change report on a real Redis: one post per day and channel across racing replicas, each
change announced once (not every day it stays pending), the lock released, failures marking nothing.

`compute` and `publish` are fakes: what is tested is the job's locking and bookkeeping around them (the report
itself is tested in test_report.py, the Slack post in tests/slack/test_catalog_changes.py)."""

from __future__ import annotations

import threading
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import redis

from bot.catalog.refresh.job import NOTHING_POSTED, ChangeReportJob, Outcome, due_today
from bot.catalog.refresh.report import Change, ChangeReport
from bot.digest.job import Scheduler
from bot.store import keys

DAY = date(2026, 12, 2)
CHANNEL = "C0CATALOG"
WAIT_S = 10.0  # upper bound for every wait on another thread; never reached when the code is right
SEOUL = ZoneInfo("Asia/Seoul")

NEW_MODEL = Change("new_model", "model|amazon.nova-2-lite-v1:0", "새 모델", "amazon.nova-2-lite-v1:0 — Nova 2 Lite")
PRICE = Change("price", "price|haiku|0.0003", "가격", "claude-3-haiku ap-northeast-2: 0.00025 → 0.0003 (+20.0%)")
LEGACY = Change("lifecycle", "legacy|opus|2026-01-15", "레거시", "claude-3-opus: legacy, end of life 2026-01-15")


class Fake:
    def __init__(self, *changes: Change) -> None:
        self.changes = list(changes)
        self.computed = 0
        self.published: list[tuple[str, ChangeReport]] = []
        self.fail_publish = False

    def compute(self) -> ChangeReport:
        self.computed += 1
        return ChangeReport(DAY, list(self.changes))

    def publish(self, channel: str, report: ChangeReport) -> str:
        if self.fail_publish:
            raise RuntimeError("slack is down")
        self.published.append((channel, report))
        return f"1700000000.{len(self.published):06d}"

    def job(self, client: redis.Redis, compute: object = None) -> ChangeReportJob:
        return ChangeReportJob(client, compute=compute or self.compute, publish=self.publish)  # type: ignore[arg-type]


def test_three_replicas_racing_post_once(redis_url: str, redis_client: redis.Redis) -> None:
    fake = Fake(NEW_MODEL, PRICE)
    clients = [redis.Redis.from_url(redis_url, decode_responses=True, socket_timeout=5) for _ in range(3)]
    start = threading.Barrier(3, timeout=WAIT_S)
    finished: list[Outcome] = []
    errors: list[BaseException] = []
    guard = threading.Lock()
    losers_done = threading.Event()

    def compute() -> ChangeReport:
        # Only the lock holder gets here; it holds the lock until both others have returned, so all three are
        # inside run() together and the others cannot have seen the day marked done.
        if not losers_done.wait(WAIT_S):
            raise AssertionError("the other replicas did not return while the lock was held")
        return fake.compute()

    def replica(job: ChangeReportJob) -> None:
        try:
            start.wait()
            outcome = job.run(DAY, CHANNEL)
        except BaseException as exc:
            with guard:
                errors.append(exc)
            losers_done.set()
            return
        with guard:
            finished.append(outcome)
            if len(finished) == 2:
                losers_done.set()

    threads = [threading.Thread(target=replica, args=(fake.job(c, compute),)) for c in clients]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(WAIT_S * 2)
    finally:
        for c in clients:
            c.close()
    assert not any(t.is_alive() for t in threads) and errors == []
    assert sorted(o.status for o in finished) == ["locked", "locked", "posted"]
    [posted] = [o for o in finished if o.status == "posted"]
    assert fake.computed == 1 and len(fake.published) == 1
    assert redis_client.get(keys.catalog_changes_done(CHANNEL, DAY.isoformat())) == posted.ts
    assert redis_client.exists(keys.catalog_changes_lock(CHANNEL, DAY.isoformat())) == 0
    assert redis_client.smembers(keys.catalog_changes_seen(CHANNEL)) == {NEW_MODEL.fingerprint, PRICE.fingerprint}
    assert 0 < redis_client.ttl(keys.catalog_changes_seen(CHANNEL)) <= keys.CATALOG_CHANGES_SEEN_TTL_S


def test_a_change_is_announced_once_and_only_new_ones_the_next_day(redis_client: redis.Redis) -> None:
    fake = Fake(NEW_MODEL, PRICE)
    job = fake.job(redis_client)
    assert job.run(DAY, CHANNEL).status == "posted"
    again = job.run(DAY, CHANNEL)
    assert again.status == "already_done" and fake.computed == 1
    next_day = date(2026, 12, 3)
    quiet = job.run(next_day, CHANNEL)  # the same two changes are still pending: nothing new to say
    assert quiet.status == "nothing_new" and quiet.ts == NOTHING_POSTED and len(fake.published) == 1
    assert redis_client.get(keys.catalog_changes_done(CHANNEL, next_day.isoformat())) == NOTHING_POSTED
    fake.changes.append(LEGACY)
    third = date(2026, 12, 4)
    outcome = job.run(third, CHANNEL)
    assert outcome.status == "posted"
    assert [c.fingerprint for c in fake.published[-1][1].changes] == [LEGACY.fingerprint]


def test_channels_are_separate(redis_client: redis.Redis) -> None:
    fake = Fake(NEW_MODEL)
    job = fake.job(redis_client)
    assert job.run(DAY, CHANNEL).status == "posted"
    assert job.run(DAY, "C0OTHER").status == "posted"
    assert [c for c, _ in fake.published] == [CHANNEL, "C0OTHER"]


def test_a_failed_post_marks_nothing_and_releases_the_lock(redis_client: redis.Redis) -> None:
    fake = Fake(NEW_MODEL)
    fake.fail_publish = True
    job = fake.job(redis_client)
    with pytest.raises(RuntimeError):
        job.run(DAY, CHANNEL)
    assert redis_client.keys("bra:catalog:changes:*") == []
    fake.fail_publish = False
    assert job.run(DAY, CHANNEL).status == "posted"  # the next tick posts it


def test_a_lock_held_by_another_replica_is_left_alone(redis_client: redis.Redis) -> None:
    lock = keys.catalog_changes_lock(CHANNEL, DAY.isoformat())
    redis_client.set(lock, "someone-else", px=60_000)
    fake = Fake(NEW_MODEL)
    assert fake.job(redis_client).run(DAY, CHANNEL).status == "locked"
    assert fake.computed == 0 and redis_client.get(lock) == "someone-else"


def test_due_today_is_today_from_the_report_time_on() -> None:
    at = time(8, 30)
    assert due_today(datetime(2026, 12, 2, 8, 30, tzinfo=SEOUL), at) == date(2026, 12, 2)
    assert due_today(datetime(2026, 12, 2, 8, 29, tzinfo=SEOUL), at) == date(2026, 12, 1)
    assert due_today(datetime(2026, 1, 1, 0, 5, tzinfo=SEOUL), at) == date(2025, 12, 31)


def test_the_scheduler_runs_the_due_day_once(redis_client: redis.Redis) -> None:
    fake = Fake(PRICE)
    now = datetime(2026, 12, 2, 9, 0, tzinfo=SEOUL)
    scheduler = Scheduler(fake.job(redis_client), channel=CHANNEL, tz=SEOUL, at=time(8, 30), every_s=60,
                          now=lambda tz: now, due=due_today, name="catalog-changes")
    first, second = scheduler.tick(), scheduler.tick()
    assert first is not None and first.status == "posted" and first.day == DAY
    assert second is not None and second.status == "already_done" and len(fake.published) == 1
