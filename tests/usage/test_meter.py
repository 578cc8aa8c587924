"""The meter turns what a call returned (usage, cost) and who asked into one ledger event, stores it in a real
Redis, and formats guardrail interventions."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import redis

from bot.caller import Caller
from bot.catalog.catalog import Catalog
from bot.catalog.dimensions import ServiceTier
from bot.catalog.pricing import PARTS
from bot.catalog.schema import Mode, PriceEntry
from bot.chat.cost import call_cost
from bot.chat.types import Cost, Usage
from bot.console import build_engine
from bot.guardrails.verdict import Hit
from bot.settings import Settings
from bot.store import keys
from bot.usage.event import NANO, Totals, to_nusd
from bot.usage.ledger import ALL, Ledger
from bot.usage.meter import Meter, actions

SEOUL = ZoneInfo("Asia/Seoul")
CALLER = Caller(team="T1", user="U1", channel="C1", thread_ts="1700000000.000100")
USAGE = Usage(
    input_tokens=1_234, output_tokens=567, cache_read_tokens=89, cache_write_tokens=10, latency_ms=1_500.6, ttft_ms=300
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_engine(Settings()).catalog


def make_ledger(client: redis.Redis) -> Ledger:
    return Ledger(client, tz=SEOUL, retention_days=30, max_events=1_000, buffer_max=10)


def test_a_priced_call_is_recorded_with_its_cost_in_nano_usd(redis_client: redis.Redis) -> None:
    ledger = make_ledger(redis_client)
    before = datetime.now(UTC)
    event = Meter(ledger).record(
        CALLER,
        "chat",
        model="nova-lite",
        profile="apac.amazon.nova-lite-v1:0",
        usage=USAGE,
        cost=Cost(usd=Decimal("0.0012345678"), region="ap-northeast-2"),
        requested="nova-pro",
        calls=2,
        guardrail=("INPUT:rrn:mask", "OUTPUT:word:warn"),
    )

    assert (event.team, event.channel, event.user, event.feature) == ("T1", "C1", "U1", "chat")
    assert (event.model, event.requested, event.profile, event.region) == (
        "nova-lite",
        "nova-pro",
        "apac.amazon.nova-lite-v1:0",
        "ap-northeast-2",
    )
    assert (event.input_tokens, event.output_tokens, event.cache_read_tokens, event.cache_write_tokens) == (
        1_234,
        567,
        89,
        10,
    )
    assert event.cost_nusd == 1_234_568  # $0.0012345678 = 1,234,567.8 nano-USD, rounded
    assert (event.calls, event.interrupted, event.estimated) == (2, False, False)
    assert event.guardrail == ("INPUT:rrn:mask", "OUTPUT:word:warn")
    assert before <= event.at <= datetime.now(UTC)

    day = event.at.astimezone(SEOUL).date()
    assert ledger.day(day, "user") == {
        "U1": Totals(
            requests=1, input=1_234, output=567, cache_read=89, cache_write=10, latency_ms=1_501, cost_nusd=1_234_568
        )
    }
    assert ledger.day(day, "model_feature")["nova-lite/chat"].requests == 1
    (raw,) = ledger.events()
    assert raw["guardrail"] == "INPUT:rrn:mask,OUTPUT:word:warn"
    assert (raw["requested"], raw["calls"], raw["cost_nusd"]) == ("nova-pro", "2", "1234568")


def test_an_unpriced_interrupted_call_without_a_channel_is_recorded_as_such(redis_client: redis.Redis) -> None:
    ledger = make_ledger(redis_client)
    event = Meter(ledger).record(
        Caller(team="T1", user="U2"),
        "summary",
        model="claude-haiku",
        profile="anthropic.claude-3-haiku-20240307-v1:0",
        usage=Usage(input_tokens=40, output_tokens=3, estimated=True),
        cost=Cost(usd=None, region="eu-central-1"),
        interrupted=True,
    )

    assert event.cost_nusd is None
    assert (event.channel, event.requested, event.interrupted, event.estimated) == ("none", "claude-haiku", True, True)
    day = event.at.astimezone(SEOUL).date()
    everyone = ledger.day(day, "all")[ALL]
    assert (everyone.requests, everyone.cost_nusd, everyone.unpriced) == (1, 0, 1)
    assert set(ledger.month(day, "channel")) == {"none"}
    (raw,) = ledger.events()
    assert (raw["cost_nusd"], raw["interrupted"], raw["estimated"], raw["guardrail"]) == ("", "1", "1", "")


def test_a_free_call_costs_zero_and_is_priced(redis_client: redis.Redis) -> None:
    ledger = make_ledger(redis_client)
    event = Meter(ledger).record(
        CALLER, "chat", model="nova-micro", profile="p", usage=USAGE, cost=Cost(usd=Decimal(0), region="us-east-1")
    )
    assert event.cost_nusd == 0
    everyone = ledger.day(event.at.astimezone(SEOUL).date(), "all")[ALL]
    assert (everyone.cost_nusd, everyone.unpriced) == (0, 0)


def test_without_a_ledger_nothing_is_stored_but_the_event_is_returned(redis_client: redis.Redis) -> None:
    event = Meter(None).record(
        CALLER,
        "chat",
        model="nova-pro",
        profile="us.amazon.nova-pro-v1:0",
        usage=USAGE,
        cost=Cost(usd=Decimal("0.5"), region="us-east-1"),
    )

    assert (event.user, event.model, event.cost_nusd, event.input_tokens) == ("U1", "nova-pro", 500_000_000, 1_234)
    assert redis_client.dbsize() == 0
    assert redis_client.exists(keys.USAGE_EVENTS) == 0


def test_actions_are_source_kind_action_in_order_without_repeats() -> None:
    trace = [
        ("INPUT", [Hit("rrn", "mask"), Hit("custom:badge", "mask"), Hit("rrn", "mask")]),
        ("INPUT", [Hit("rrn", "mask", engine="bedrock"), Hit("word", "warn")]),
        ("OUTPUT", []),
        ("OUTPUT", [Hit("rrn", "mask"), Hit("bedrock:topic:denied", "block", engine="bedrock")]),
    ]
    assert actions(trace) == (  # type: ignore[arg-type]
        "INPUT:rrn:mask",
        "INPUT:custom:badge:mask",
        "INPUT:word:warn",
        "OUTPUT:rrn:mask",
        "OUTPUT:bedrock:topic:denied:block",
    )
    assert actions([]) == ()


# -- the billing basis: tier, route, per-part costs -----------------------------------------------------------------


def _row(catalog: Catalog, key: str, tier: str, profile: str | None) -> PriceEntry:
    """The catalog's base on-demand token row for us-east-1, chosen here by hand (not through bot.catalog)."""
    (row,) = [
        p
        for p in catalog.models[key].prices
        if p.mode is Mode.on_demand and "us-east-1" in p.regions and p.tier.value == tier and p.profile == profile
        and p.context_above is None and p.unit.value == "tokens_1k"
    ]  # fmt: skip
    return row


