"""Recording one usage event with real Redis: `Ledger.record`, which writes the raw event into the capped stream and
increments its 15 daily and monthly aggregate hashes (with their expiry) in one EVALSHA of the ledger's Lua script.

Goal: p99 < 2 ms per event with Redis.

Run from the repository root (needs a Redis; the run flushes its database before and after, DB 0 is refused):
    .venv/bin/python benchmarks/bench_usage_record.py [--events 20000] [--threads 8] [--redis-url URL]
        [--deadline 100]
(also as a module: `.venv/bin/python -m benchmarks.bench_usage_record`). Redis: --redis-url, else BENCH_REDIS_URL,
else redis://127.0.0.1:6379/14.

The ledger is built as serve builds it (`Ledger(client, tz=Asia/Seoul, retention_days=400, max_events=100_000,
buffer_max=10_000)`) on the bot's own client (`bot.store.client.connect`: short timeouts, a connection pool).
Events are generated before timing, from a fixed seed: 1,000 users, 20 chat models of the catalog (priced in
us-east-1, cost from `call_cost`), 10 channels, 5 features, 2 teams, random token counts, 1 % unpriced.

1. Single thread: after --warm-up events (on the day before, so they stay out of the check), --events calls of
   `ledger.record(event)`, each timed with `time.perf_counter_ns`: p50/p90/p99/max/mean in ms and events/s. Also
   Redis's own time per EVALSHA (the delta of INFO commandstats) and the Python time to build the script's
   arguments (`Ledger._prepare`, no Redis), to show where a call's time goes.
2. --threads threads sharing that one Ledger (as serve's listener threads do), another --events events between
   them, started together: per-call latency percentiles and the throughput over the wall time.
3. Check: the day's "all" aggregate read back with `ledger.day(day, "all")` equals the sum of every event recorded
   in 1 and 2 (requests, cost_nusd and every other metric): "totals exact: yes/no".

Prints the figures and PASS/MISS against the goal; exits 0 either way (1 when Redis is not usable, a record call
raises, or the totals are not exact). Bounded: at most --events per part, stopped early after --deadline seconds.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a plain script: make `benchmarks` and `bot` importable from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import os
import platform
import random
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis

from benchmarks.slack_server import DEFAULT_BENCH_REDIS_URL, Deadline, percentile, redact, with_bench_redis
from benchmarks.usage_data import FEATURE_WEIGHTS, FEATURES, REGION, SEED, TEAMS, TZ, bench_models, random_usage
from bot.access import AccessPolicy
from bot.catalog.catalog import Catalog
from bot.chat.cost import call_cost
from bot.chat.plan import Planner
from bot.console import build_engine
from bot.settings import ChatSettings
from bot.usage.event import Totals, UsageEvent, to_nusd
from bot.usage.ledger import ALL, DAY_DIMS, MONTH_DIMS, Ledger

GOAL_P99_MS = 2.0
USERS, MODELS, CHANNELS = 1_000, 20, 10


def make_events(catalog: Catalog, models: list[str], n: int, at: datetime, rng: random.Random) -> list[UsageEvent]:
    """`n` varied events at `at` (one local day)."""
    planner = Planner(catalog, AccessPolicy(), ChatSettings(), REGION)  # the ids serve would call
    profiles = {k: planner.model_id(catalog.models[k]) for k in models}
    weights = [1 / (i + 1) for i in range(len(models))]  # a few models carry most of the traffic
    out = []
    for model, feature in zip(
        rng.choices(models, weights, k=n), rng.choices(FEATURES, FEATURE_WEIGHTS, k=n), strict=True
    ):
        usage = random_usage(rng, catalog.models[model].features.prompt_caching)
        usd = call_cost(catalog, model, REGION, usage).usd
        out.append(
            UsageEvent(
                team=rng.choice(TEAMS),
                channel=f"C0BENCH{rng.randrange(CHANNELS):03d}",
                user=f"U0BENCH{rng.randrange(USERS):04d}",
                feature=feature,
                model=model,
                region=REGION,
                profile=profiles[model],
                input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,
                cache_read_tokens=usage.cache_read_tokens,
                cache_write_tokens=usage.cache_write_tokens,
                latency_ms=rng.uniform(200, 9_000),
                cost_nusd=None if usd is None or rng.random() < 0.01 else to_nusd(usd),
                calls=2 if feature == "assistant" and rng.random() < 0.3 else 1,
                at=at,
            )
        )
    return out


@dataclass
class Part:
    """What one part measured: per-call latencies (ns), the events recorded, wall time, Redis's EVALSHA time."""

    label: str
    wanted: int
    latencies_ns: list[int]
    recorded: list[UsageEvent]
    wall_s: float
    buffered: int  # record() returned False: Redis did not answer, the event went to the memory buffer
    server_us: float | None = None  # Redis's own usec per EVALSHA over the part


