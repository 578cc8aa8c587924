"""Usage events survive a stop while Redis is down: `Ledger.close` writes what it can and spills the rest to a
durable file, the next process's `Ledger.replay` writes them in order, once — also with two processes replaying
the same folder, and after a crash that left a spill file already written. Real Redis; real outages (a proxy)."""

from __future__ import annotations

import logging
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
import redis

from bot.usage.event import METRICS
from bot.usage.ledger import ALL, DAY_DIMS, Ledger
from bot.usage.spill import Spill, Spilled
from tests.usage.proxy import TcpProxy
from tests.usage.test_ledger import event, make_ledger, stream

DAY = date(2026, 11, 21)


def spill_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".jsonl")


def down_ledger(proxied: redis.Redis, proxy: TcpProxy, folder: Path, count: int) -> Ledger:
    """A ledger that buffered `count` events (users U0…) while Redis was away."""
    ledger = make_ledger(proxied, spill=Spill(folder), retry_after_s=3600.0)
    proxy.stop()
    for n in range(count):
        assert ledger.record(event(n)) is False
    return ledger


def test_a_stop_while_redis_is_down_spills_and_the_next_start_writes_all_in_order(
    proxy: TcpProxy, proxied: redis.Redis, redis_client: redis.Redis, tmp_path: Path
) -> None:
    ledger = down_ledger(proxied, proxy, tmp_path, 10)
    assert ledger.close(timeout_s=0.3) == 10
    assert len(spill_files(tmp_path)) == 1 and ledger.lost == 0
    assert stream(redis_client) == []

    proxy.start()
    restarted = make_ledger(proxied, spill=Spill(tmp_path))
    assert restarted.replay() == 10
    assert [e["user"] for e in stream(redis_client)] == [f"U{n}" for n in range(10)]
    assert restarted.day(DAY, "all")[ALL].requests == 10
    assert list(tmp_path.iterdir()) == []
    assert make_ledger(proxied, spill=Spill(tmp_path)).replay() == 0  # once


def test_a_stop_with_redis_back_writes_the_buffer_and_spills_nothing(
    proxy: TcpProxy, proxied: redis.Redis, redis_client: redis.Redis, tmp_path: Path
) -> None:
    ledger = down_ledger(proxied, proxy, tmp_path, 3)
    proxy.start()
    assert ledger.close(timeout_s=5) == 0
    assert len(stream(redis_client)) == 3
    assert not tmp_path.exists() or spill_files(tmp_path) == []


def test_an_event_recorded_after_close_with_redis_down_is_spilled_not_lost(
    proxy: TcpProxy, proxied: redis.Redis, redis_client: redis.Redis, tmp_path: Path
) -> None:
    ledger = down_ledger(proxied, proxy, tmp_path, 1)
    ledger.close(timeout_s=0)
    assert ledger.record(event(7)) is False  # a listener still finishing its answer during shutdown
    assert len(spill_files(tmp_path)) == 2

    proxy.start()
    assert make_ledger(proxied, spill=Spill(tmp_path)).replay() == 2
    assert [e["user"] for e in stream(redis_client)] == ["U0", "U7"]


def test_two_processes_replaying_one_folder_write_each_event_once(
    proxy: TcpProxy, proxied: redis.Redis, redis_client: redis.Redis, tmp_path: Path
) -> None:
    for _ in range(4):
        ledger = down_ledger(proxied, proxy, tmp_path, 5)
        ledger.close(timeout_s=0)
        proxy.start()
    assert len(spill_files(tmp_path)) == 4

    replicas = [make_ledger(proxied, spill=Spill(tmp_path)) for _ in range(2)]
    counts: list[int] = []
    threads = [threading.Thread(target=lambda r=r: counts.append(r.replay())) for r in replicas]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 20
    assert replicas[0].day(DAY, "all")[ALL].requests == 20


def test_a_spill_file_replayed_twice_after_a_crash_counts_once(
    proxy: TcpProxy, proxied: redis.Redis, redis_client: redis.Redis, tmp_path: Path
) -> None:
    ledger = down_ledger(proxied, proxy, tmp_path, 4)
    ledger.close(timeout_s=0)
    [spilled] = spill_files(tmp_path)
    shutil.copy(spilled, tmp_path / ("usage-99999999999999999999-copy.jsonl"))  # a crash left it behind
    proxy.start()

    assert make_ledger(proxied, spill=Spill(tmp_path)).replay() == 8
    assert len(stream(redis_client)) == 4
    assert make_ledger(redis_client).day(DAY, "all")[ALL].requests == 4


def test_a_spill_that_cannot_be_written_is_counted_lost_and_logged(
    proxy: TcpProxy, proxied: redis.Redis, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    ledger = down_ledger(proxied, proxy, blocked, 3)
    with caplog.at_level(logging.ERROR, logger="bot.usage.ledger"):
        ledger.close(timeout_s=0)
    assert ledger.lost == 3
    [record] = [r for r in caplog.records if "lost" in r.getMessage()]
    assert record.__dict__["lost"] == 3


def test_an_unreadable_spill_file_is_kept_aside_and_its_events_counted_lost(
    redis_client: redis.Redis, tmp_path: Path
) -> None:
    (tmp_path / "usage-00000000000000000001-host-1-x.jsonl").write_text('{"id": "a"}\nnot json\n', encoding="utf-8")
    ledger = make_ledger(redis_client, spill=Spill(tmp_path))
    assert ledger.replay() == 0
    assert ledger.lost == 2
    assert [p.suffix for p in tmp_path.iterdir()] == [".bad"]


def test_a_file_spilled_before_the_billing_metrics_existed_is_replayed_with_zeros(
    redis_client: redis.Redis, tmp_path: Path
) -> None:
    # A spill written by the version before the tier/route/part metrics: 9 metric amounts, 9 day dimensions. The
    # current script reads 17 amounts; the replay pads the new ones with zeros instead of failing on every retry.
    old_metrics, old_day_dims = 9, 9
    e = event(1, cache_write_tokens=5)
    write = make_ledger(redis_client)._prepare(e)
    day_keys, month_keys = write.keys[: len(DAY_DIMS)], write.keys[len(DAY_DIMS) : -1]
    amounts = list(e.amounts())[:old_metrics]
    values = write.args[3 + len(METRICS) :]
    old_args = [old_day_dims, *write.args[1:3], *amounts, *values[:old_day_dims], *values[len(DAY_DIMS) :]]
    old_keys = [*day_keys[:old_day_dims], *month_keys, write.keys[-1]]
    Spill(tmp_path).write([Spilled("old-1", old_keys, old_args)])

    ledger = make_ledger(redis_client, spill=Spill(tmp_path))
    assert ledger.replay() == 1 and ledger.buffered == 0
    everyone = ledger.day(DAY, "all")[ALL]
    assert (everyone.requests, everyone.input, everyone.cache_write, everyone.cost_nusd) == (1, 101, 5, 1_001)
    assert (everyone.cache_write_1h, everyone.partial, everyone.expired_cache_write) == (0, 0, 0)
    assert ledger.month(DAY, "user")["U1"].requests == 1
    assert ledger.day(DAY, "bill") == {}  # the old version had no such dimension
    assert [r["user"] for r in stream(redis_client)] == ["U1"]
