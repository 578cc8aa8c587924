"""The tier, route and cache-lifetime savings hints (and the batch hint under the per-part pricing), from calls
recorded through the meter into a real Redis ledger and priced by `call_cost`; every figure is checked against a
computation made here from the catalog's rows, chosen by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import redis

from bot.caller import Caller
from bot.catalog.catalog import Catalog
from bot.catalog.dimensions import ServiceTier
from bot.catalog.schema import PriceEntry
from bot.chat.cost import call_cost
from bot.chat.types import Usage
from bot.console import build_engine
from bot.digest.hints import Hint
from bot.digest.report import Digest, compute
from bot.qa.format import spend
from bot.settings import Settings
from bot.usage.budgets import BudgetPolicy
from bot.usage.ledger import Ledger
from bot.usage.meter import Meter

SEOUL = ZoneInfo("Asia/Seoul")
REGION = "us-east-1"
NOVA_US = "us.amazon.nova-2-lite-v1:0"
HAIKU_US = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
HAIKU_GLOBAL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
NOVA_GLOBAL = "global.amazon.nova-2-lite-v1:0"
CALLER = Caller(team="T1", user="U1", channel="C1", thread_ts="1700000000.000100")
USAGE = Usage(input_tokens=200_000, output_tokens=20_000, cache_read_tokens=50_000, cache_write_tokens=30_000)
# Haiku's calls are long threads coming back after a pause: every cache write rewrites an expired 5-minute cache
HAIKU = Usage(input_tokens=20_000, output_tokens=2_000, cache_read_tokens=50_000, cache_write_tokens=100_000)
CALLS = 5  # of each kind
EXPIRED = 100_000  # cache-write tokens of each Haiku call that came after its thread's 5-minute cache expired


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_engine(Settings()).catalog


def row(catalog: Catalog, key: str, profile: str | None, tier: str = "standard", mode: str = "on_demand") -> PriceEntry:
    (found,) = [
        p for p in catalog.models[key].prices
        if p.mode.value == mode and p.tier.value == tier and p.profile == profile and REGION in p.regions
        and p.context_above is None and p.unit.value == "tokens_1k"
    ]  # fmt: skip
    return found


def cost(entry: PriceEntry, usage: Usage, parts: tuple[str, ...]) -> Decimal:
    """`usage`'s tokens of `parts` at `entry`'s per-1K prices."""
    return sum((getattr(entry, p) * getattr(usage, f"{p}_tokens") / 1000 for p in parts), Decimal(0))


def record(ledger: Ledger, catalog: Catalog, model: str, profile: str, feature: str = "chat", **kw: object) -> None:
    tier = kw.pop("tier", ServiceTier.standard)
    usage: Usage = kw.pop("usage", USAGE)  # type: ignore[assignment]
    spent = call_cost(catalog, model, REGION, usage, model_id=profile, tier=tier)  # type: ignore[arg-type]
    for _ in range(CALLS):
        Meter(ledger).record(CALLER, feature, model=model, profile=profile, usage=usage, cost=spent, **kw)  # type: ignore[arg-type]


def digest(ledger: Ledger, catalog: Catalog, lang: str = "en", region: str = REGION) -> Digest:
    day = datetime.now(UTC).astimezone(SEOUL).date()
    return compute(ledger=ledger, catalog=catalog, interventions=None, budgets=BudgetPolicy(), day=day, lang=lang,
                   region=region)  # fmt: skip


def hint(d: Digest, kind: str) -> Hint:
    (found,) = [h for h in d.hints if h.kind == kind]
    return found


@pytest.fixture
def ledger(redis_client: redis.Redis, catalog: Catalog) -> Ledger:
    """A day of Nova 2 Lite on the us. profile (standard tier; its row has a Flex twin), Claude Haiku 4.5 on the us.
    profile with expired cache writes, and Nova Pro summaries in-Region (a batch price)."""
    ledger = Ledger(redis_client, tz=SEOUL, retention_days=30, max_events=1_000, buffer_max=10)
    record(ledger, catalog, "nova-2-lite", NOVA_US)
    record(ledger, catalog, "claude-haiku-4-5", HAIKU_US, usage=HAIKU, expired_cache_write=EXPIRED)
    record(ledger, catalog, "nova-pro", "amazon.nova-pro-v1:0", feature="summary")
    return ledger


def test_the_flex_hint_prices_the_standard_traffic_that_has_a_flex_row(ledger: Ledger, catalog: Catalog) -> None:
    d = digest(ledger, catalog)
    # only Nova 2 Lite's us. profile has a Flex row; neither row prices cache writes, so they are in neither side
    both = ("input", "output", "cache_read")
    standard = CALLS * cost(row(catalog, "nova-2-lite", NOVA_US), USAGE, both)
    flex = CALLS * cost(row(catalog, "nova-2-lite", NOVA_US, "flex"), USAGE, both)
    found = hint(d, "flex")
    assert found.saving == standard - flex
    assert f"(Nova 2 Lite (us.)) was {standard / d.total.usd:.0%} of the day ({spend(standard)})" in found.text
    assert f"at Flex prices it would have cost {spend(flex)} (−{spend(standard - flex)})" in found.text
    assert "Claude Haiku" not in found.text
    korean = hint(digest(ledger, catalog, "ko"), "flex").text
    assert f"Flex 가격이면 {spend(flex)} (−{spend(standard - flex)})입니다" in korean


def test_the_global_hint_compares_each_model_with_its_global_row(ledger: Ledger, catalog: Catalog) -> None:
    found = hint(digest(ledger, catalog), "global")
    every = ("input", "output", "cache_read", "cache_write")
    haiku_geo = CALLS * cost(row(catalog, "claude-haiku-4-5", HAIKU_US), HAIKU, every)
    haiku_global = CALLS * cost(row(catalog, "claude-haiku-4-5", HAIKU_GLOBAL), HAIKU, every)
    both = ("input", "output", "cache_read")  # Nova 2 Lite's rows price no cache writes
    nova_geo = CALLS * cost(row(catalog, "nova-2-lite", NOVA_US), USAGE, both)
    nova_global = CALLS * cost(row(catalog, "nova-2-lite", NOVA_GLOBAL), USAGE, both)
    haiku, nova = haiku_geo - haiku_global, nova_geo - nova_global
    assert found.saving == haiku + nova
    assert found.text.startswith(
        f"Switching to the global. profile would have cost: Claude Haiku 4.5 (us.) {spend(haiku)} less "
        f"(−{haiku / haiku_geo:.0%}); Nova 2 Lite (us.) {spend(nova)} less (−{nova / nova_geo:.0%})."
    )
    assert "may process data in any commercial Region" in found.text
    # Nova Pro has no global profile; and from a region that cannot call global profiles there is no such hint
    assert "Nova Pro" not in found.text
    assert "global" not in {h.kind for h in digest(ledger, catalog, region="us-gov-west-1").hints}


def test_the_one_hour_cache_hint_weighs_rewrites_against_dearer_writes(ledger: Ledger, catalog: Catalog) -> None:
    geo = row(catalog, "claude-haiku-4-5", HAIKU_US)
    assert geo.cache_write_1h is not None and geo.cache_write is not None and geo.cache_read is not None
    rewrites = CALLS * EXPIRED * (geo.cache_write - geo.cache_read) / 1000
    dearer = CALLS * HAIKU.cache_write_tokens * (geo.cache_write_1h - geo.cache_write) / 1000
    found = hint(digest(ledger, catalog), "cache_1h")
    assert found.saving == rewrites - dearer > 0
    saved = spend(rewrites - dearer)
    assert f"again: 500K tokens on Claude Haiku 4.5. A 1-hour cache would have saved about {saved}" in found.text
    assert "Nova 2 Lite" not in found.text  # its rows have no 1-hour write price
    korean = hint(digest(ledger, catalog, "ko"), "cache_1h").text
    assert "캐시를 다시 쓴 토큰: Claude Haiku 4.5 500K토큰. 1시간 캐시였다면" in korean


def test_the_batch_hint_prices_summaries_at_the_batch_row(ledger: Ledger, catalog: Catalog) -> None:
    d = digest(ledger, catalog)
    on_demand, batch = row(catalog, "nova-pro", None), row(catalog, "nova-pro", None, mode="batch")
    # cache reads are billed at the on-demand row either way (batch rows have no cache prices): no difference
    saving = CALLS * (cost(on_demand, USAGE, ("input", "output")) - cost(batch, USAGE, ("input", "output")))
    found = hint(d, "batch")
    assert found.saving == saving
    assert f"they would cost about {spend(saving)} less a day" in found.text


def test_no_tier_or_route_hint_when_there_is_nothing_to_say(redis_client: redis.Redis, catalog: Catalog) -> None:
    ledger = Ledger(redis_client, tz=SEOUL, retention_days=30, max_events=1_000, buffer_max=10)
    # Nova Pro in-Region, standard: no Flex row, no global profile, no 1-hour cache price
    record(ledger, catalog, "nova-pro", "amazon.nova-pro-v1:0", expired_cache_write=EXPIRED)
    d = digest(ledger, catalog)
    assert {h.kind for h in d.hints} & {"flex", "global", "cache_1h"} == set()
    assert [r.key for r in d.by_tier] == ["standard"] and [r.key for r in d.by_route] == ["in_region/-"]


def test_a_flex_price_is_not_worth_a_line_when_the_saving_is_small(redis_client: redis.Redis, catalog: Catalog) -> None:
    ledger = Ledger(redis_client, tz=SEOUL, retention_days=30, max_events=1_000, buffer_max=10)
    record(ledger, catalog, "nova-pro", "amazon.nova-pro-v1:0")
    Meter(ledger).record(  # one small Nova 2 Lite call beside a day of Nova Pro: under MIN_SAVING of the day
        CALLER, "chat", model="nova-2-lite", profile=NOVA_US, usage=Usage(input_tokens=100, output_tokens=10),
        cost=call_cost(catalog, "nova-2-lite", REGION, Usage(input_tokens=100, output_tokens=10), model_id=NOVA_US),
    )  # fmt: skip
    assert "flex" not in {h.kind for h in digest(ledger, catalog).hints}