def evalsha_stats(client: redis.Redis) -> tuple[int, int]:
    """(calls, usec) of EVALSHA so far, from INFO commandstats."""
    stats = client.info("commandstats").get("cmdstat_evalsha", {})
    return int(stats.get("calls", 0)), int(stats.get("usec", 0))


def single(ledger: Ledger, events: list[UsageEvent], deadline: Deadline) -> Part:
    latencies, recorded, buffered = [], [], 0
    started = time.perf_counter()
    for event in events:
        if deadline.passed:
            break
        t0 = time.perf_counter_ns()
        ok = ledger.record(event)
        latencies.append(time.perf_counter_ns() - t0)
        recorded.append(event)
        buffered += not ok
    return Part("1. single thread", len(events), latencies, recorded, time.perf_counter() - started, buffered)


def threaded(ledger: Ledger, events: list[UsageEvent], threads: int, deadline: Deadline) -> Part:
    batches = [events[i::threads] for i in range(threads)]
    latencies: list[list[int]] = [[] for _ in range(threads)]
    recorded: list[list[UsageEvent]] = [[] for _ in range(threads)]
    buffered = [0] * threads
    errors: list[BaseException] = []
    start = threading.Barrier(threads + 1)

    def work(i: int) -> None:
        try:
            start.wait(timeout=30)
            for event in batches[i]:
                if deadline.passed:
                    return
                t0 = time.perf_counter_ns()
                ok = ledger.record(event)
                latencies[i].append(time.perf_counter_ns() - t0)
                recorded[i].append(event)
                buffered[i] += not ok
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(i,), name=f"bench-record-{i}") for i in range(threads)]
    for w in workers:
        w.start()
    start.wait(timeout=30)
    started = time.perf_counter()
    for w in workers:
        w.join(timeout=max(deadline.remaining(), 0.0) + 30)
    wall = time.perf_counter() - started
    if errors:
        raise errors[0]
    return Part(
        f"2. {threads} threads sharing one Ledger",
        len(events),
        [x for part in latencies for x in part],
        [e for part in recorded for e in part],
        wall,
        sum(buffered),
    )


def measure(client: redis.Redis, run: Callable[[], Part]) -> Part:
    """`run()`, with Redis's own time per EVALSHA over it."""
    calls, usec = evalsha_stats(client)
    part = run()
    calls2, usec2 = evalsha_stats(client)
    if calls2 > calls:
        part.server_us = (usec2 - usec) / (calls2 - calls)
    return part


def show(part: Part) -> None:
    ms = [x / 1e6 for x in part.latencies_ns]
    print(f"{part.label}: {len(ms):,} of {part.wanted:,} events in {part.wall_s:.2f} s")
    if not ms:
        return
    print(
        f"   per record(): p50 {percentile(ms, 50):.3f} ms | p90 {percentile(ms, 90):.3f} ms | "
        f"p99 {percentile(ms, 99):.3f} ms | max {max(ms):.3f} ms | mean {statistics.mean(ms):.3f} ms"
    )
    line = f"   throughput: {len(ms) / part.wall_s:,.0f} events/s"
    if part.server_us is not None:
        line += f" | Redis's own time per EVALSHA: {part.server_us:.1f} µs (INFO commandstats)"
    print(line)
    if part.buffered:
        print(f"   {part.buffered:,} events were buffered in memory (Redis did not answer in time)")


def prepare_cost_us(ledger: Ledger, events: list[UsageEvent]) -> float:
    """Mean µs of building the script's keys and arguments in Python (no Redis)."""
    sample = events[: min(len(events), 5_000)]
    t0 = time.perf_counter_ns()
    for event in sample:
        ledger._prepare(event)
    return (time.perf_counter_ns() - t0) / len(sample) / 1000


