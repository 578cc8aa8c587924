"""Every call priced as AWS bills it, end to end: a mixed workload through the real model path into the usage
ledger, then the ledger's total against an independent recomputation from the catalog's rows (goal: equal to the
cent; it should be exact to the nano-dollar), and the time a priced call adds (call_cost + Meter.record).

Run from the repository root (needs a Redis; the run flushes its database before and after, DB 0 is refused):
    .venv/bin/python -m benchmarks.bench_billing [--calls 1000] [--seed 14] [--deadline 120]
(also as a plain script: `.venv/bin/python benchmarks/bench_billing.py`). Redis: BENCH_REDIS_URL, default
redis://127.0.0.1:6379/14.

The workload (deterministic from --seed): chat models with geo and global rows (Claude Sonnet 4.5 and Haiku 5.5
with long-context tiers, Opus 4.5), Nova (Nova 2 Lite with flex/priority on its profiles, Nova Lite, Nova Premier
priority), Llama 3.3 70B (in-Region and `us.`), Kimi K3 (every tier on every route), DeepSeek V3.2 (flex); called
from us-east-1, eu-west-1 and ap-northeast-1. A call is a "lane" — Region × the id called (the in-Region model id,
a geo profile, the global profile, each only where the catalog prices it there) × service tier (standard, flex,
priority where priced) — and a usage: 200-90K prompt tokens (on a lane with a long-context tier, three calls in ten
cross its `context_above`, some exactly at it, which stays at the base rate), split into input, cache reads and
5-minute and 1-hour cache writes for models that cache (1-hour only where the row prices it), 10-4,000 output
tokens.

Each call goes through the real stack: `BedrockChatModel.complete` (boto3 + langchain-aws ConverseStream, the
requested `serviceTier`) → the local Bedrock endpoint on 127.0.0.1 in this process, which reports the scripted
usage (`ScriptedReply` usage override; 1-hour writes as `cacheDetails` when the endpoint takes them) →
`call_cost(..., model_id=, tier=)` for the tier the response reports serving (the tier asked for when it reports
none) → `Meter.record` → `Ledger` in Redis. Then the raw events are read back (`Ledger.events`) and every event is
priced again by `tests.support.billing_oracle` (its own row matching, Decimal, no `bot.catalog.pricing`), summed
and compared with the ledger's day aggregate (`ledger.day(day, "all")`) and its tier/route split ("bill").

Prints both totals and their difference, the per-tier/route split, planned vs served (tiers echoed, 1-hour
writes reported, long-context calls), p50/p99 µs of call_cost and Meter.record apart from the model call, and
calls/s end to end. Exits 0 when the totals agree to the nano-dollar, 1 otherwise or when Redis is not usable.
Bounded: --calls calls, stopped early after --deadline seconds.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a plain script: make `benchmarks`, `bot` and `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import logging
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pydantic
from langchain_core.messages import HumanMessage
from pydantic import SecretStr

from benchmarks.slack_server import Deadline, percentile, prepare_redis, start_local_run
from bot.bedrock_local import LocalBedrock, LocalConfig
from bot.bedrock_local.replies import ScriptedReply
from bot.caller import Caller
from bot.catalog.catalog import Catalog
from bot.catalog.dimensions import ServiceTier, bedrock_tier, tier_of
from bot.catalog.schema import Model
from bot.chat.bedrock import bedrock_client
from bot.chat.cost import call_cost
from bot.chat.model import BedrockChatModel, ModelRequest
from bot.chat.types import Usage
from bot.settings import AwsSettings, ChatSettings, RedisSettings
from bot.store.client import connect
from bot.usage.event import NANO, Totals
from bot.usage.ledger import ALL, Ledger
from bot.usage.meter import Meter
from tests.support.billing_oracle import expected_cost

MODELS = (
    "claude-sonnet-4-5",
    "claude-haiku-5-5",
    "claude-opus-4-5",
    "nova-2-lite",
    "nova-lite",
    "nova-premier",
    "llama3-3-70b-instruct",
    "kimi-k3",
    "deepseek-v3.2",
)
REGIONS = ("us-east-1", "eu-west-1", "ap-northeast-1")
TIERS = ("standard", "flex", "priority")
TZ = ZoneInfo("Asia/Seoul")
CALLER = Caller(team="T0BILL", user="U0BILL", channel="C0BILL")


@dataclass(frozen=True)
class Lane:
    """Where a call goes and how it is billed: the Region it is made from, the id called, the tier asked for."""

    model: str
    region: str
    called: str
    tier: str
    thresholds: tuple[int, ...]  # the lane's long-context tiers
    one_hour: bool  # the lane's base row prices 1-hour cache writes


@dataclass(frozen=True)
class Planned:
    lane: Lane
    usage: Usage


def lanes(catalog: Catalog) -> list[Lane]:
    """Every (Region, id, tier) of the workload's models with an on-demand base row, from the raw rows."""
    out = []
    for key in MODELS:
        model = catalog.models[key]
        rows = [p for p in model.prices if p.mode.value == "on_demand" and p.unit.value == "tokens_1k"]
        for region in REGIONS:
            for called in [model.ids[0], *model.inference_profiles]:
                profile = None if called == model.ids[0] else called.lower()
                for tier in TIERS:
                    slot = [
                        p
                        for p in rows
                        if region in p.regions and p.tier.value == tier and (p.profile or "").lower() == (profile or "")
                    ]
                    base = next((p for p in slot if p.context_above is None), None)
                    if base is None:
                        continue
                    thresholds = tuple(sorted(p.context_above for p in slot if p.context_above is not None))
                    out.append(Lane(key, region, called, tier, thresholds, base.cache_write_1h is not None))
    return out