def test_events_carry_tier_and_route_and_their_parts_add_up_to_the_cost(
    redis_client: redis.Redis, catalog: Catalog
) -> None:
    ledger = make_ledger(redis_client)
    meter = Meter(ledger)
    usage = Usage(input_tokens=12_345, output_tokens=678, cache_read_tokens=9_001, cache_write_tokens=333,
                  cache_write_1h_tokens=777)  # fmt: skip
    calls = [  # (model, profile called, tier served)
        ("nova-2-lite", "us.amazon.nova-2-lite-v1:0", ServiceTier.flex),
        ("claude-haiku-4-5", "global.anthropic.claude-haiku-4-5-20251001-v1:0", ServiceTier.standard),
        ("claude-haiku-4-5", "anthropic.claude-haiku-4-5-20251001-v1:0", ServiceTier.standard),
    ]
    events = []
    for model, profile, tier in calls:
        cost = call_cost(catalog, model, "us-east-1", usage, model_id=profile, tier=tier)
        events.append(meter.record(CALLER, "chat", model=model, profile=profile, usage=usage, cost=cost))
    flex, global_, in_region = events

    # Nova 2 Lite's us. Flex row prices input, output and cache reads, not cache writes: those are named, left out
    assert (flex.tier, flex.route, flex.missing) == ("flex", "geo", ("cache_write", "cache_write_1h"))
    row = _row(catalog, "nova-2-lite", "flex", "us.amazon.nova-2-lite-v1:0")
    assert flex.part_nusd == (
        to_nusd(row.input * 12_345 / 1000), to_nusd(row.output * 678 / 1000), to_nusd(row.cache_read * 9_001 / 1000),
        0, 0,
    )  # fmt: skip
    g = _row(catalog, "claude-haiku-4-5", "standard", "global.anthropic.claude-haiku-4-5-20251001-v1:0")
    assert (global_.route, global_.missing) == ("global", ())
    assert global_.part_nusd[3:] == (to_nusd(g.cache_write * 333 / 1000), to_nusd(g.cache_write_1h * 777 / 1000))
    assert in_region.route == "in_region"
    for e in events:
        assert e.cost_nusd == sum(e.part_nusd)  # exactly: the total is the sum of the rounded parts

    day = events[0].at.astimezone(SEOUL).date()
    read = ledger.days([day], ["all", "bill", "model_bill"])[day]
    assert set(read["bill"]) == {"flex/geo", "standard/global", "standard/in_region"}
    assert set(read["model_bill"]) == {
        "nova-2-lite/flex/geo/us", "claude-haiku-4-5/standard/global/global", "claude-haiku-4-5/standard/in_region/-"
    }  # fmt: skip
    everyone = read["all"][ALL]
    assert (everyone.requests, everyone.partial, everyone.unpriced) == (3, 1, 0)
    assert everyone.cost_nusd == sum(everyone.part_usd(p) * NANO for p in PARTS)
    assert everyone.cost_nusd == sum(e.cost_nusd or 0 for e in events)
    assert (everyone.cache_write, everyone.cache_write_1h) == (3 * 333, 3 * 777)
    assert read["model_bill"]["nova-2-lite/flex/geo/us"].cache_write_nusd == 0
    (raw, *_) = ledger.events()
    assert (raw["tier"], raw["route"], raw["missing"], raw["cache_write_1h"]) == ("standard", "in_region", "", "777")
    assert raw["cost_nusd"] == str(in_region.cost_nusd)


