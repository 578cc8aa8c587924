"""Computing the daily cost digest (`bot.digest.report.compute`) over 30 days of usage by 1,000 users on 20 models
in 10 channels, with real Redis; then rendering it (`bot.digest.present.as_answer`, the Slack blocks and the console
text) and drawing its chart (`bot.digest.chart.cost_chart`, as `bot.digest.assemble.chart` calls it).

Goal: digest computation < 2 s.

Run from the repository root (needs a Redis; the run flushes its database before and after, DB 0 is refused):
    .venv/bin/python benchmarks/bench_digest.py [--repeat 5] [--seed direct|record] [--redis-url URL]
        [--deadline 100]
(also as a module: `.venv/bin/python -m benchmarks.bench_digest`). Redis: --redis-url, else BENCH_REDIS_URL, else
redis://127.0.0.1:6379/14.

Data (fixed seed): the 30 local days (Asia/Seoul) up to yesterday — the day the scheduler would post. On each day
every one of 1,000 users calls 3 of the 20 models (chat models of the catalog priced in us-east-1, cost from
`call_cost`): one usage event per user, model and day, so 90,000 events; each in one of 10 channels, with one of 5
features (chat, assistant, summary, compare, try) and one of 2 teams. On the digest's day each team also has a few
hundred guardrail interventions, written through a real `Interventions` on the same client.

Seeding. `--seed direct` (the default) writes the aggregates straight into Redis: every event goes through the
ledger's own `Ledger._prepare` (its keys, dimension values and amounts), the ledger's Lua script (`_RECORD`: per
hash key, HINCRBY "<value>|<metric>" for each non-zero amount, then EXPIRE with the day or month TTL) is applied to
them in Python, and the resulting hashes are written with pipelined HSET + EXPIRE — a few seconds. The raw event
stream is not written (the digest does not read it). Before that, a layout check records a sample of the events
through `Ledger.record` and writes the same sample directly, and compares every aggregate hash (fields, values,
TTLs): the run stops unless they are identical. `--seed record` instead records all 90,000 events through
`Ledger.record` from 8 threads, one Ledger each (as replicas would, so the ledger's lock does not serialise them):
about 55 s on a 2-core machine (direct: about 15 s), which is why it is not the default.

Measured: `compute(ledger, catalog, interventions, budgets=BudgetPolicy(total_monthly_usd=5000), day, lang="ko",
region="us-east-1", top=5)` --repeat times (min/median/max), with the Redis reads inside it timed and the hash
fields they return counted; then `as_answer`, `answer_blocks` (what Slack is sent) and `render` (console), and the
chart PNG (the first chart in a process pays for importing matplotlib and finding a Hangul font, so it is shown
apart). Prints the figures and PASS/MISS against the goal; exits 0 either way (1 when Redis is not usable, the
layout check fails, or a step raises). Bounded: a fixed amount of data; the repeats stop early after --deadline.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a plain script: make `benchmarks`, `bot` and `handlers` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import json
import os
import platform
import random
import statistics
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import Any

import redis

from benchmarks.slack_server import DEFAULT_BENCH_REDIS_URL, Deadline, prepare_redis, redact, with_bench_redis
from benchmarks.usage_data import FEATURE_WEIGHTS, FEATURES, REGION, SEED, TEAMS, TZ, bench_models, random_usage
from bot.access import AccessPolicy
from bot.catalog.catalog import Catalog
from bot.chat.cost import call_cost
from bot.chat.plan import Planner
from bot.console import build_engine
from bot.digest.assemble import chart
from bot.digest.report import Digest, compute
from bot.guardrails.verdict import Hit
from bot.settings import ChatSettings
from bot.store import keys
from bot.store.interventions import Interventions, Where
from bot.usage.budgets import BudgetPolicy
from bot.usage.event import METRICS, UsageEvent, to_nusd, to_usd
from bot.usage.ledger import Ledger

GOAL_S = 2.0
DAYS, USERS, MODELS, CHANNELS, MODELS_PER_USER_DAY = 30, 1_000, 20, 10, 3
SEED_THREADS = 8
LAYOUT_SAMPLE = 600
PIPELINE_CHUNK = 1_000
RETENTION_DAYS, MAX_EVENTS, BUFFER_MAX = 400, 100_000, 10_000
GUARD_KINDS = (("rrn", "mask"), ("phone", "mask"), ("email", "mask"), ("card", "block"), ("topic:investment", "block"),
               ("attack:jailbreak", "block"), ("word", "warn"))  # fmt: skip


# -- the data ---------------------------------------------------------------------------------------------------------


def make_events(catalog: Catalog, models: list[str], days: Sequence[date], rng: random.Random) -> list[UsageEvent]:
    """One event per day, user and each of the 3 models the user picked that day."""
    planner = Planner(catalog, AccessPolicy(), ChatSettings(), REGION)  # the ids serve would call
    profiles = {k: planner.model_id(catalog.models[k]) for k in models}
    caching = {k: catalog.models[k].features.prompt_caching for k in models}
    out = []
    for d in days:
        noon = datetime.combine(d, clock(12), TZ).astimezone(UTC)
        for u in range(USERS):
            user, team = f"U0BENCH{u:04d}", TEAMS[u % len(TEAMS)]
            for model in rng.sample(models, MODELS_PER_USER_DAY):
                feature = rng.choices(FEATURES, FEATURE_WEIGHTS)[0]
                usage = random_usage(rng, caching[model])
                usd = call_cost(catalog, model, REGION, usage).usd
                out.append(
                    UsageEvent(
                        team=team,
                        channel=f"C0BENCH{rng.randrange(CHANNELS):03d}",
                        user=user,
                        feature=feature,
                        model=model,
                        region=REGION,
                        profile=profiles[model],
                        input_tokens=usage.input_tokens,
                        output_tokens=usage.output_tokens,
                        cache_read_tokens=usage.cache_read_tokens,
                        cache_write_tokens=usage.cache_write_tokens,
                        latency_ms=rng.uniform(200, 9_000),
                        cost_nusd=None if usd is None else to_nusd(usd),
                        at=noon + timedelta(seconds=rng.randrange(-40_000, 40_000)),
                    )
                )
    return out


def new_ledger(client: redis.Redis) -> Ledger:
    return Ledger(client, tz=TZ, retention_days=RETENTION_DAYS, max_events=MAX_EVENTS, buffer_max=BUFFER_MAX)


# -- seeding ----------------------------------------------------------------------------------------------------------


def aggregates(ledger: Ledger, events: Iterable[UsageEvent]) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """What the ledger's Lua script leaves in Redis for `events`: hash key -> field -> amount, and key -> TTL.

    Mirrors `_RECORD` over `Ledger._prepare`'s keys and ARGV: ARGV 1 day keys, 2 day TTL, 3 month TTL, then one
    amount per metric of METRICS, one dimension value per hash key, ...; HINCRBY "<value>|<metric>" when the amount is
    not 0; the first ARGV[1] hash keys expire after the day TTL, the rest after the month TTL. Amounts are never
    negative, so a field exists exactly when its sum is not 0."""
    sums: dict[str, dict[str, list[int]]] = {}
    ttls: dict[str, int] = {}
    metrics: list[str] = []
    for event in events:
        write = ledger._prepare(event)
        args, hash_keys = write.args, write.keys[:-1]  # the last key is the stream
        nday, nm = int(args[0]), len(METRICS)
        metrics = list(METRICS)
        amounts = [int(a) for a in args[3 : 3 + nm]]
        if any(a < 0 for a in amounts):
            raise ValueError(f"a negative amount in {event}: the direct writes assume none")
        values = args[3 + nm : 3 + nm + len(hash_keys)]
        for i, (key, value) in enumerate(zip(hash_keys, values, strict=True)):
            by_value = sums.get(key)
            if by_value is None:
                by_value = sums[key] = {}
                ttls[key] = int(args[1] if i < nday else args[2])
            total = by_value.get(str(value))
            if total is None:
                by_value[str(value)] = amounts
            else:
                by_value[str(value)] = [a + b for a, b in zip(total, amounts, strict=True)]
    fields = {
        key: {f"{value}|{m}": a for value, total in by_value.items() for m, a in zip(metrics, total, strict=True) if a}
        for key, by_value in sums.items()
    }
    return fields, ttls


def write_direct(client: redis.Redis, sums: dict[str, dict[str, int]], ttls: dict[str, int]) -> int:
    """HSET + EXPIRE every hash, pipelined; the number of fields written."""
    pipe = client.pipeline(transaction=False)
    queued = fields = 0
    for key, mapping in sums.items():
        if not mapping:
            continue
        pipe.hset(key, mapping=mapping)  # type: ignore[arg-type]
        pipe.expire(key, ttls[key])
        fields += len(mapping)
        queued += 1
        if queued >= PIPELINE_CHUNK:
            pipe.execute()
            queued = 0
    pipe.execute()
    return fields


def seed_record(client: redis.Redis, events: list[UsageEvent], deadline: Deadline) -> int:
    """Record every event through `Ledger.record`, from SEED_THREADS threads with a Ledger each."""
    done = [0] * SEED_THREADS
    errors: list[BaseException] = []

    def work(i: int) -> None:
        ledger = new_ledger(client)
        try:
            for event in events[i::SEED_THREADS]:
                if deadline.passed:
                    return
                ledger.record(event)
                done[i] += 1
            ledger.flush()
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(i,), name=f"bench-seed-{i}") for i in range(SEED_THREADS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=deadline.remaining() + 30)
    if errors:
        raise errors[0]
    return sum(done)


def snapshot(client: redis.Redis) -> dict[str, tuple[dict[str, str], int]]:
    """Every usage aggregate hash in the database: key -> (fields, TTL)."""
    out: dict[str, tuple[dict[str, str], int]] = {}
    for pattern in (keys.usage_day("*", "*"), keys.usage_month("*", "*")):
        for key in client.scan_iter(match=pattern, count=1_000):
            fields: dict[str, str] = client.hgetall(key)  # type: ignore[assignment]
            out[str(key)] = (fields, int(client.ttl(key)))
    return out


def layout_check(client: redis.Redis, url: str, events: list[UsageEvent], rng: random.Random) -> bool:
    """Record a sample through `Ledger.record`, write it directly, compare every aggregate hash."""
    sample = rng.sample(events, min(LAYOUT_SAMPLE, len(events)))
    prepare_redis(url)
    ledger = new_ledger(client)
    for event in sample:
        ledger.record(event)
    recorded = snapshot(client)
    prepare_redis(url)
    write_direct(client, *aggregates(ledger, sample))
    direct = snapshot(client)
    prepare_redis(url)
    same_fields = {k: v[0] for k, v in recorded.items()} == {k: v[0] for k, v in direct.items()}
    same_ttls = recorded.keys() == direct.keys() and all(abs(recorded[k][1] - direct[k][1]) <= 5 for k in recorded)
    print(
        f"layout check: {len(sample)} sample events through Ledger.record vs written directly: {len(recorded):,} vs "
        f"{len(direct):,} hashes, fields and values {'identical' if same_fields else 'DIFFERENT'}, TTLs "
        f"{'equal (±5 s)' if same_ttls else 'DIFFERENT'}"
    )
    return same_fields and same_ttls


def seed_interventions(client: redis.Redis, day: date, rng: random.Random) -> tuple[Interventions, int]:
    interventions = Interventions(client, retention_days=90, max_events=10_000, today=lambda: day)
    hits = 0
    for team in TEAMS:
        for n in range(150):
            where = Where(team, f"C0BENCH{rng.randrange(CHANNELS):03d}", f"U0BENCH{rng.randrange(USERS):04d}",
                          "nova-lite", "chat")  # fmt: skip
            batch = [Hit(kind, action) for kind, action in rng.sample(GUARD_KINDS, 1 + n % 2)]  # type: ignore[arg-type]
            interventions.record(where, "INPUT" if n % 3 else "OUTPUT", batch)
            hits += len(batch)
    return interventions, hits


# -- measuring --------------------------------------------------------------------------------------------------------


class CountingLedger(Ledger):
    """The ledger, counting the hashes and fields its reads return and the time they take."""

    def __init__(self, client: redis.Redis, **options: Any) -> None:
        super().__init__(client, **options)
        self.reset()

    def reset(self) -> None:
        self.hashes = self.fields = 0
        self.read_s = 0.0

    def _hgetall(self, names: Sequence[str]) -> list[dict[str, str]]:
        started = time.perf_counter()
        out = super()._hgetall(names)
        self.read_s += time.perf_counter() - started
        self.hashes += len(names)
        self.fields += sum(len(h) for h in out)
        return out


class CountingInterventions(Interventions):
    """The interventions store, counting the hashes and fields `day` returns."""

    def __init__(self, client: redis.Redis, **options: Any) -> None:
        super().__init__(client, **options)
        self.reset()

    def reset(self) -> None:
        self.hashes = self.fields = 0

    def day(self, team: str, day: date) -> dict[tuple[str, ...], int]:
        out = super().day(team, day)
        self.hashes += 1
        self.fields += len(out)
        return out


def timed(fn: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def chart_png(digest: Digest, catalog: Catalog) -> bytes:
    """The digest's chart, drawn as serve draws it."""
    return chart(catalog, digest)


