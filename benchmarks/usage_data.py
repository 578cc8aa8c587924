"""What the usage benchmarks (`bench_usage_record`, `bench_digest`) share: the region, features and teams of their
synthetic traffic, the chat models they draw from, and a call's random token counts."""

from __future__ import annotations

import random
from zoneinfo import ZoneInfo

from bot.catalog.catalog import Catalog
from bot.chat.cost import call_cost
from bot.chat.resolve import is_chat_model
from bot.chat.types import Usage

TZ = ZoneInfo("Asia/Seoul")
REGION = "us-east-1"
FEATURES = ("chat", "assistant", "summary", "compare", "try")
FEATURE_WEIGHTS = (50, 20, 15, 5, 10)
TEAMS = ("T0BENCH01", "T0BENCH02")
SEED = 20261122


def bench_models(catalog: Catalog, count: int) -> list[str]:
    """`count` chat models priced in REGION, active ones first, in catalog order."""
    probe = Usage(input_tokens=1000, output_tokens=1000)
    priced = [
        m
        for k, m in catalog.models.items()
        if is_chat_model(m) and call_cost(catalog, k, REGION, probe).usd is not None
    ]
    ranked = [m.key for m in priced if m.lifecycle == "active"] + [m.key for m in priced if m.lifecycle != "active"]
    if len(ranked) < count:
        raise SystemExit(f"the catalog has only {len(ranked)} chat models priced in {REGION}; {count} needed")
    return ranked[:count]


def random_usage(rng: random.Random, caching: bool) -> Usage:
    """One call's tokens: up to 6,000 in and 1,500 out; cache reads on half and writes on a fifth of the calls to
    models that cache."""
    return Usage(
        input_tokens=rng.randrange(50, 6_000),
        output_tokens=rng.randrange(10, 1_500),
        cache_read_tokens=rng.randrange(0, 4_000) if caching and rng.random() < 0.5 else 0,
        cache_write_tokens=rng.randrange(0, 1_000) if caching and rng.random() < 0.2 else 0,
    )
