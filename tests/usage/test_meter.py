"""The meter turns what a call returned (usage, cost) and who asked into one ledger event, stores it in a real
Redis, and formats guardrail interventions."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import redis

from bot.caller import Caller
from bot.chat.types import Cost, Usage
from bot.guardrails.verdict import Hit
from bot.store import keys
from bot.usage.event import Totals
from bot.usage.ledger import ALL, Ledger
from bot.usage.meter import Meter, actions

SEOUL = ZoneInfo("Asia/Seoul")
CALLER = Caller(team="T1", user="U1", channel="C1", thread_ts="1700000000.000100")
USAGE = Usage(
    input_tokens=1_234, output_tokens=567, cache_read_tokens=89, cache_write_tokens=10, latency_ms=1_500.6, ttft_ms=300
)


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