def check_totals(ledger: Ledger, events: list[UsageEvent], day_at: datetime) -> bool:
    expected = sum((Totals(*e.amounts()) for e in events), Totals())
    got = ledger.day(day_at.astimezone(TZ).date(), "all").get(ALL, Totals())
    exact = got == expected
    print(
        f"totals exact: {'yes' if exact else 'no'} (requests {got.requests:,} recorded vs {expected.requests:,} "
        f"sent; cost_nusd {got.cost_nusd:,} vs {expected.cost_nusd:,}; every metric "
        f"{'equal' if exact else 'NOT equal: ' + str(got) + ' vs ' + str(expected)})"
    )
    return exact


def header(args: argparse.Namespace, client: redis.Redis) -> None:
    version = client.info("server").get("redis_version", "?")
    print(
        "Usage ledger: the cost of recording one usage event, Ledger.record (one EVALSHA: stream entry + "
        f"{len(DAY_DIMS) + len(MONTH_DIMS)} aggregate hashes)"
    )
    print(
        f"Redis: {redact(args.redis_url)} (Redis {version}) | Python {platform.python_version()} | "
        f"{os.cpu_count()} cores | {platform.platform(terse=True)}"
    )
    print(
        f"reproduce: .venv/bin/python benchmarks/bench_usage_record.py --events {args.events} --threads "
        f"{args.threads} --warm-up {args.warm_up} --redis-url {redact(args.redis_url)} --deadline {args.deadline:g}"
    )
    print(
        f"events: {USERS:,} users, {MODELS} chat models (priced in {REGION}), {CHANNELS} channels, "
        f"{len(FEATURES)} features, {len(TEAMS)} teams; {args.warm_up:,} warm-up events first (another day)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000, help="events per part (default 20000)")
    parser.add_argument("--threads", type=int, default=8, help="threads of part 2 (default 8)")
    parser.add_argument("--warm-up", type=int, default=1_000, help="warm-up events, not timed (default 1000)")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL") or DEFAULT_BENCH_REDIS_URL,
        help="a dedicated Redis DB, flushed before and after (default BENCH_REDIS_URL or DB 14 on 127.0.0.1)",
    )
    parser.add_argument("--deadline", type=float, default=100.0, help="seconds for the whole run (default 100)")
    args = parser.parse_args(argv)
    if args.events < 1 or args.threads < 1 or args.warm_up < 0:
        parser.error("--events and --threads must be at least 1, --warm-up at least 0")
    return with_bench_redis(args.redis_url, args.deadline, lambda client, deadline: run(args, client, deadline))


def run(args: argparse.Namespace, client: redis.Redis, deadline: Deadline) -> int:
    header(args, client)
    catalog = build_engine().catalog
    models = bench_models(catalog, MODELS)
    ledger = Ledger(client, tz=TZ, retention_days=400, max_events=100_000, buffer_max=10_000)
    rng = random.Random(SEED)
    at = datetime.now(UTC).replace(microsecond=0)  # every measured event on one local day
    warm = make_events(catalog, models, args.warm_up, at - timedelta(days=1), rng)
    first = make_events(catalog, models, args.events, at, rng)
    second = make_events(catalog, models, args.events, at, rng)
    for event in warm:
        ledger.record(event)

    one = measure(client, lambda: single(ledger, first, deadline))
    many = measure(client, lambda: threaded(ledger, second, args.threads, deadline))
    show(one)
    print(f"   of which building the script's keys and arguments in Python (Ledger._prepare): "
          f"{prepare_cost_us(ledger, first):.1f} µs per event")  # fmt: skip
    show(many)
    left = ledger.flush()
    exact = check_totals(ledger, one.recorded + many.recorded, at)
    if left:
        print(f"{left:,} events still buffered in memory after a flush")

    verdicts = []
    for part, name in ((one, "single thread"), (many, f"{args.threads} threads")):
        if part.latencies_ns:
            p99 = percentile([x / 1e6 for x in part.latencies_ns], 99)
            verdicts.append(f"{name} p99 {p99:.3f} ms {'PASS' if p99 < GOAL_P99_MS else 'MISS'}")
    print(f"goal: p99 < {GOAL_P99_MS:g} ms per event with Redis: {'; '.join(verdicts)}")
    if deadline.passed:
        print(f"deadline of {deadline.seconds:g} s passed: the figures cover the events recorded by then")
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