def spread(values: list[float], unit: str = "s") -> str:
    scale = 1000 if unit == "ms" else 1
    low, mid, high = (v * scale for v in (min(values), statistics.median(values), max(values)))
    return f"min {low:.3f} {unit} | median {mid:.3f} {unit} | max {high:.3f} {unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="timed digest computations (default 5)")
    parser.add_argument("--seed", choices=("direct", "record"), default="direct", help="how the data is written")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL") or DEFAULT_BENCH_REDIS_URL,
        help="a dedicated Redis DB, flushed before and after (default BENCH_REDIS_URL or DB 14 on 127.0.0.1)",
    )
    parser.add_argument("--deadline", type=float, default=100.0, help="seconds for the whole run (default 100)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return with_bench_redis(args.redis_url, args.deadline, lambda client, deadline: run(args, client, deadline))


def run(args: argparse.Namespace, client: redis.Redis, deadline: Deadline) -> int:
    version = client.info("server").get("redis_version", "?")
    print(
        f"Daily cost digest: compute() over {DAYS} days × {USERS:,} users × {MODELS} models × {CHANNELS} channels, "
        "then as_answer / Slack blocks / console text and the chart PNG"
    )
    print(
        f"Redis: {redact(args.redis_url)} (Redis {version}) | Python {platform.python_version()} | "
        f"{os.cpu_count()} cores | {platform.platform(terse=True)}"
    )
    print(
        f"reproduce: .venv/bin/python benchmarks/bench_digest.py --repeat {args.repeat} --seed {args.seed} "
        f"--redis-url {redact(args.redis_url)} --deadline {args.deadline:g}"
    )
    catalog = build_engine().catalog
    models = bench_models(catalog, MODELS)
    rng = random.Random(SEED)
    day = datetime.now(TZ).date() - timedelta(days=1)
    days = [day - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    events, made_s = timed(lambda: make_events(catalog, models, days, rng))
    print(
        f"data: {len(events):,} events ({days[0]} … {day}, {TZ.key}): every user on every day on "
        f"{MODELS_PER_USER_DAY} of {MODELS} models, {CHANNELS} channels, {len(FEATURES)} features, {len(TEAMS)} "
        f"teams; generated in {made_s:.1f} s"
    )
    if not layout_check(client, args.redis_url, events, rng):
        print("the direct writes do not match Ledger.record: not measuring", file=sys.stderr)
        return 1

    if args.seed == "direct":
        (sums, ttls), agg_s = timed(lambda: aggregates(new_ledger(client), events))
        fields, write_s = timed(lambda: write_direct(client, sums, ttls))
        print(
            f"seeding (direct): script applied in Python {agg_s:.1f} s + pipelined HSET/EXPIRE {write_s:.1f} s = "
            f"{agg_s + write_s:.1f} s; {len(sums):,} hashes, {fields:,} fields"
        )
    else:
        done, seed_s = timed(lambda: seed_record(client, events, deadline))
        print(
            f"seeding (record): {done:,} of {len(events):,} events through Ledger.record from {SEED_THREADS} "
            f"threads in {seed_s:.1f} s ({done / seed_s:,.0f} events/s)"
        )
    _, hits = seed_interventions(client, day, rng)
    print(f"interventions: {hits} hits on {day} over {len(TEAMS)} teams (Interventions.record)")

    ledger = CountingLedger(client, tz=TZ, retention_days=RETENTION_DAYS, max_events=MAX_EVENTS, buffer_max=BUFFER_MAX)
    interventions = CountingInterventions(client, retention_days=90, max_events=10_000, today=lambda: day)
    budgets = BudgetPolicy(total_monthly_usd=Decimal("5000"))

    def digest_once() -> Digest:
        return compute(ledger=ledger, catalog=catalog, interventions=interventions, budgets=budgets, day=day,
                       lang="ko", region=REGION, top=5)  # fmt: skip

    times: list[float] = []
    reads: list[float] = []
    digest = None
    for _ in range(args.repeat):
        if deadline.passed and times:
            break
        ledger.reset()
        interventions.reset()
        digest, seconds = timed(digest_once)
        times.append(seconds)
        reads.append(ledger.read_s)
    assert digest is not None
    print(f"compute(): {len(times)} runs: {spread(times)}")
    print(
        f"   of which the ledger's pipelined HGETALLs: median {statistics.median(reads):.3f} s; read per run: "
        f"{ledger.hashes:,} usage hashes with {ledger.fields:,} fields, {interventions.hashes} intervention "
        f"hashes with {interventions.fields:,} fields"
    )
    print(
        f"   digest: {digest.total.requests:,} requests, ${to_usd(digest.total.cost_nusd):,.2f} on {day}; "
        f"{digest.users:,} users, {digest.channels} channels, {len(digest.by_model)} models, "
        f"{len(digest.by_feature)} features, {len(digest.interventions)} intervention kinds; hints: "
        f"{', '.join(h.kind for h in digest.hints) or 'none'}; month ${digest.month.spent:,.2f} of "
        f"${digest.month.budget:,} (forecast ${digest.month.forecast:,.2f}); chart {len(digest.chart_days)} days × "
        f"{len(digest.chart_series)} models"
    )

    from bot.digest.present import as_answer
    from bot.render_text import render
    from handlers.blocks.answer import answer_blocks

    answer_times, block_times, text_times = [], [], []
    for _ in range(args.repeat):
        answer, seconds = timed(lambda: as_answer(digest, catalog))
        answer_times.append(seconds)
        blocks, seconds = timed(lambda a=answer: answer_blocks(a))
        block_times.append(seconds)
        text, seconds = timed(lambda a=answer: render(a))
        text_times.append(seconds)
    rows = len(answer.table.rows) if answer.table is not None else 0
    print(f"as_answer(): {spread(answer_times, 'ms')} — {len(answer.lines)} lines, {rows} table rows")
    print(f"answer_blocks() (the Slack message): {spread(block_times, 'ms')} — {len(blocks)} blocks, "
          f"{len(json.dumps(blocks, ensure_ascii=False).encode()):,} bytes of JSON")  # fmt: skip
    print(f"render() (console text): {spread(text_times, 'ms')} — {len(text):,} characters")

    png, first_s = timed(lambda: chart_png(digest, catalog))
    chart_times = [timed(lambda: chart_png(digest, catalog))[1] for _ in range(min(args.repeat, 3))]
    print(
        f"chart PNG (cost_chart): first in the process {first_s:.3f} s (imports matplotlib, finds a font), then "
        f"{spread(chart_times)} — {len(png):,} bytes"
    )

    median = statistics.median(times)
    verdict = "PASS" if median < GOAL_S else "MISS"
    print(f"goal: digest computation < {GOAL_S:g} s: median {median:.3f} s, max {max(times):.3f} s: {verdict}")
    if deadline.passed:
        print(f"deadline of {deadline.seconds:g} s passed: fewer repeats than asked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