def test_a_call_without_a_price_row_keeps_the_route_it_called(redis_client: redis.Redis, catalog: Catalog) -> None:
    # Nova 2 Lite has no Flex row on the global profile: no figure (`reason`), counted unpriced, on its route
    cost = call_cost(catalog, "nova-2-lite", "us-east-1", USAGE, model_id="global.amazon.nova-2-lite-v1:0",
                     tier=ServiceTier.flex)  # fmt: skip
    assert cost.usd is None and cost.reason == "tier"
    event = Meter(make_ledger(redis_client)).record(
        CALLER, "chat", model="nova-2-lite", profile="global.amazon.nova-2-lite-v1:0", usage=USAGE,
        cost=Cost(usd=None, region="us-east-1"),  # as the chat path records a call it could not price
    )  # fmt: skip
    assert (event.route, event.cost_nusd, event.part_nusd) == ("global", None, (0, 0, 0, 0, 0))
    day = make_ledger(redis_client).day(event.at.astimezone(SEOUL).date(), "model_bill")
    assert day["nova-2-lite/standard/global/global"].unpriced == 1


def test_the_expired_cache_writes_are_counted(redis_client: redis.Redis) -> None:
    ledger = make_ledger(redis_client)
    event = Meter(ledger).record(
        CALLER, "chat", model="claude-haiku-4-5", profile="us.anthropic.claude-haiku-4-5-20251001-v1:0",
        usage=USAGE, cost=Cost(usd=Decimal(0), region="us-east-1", route="geo"), expired_cache_write=10,
    )  # fmt: skip
    by = ledger.day(event.at.astimezone(SEOUL).date(), "model_bill")
    assert by["claude-haiku-4-5/standard/geo/us"].expired_cache_write == 10
    assert ledger.events()[0]["expired_cache_write"] == "10"