def plan(catalog: Catalog, calls: int, seed: int) -> list[Planned]:
    """`calls` calls: a model at random, then one of its lanes, then a usage for it."""
    rng = random.Random(seed)
    by_model: dict[str, list[Lane]] = defaultdict(list)
    for lane in lanes(catalog):
        by_model[lane.model].append(lane)
    missing = [k for k in MODELS if not by_model[k]]
    if missing:
        raise SystemExit(f"no priced lane in {REGIONS} for {missing}: update MODELS")
    out = []
    for _ in range(calls):
        lane = rng.choice(by_model[rng.choice(MODELS)])
        out.append(Planned(lane, usage_for(rng, catalog.models[lane.model], lane)))
    return out


def usage_for(rng: random.Random, model: Model, lane: Lane) -> Usage:
    roll = rng.random()
    window = model.context_window or 1_000_000
    if lane.thresholds and roll < 0.3:
        t = rng.choice(lane.thresholds)
        prompt = t if rng.random() < 0.2 else min(window, t + rng.randint(1, 60_000))
    else:
        prompt = rng.randint(200, 20_000) if roll < 0.8 else rng.randint(20_000, 90_000)
    read = write = write_1h = 0
    if model.features.prompt_caching:
        if rng.random() < 0.5:
            read = rng.randint(0, prompt * 3 // 4)
        if rng.random() < 0.25:
            write = rng.randint(0, (prompt - read) // 2)
        if lane.one_hour and rng.random() < 0.2:
            write_1h = rng.randint(0, (prompt - read - write) // 2)
    return Usage(prompt - read - write - write_1h, rng.randint(10, 4_000), read, write, write_1h)


def scripted(n: int, usage: Usage, details: bool) -> ScriptedReply:
    """The endpoint's reply for call `n`, reporting exactly `usage` (1-hour writes as `cacheDetails` if the
    endpoint takes them; else every write is reported, as a 5-minute one)."""
    writes = usage.cache_write_tokens + usage.cache_write_1h_tokens
    wire: dict[str, Any] = {
        "inputTokens": usage.input_tokens,
        "outputTokens": usage.output_tokens,
        "cacheReadInputTokens": usage.cache_read_tokens,
        "cacheWriteInputTokens": writes,
    }
    if details and writes:
        wire["cacheDetails"] = [
            {"ttl": ttl, "inputTokens": tokens}
            for ttl, tokens in (("5m", usage.cache_write_tokens), ("1h", usage.cache_write_1h_tokens))
            if tokens
        ]
    return ScriptedReply.model_validate({"text": f"billing call {n}", "usage": wire})


def takes_cache_details() -> bool:
    try:
        scripted(0, Usage(1, 1, 0, 0, 1), details=True)
    except pydantic.ValidationError:
        return False
    return True


@dataclass
class Measured:
    model_ns: list[int] = field(default_factory=list)
    cost_ns: list[int] = field(default_factory=list)
    record_ns: list[int] = field(default_factory=list)
    echoed: Counter[str] = field(default_factory=Counter)  # "asked→served" tiers
    sent: Counter[str] = field(default_factory=Counter)  # `serviceTier.type` in the requests the endpoint received
    one_hour_planned: int = 0
    one_hour_served: int = 0
    wall_s: float = 0.0
    buffered: int = 0


def aws(url: str, region: str) -> AwsSettings:
    """The AWS settings of a client in `region` (signing for it, so the endpoint serves that Region's profiles).
    By alias: `AwsSettings(region=...)` is ignored (the field only takes AWS_REGION / AWS_DEFAULT_REGION)."""
    return AwsSettings.model_validate({"AWS_REGION": region, "BEDROCK_ENDPOINT_URL": url})


def drive(local: LocalBedrock, ledger: Ledger, calls: list[Planned], deadline: Deadline) -> Measured:
    chat = ChatSettings()
    models = {
        region: BedrockChatModel(bedrock_client(aws(local.url, region), chat, pool=4), region) for region in REGIONS
    }
    catalog, meter, out = local.state.catalog, Meter(ledger), Measured()
    details = takes_cache_details()
    started = time.perf_counter()
    for n, call in enumerate(calls):
        if deadline.passed:
            break
        lane = call.lane
        local.script(scripted(n, call.usage, details), model=lane.model)
        request = ModelRequest(
            model_key=lane.model,
            model_id=lane.called,
            messages=[HumanMessage(f"billing benchmark call {n}")],
            max_tokens=64,
            metadata=CALLER.metadata("chat"),
            service_tier=bedrock_tier(ServiceTier(lane.tier)),
        )
        t0 = time.perf_counter_ns()
        done = models[lane.region].complete(request, lambda _: None)
        t1 = time.perf_counter_ns()
        tier = tier_of(done.served_tier) or ServiceTier(lane.tier)
        cost = call_cost(catalog, lane.model, lane.region, done.usage, model_id=lane.called, tier=tier)
        t2 = time.perf_counter_ns()
        event = meter.record(CALLER, "chat", model=lane.model, profile=lane.called, usage=done.usage, cost=cost)
        t3 = time.perf_counter_ns()
        out.model_ns.append(t1 - t0)
        out.cost_ns.append(t2 - t1)
        out.record_ns.append(t3 - t2)
        out.echoed[f"{lane.tier}→{done.served_tier or '(none)'}"] += 1
        out.one_hour_planned += call.usage.cache_write_1h_tokens
        out.one_hour_served += event.cache_write_1h_tokens
    out.wall_s = time.perf_counter() - started
    out.buffered = ledger.buffered
    for sent in local.requests:
        out.sent[str((sent.body.get("serviceTier") or {}).get("type", "(none)"))] += 1
    return out


@dataclass
class Check:
    events: int = 0
    exact_usd: Decimal = Decimal(0)  # Σ of the oracle's exact Decimal costs
    rounded_nusd: int = 0  # Σ of the oracle's costs rounded per part to the nano-dollar, as the ledger stores them
    ledger_nusd: int = 0
    unpriced: int = 0
    differing: list[str] = field(default_factory=list)  # events whose stored cost or basis differs from the oracle
    by_bill: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # key → [calls, nusd]
    ledger_bill: dict[str, Totals] = field(default_factory=dict)
    long_context: int = 0
    partial: int = 0


def recompute(catalog: Catalog, ledger: Ledger, count: int) -> Check:
    check = Check()
    days = set()
    for raw in ledger.events(count + 10):
        model = catalog.models[raw["model"]]
        usage = SimpleNamespace(
            input_tokens=int(raw["input"]),
            output_tokens=int(raw["output"]),
            cache_read_tokens=int(raw["cache_read"]),
            cache_write_tokens=int(raw["cache_write"]),
            cache_write_1h_tokens=int(raw["cache_write_1h"]),
        )
        reach = catalog.profiles_from(raw["region"])
        want = expected_cost(model, raw["region"], usage, called=raw["profile"], tier=raw["tier"], prefixes=reach)
        stored = int(raw["cost_nusd"]) if raw["cost_nusd"] else None
        rounded = None if want.usd is None else want.nusd_parts
        basis = (raw["route"], raw["context_above"], raw["missing"])
        want_basis = (want.route, "" if want.context_above is None else str(want.context_above), ",".join(want.missing))
        if stored != rounded or basis != want_basis:
            check.differing.append(
                f"{raw['model']} {raw['profile']} {raw['tier']}: {stored} {basis} vs {rounded} {want_basis}"
            )
        check.events += 1
        days.add(datetime.fromisoformat(raw["at"]).astimezone(TZ).date())
        if want.usd is None:
            check.unpriced += 1
            continue
        check.exact_usd += want.usd
        check.rounded_nusd += want.nusd_parts
        bill = check.by_bill[f"{raw['tier']}/{want.route}"]
        bill[0] += 1
        bill[1] += want.nusd_parts
        check.long_context += want.context_above is not None
        check.partial += bool(want.missing)
    for day in sorted(days):
        check.ledger_nusd += ledger.day(day, "all").get(ALL, Totals()).cost_nusd
        for key, totals in ledger.day(day, "bill").items():
            check.ledger_bill[key] = check.ledger_bill.get(key, Totals()) + totals
    return check


def us(values: list[int], pct: float) -> str:
    return f"{percentile([v / 1000 for v in values], pct):,.0f}"


def report(calls: list[Planned], measured: Measured, check: Check, details: bool) -> bool:
    done = len(measured.model_ns)
    print(f"calls: {done:,} of {len(calls):,} planned; events read back from the ledger stream: {check.events:,}")
    diff_nusd = check.ledger_nusd - check.rounded_nusd
    exact_diff = Decimal(check.ledger_nusd) / NANO - check.exact_usd
    print(f"ledger day total (ledger.day(day, 'all')):  ${Decimal(check.ledger_nusd) / NANO:.9f}")
    print(f"independent recomputation, per part to 1e-9: ${Decimal(check.rounded_nusd) / NANO:.9f}")
    print(f"independent recomputation, exact Decimal:    ${check.exact_usd:.12f}")
    print(
        f"difference: {diff_nusd:+,} nano-USD (${Decimal(diff_nusd) / NANO:+.9f}) against the per-part rounding; "
        f"${exact_diff:+.12f} against the exact sum (rounding each part to a nano-dollar)"
    )
    print(
        f"events whose stored cost, route, context tier or missing parts differ from the oracle: {len(check.differing)}"
    )
    for line in check.differing[:5]:
        print(f"   {line}")
    print(
        f"unpriced events: {check.unpriced} | long-context rates: {check.long_context} | "
        f"with a part left out (missing): {check.partial}"
    )
    print(f"   {'by tier/route':<18} {'calls':>5} {'oracle $':>15} {'ledger $':>15} {'ledger calls':>14}")
    for key in sorted(set(check.by_bill) | set(check.ledger_bill)):
        n, nusd = check.by_bill.get(key, [0, 0])
        got = check.ledger_bill.get(key, Totals())
        flag = "" if got.cost_nusd == nusd and got.requests == n else "  ≠"
        print(f"   {key:<18} {n:>5} {Decimal(nusd) / NANO:>15.6f} {got.usd:>15.6f} {got.requests:>14}{flag}")
    sent = ", ".join(f"{k} {v}" for k, v in sorted(measured.sent.items()))
    print(f"serviceTier.type in the requests the endpoint received: {sent}")
    served = ", ".join(f"{k} {v}" for k, v in sorted(measured.echoed.items()))
    print(f"tiers asked → served (serviceTier in the response): {served}")
    if all(k.endswith("(none)") for k in measured.echoed):
        print("   the endpoint reports no serviceTier yet: every call was priced at the tier it asked for")
    how = "cacheDetails sent" if details else "the endpoint takes no cacheDetails yet: reported as 5-minute writes"
    print(
        f"1-hour cache writes: {measured.one_hour_planned:,} tokens planned, {measured.one_hour_served:,} recorded "
        f"as 1-hour ({how})"
    )
    if done:
        both = [c + r for c, r in zip(measured.cost_ns, measured.record_ns, strict=True)]
        print(
            f"per priced call: call_cost p50 {us(measured.cost_ns, 50)} µs, p99 {us(measured.cost_ns, 99)} µs | "
            f"Meter.record (Redis) p50 {us(measured.record_ns, 50)} µs, p99 {us(measured.record_ns, 99)} µs | "
            f"both p50 {us(both, 50)} µs, p99 {us(both, 99)} µs"
        )
        print(
            f"model call (boto3 → local endpoint → langchain-aws): p50 {us(measured.model_ns, 50)} µs, "
            f"p99 {us(measured.model_ns, 99)} µs | end to end {done / measured.wall_s:,.0f} calls/s "
            f"({measured.wall_s:.2f} s)"
        )
    if measured.buffered:
        print(f"{measured.buffered} events were still buffered in memory (Redis did not answer in time)")
    exact = diff_nusd == 0 and not check.differing and check.events == done and abs(exact_diff) < Decimal("0.005")
    verdict = "PASS" if exact else "MISS"
    print(f"goal: ledger total = independent recomputation to the cent (and to the nano-dollar): {verdict}")
    return exact


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1000, help="calls in the workload (default 1000)")
    parser.add_argument("--seed", type=int, default=14, help="seed of the workload (default 14)")
    parser.add_argument("--deadline", type=float, default=120.0, help="seconds for the whole run (default 120)")
    args = parser.parse_args(argv)
    if args.calls < 1:
        parser.error("--calls must be at least 1")
    logging.getLogger().setLevel(logging.WARNING)
    started = start_local_run(args.deadline)
    if started is None:
        return 1
    deadline, redis_url = started
    client = connect(RedisSettings(url=SecretStr(redis_url)))
    try:
        ledger = Ledger(client, tz=TZ, retention_days=400, max_events=100_000, buffer_max=10_000)
        with LocalBedrock(config=LocalConfig()) as local:
            catalog = local.state.catalog
            calls = plan(catalog, args.calls, args.seed)
            print(
                f"billing workload: {len(calls):,} calls (seed {args.seed}), {len(MODELS)} models, "
                f"{len({c.lane for c in calls})} lanes (Region × id called × tier) in {', '.join(REGIONS)}"
            )
            measured = drive(local, ledger, calls, deadline)
            ledger.flush()
            check = recompute(catalog, ledger, len(calls))
            ok = report(calls, measured, check, takes_cache_details())
        if deadline.passed:
            print(f"deadline of {deadline.seconds:g} s passed: the figures cover the calls made by then")
        return 0 if ok else 1
    finally:
        client.close()
        prepare_redis(redis_url)


if __name__ == "__main__":
    sys.exit(main())
