"""The digest computed from a fixed data set in real Redis: totals, breakdowns, trends, month-to-date and forecast,
interventions, channel budgets, hints, the empty day, Cost Explorer actuals, and a snapshot of its Slack blocks.

Regenerate the snapshot after an intended change: `UPDATE_SNAPSHOTS=1 pytest tests/digest/test_report.py`."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import boto3
import pytest
import redis
from botocore.stub import Stubber

from bot.catalog.catalog import Catalog
from bot.console import build_engine
from bot.digest.actuals import CostExplorer
from bot.digest.present import as_answer, fallback_text
from bot.digest.report import Digest, compute
from bot.guardrails.verdict import Hit
from bot.render_text import render
from bot.settings import Settings
from bot.store.interventions import Interventions, Where
from bot.usage.budgets import BudgetPolicy
from bot.usage.event import UsageEvent
from bot.usage.ledger import Ledger
from handlers.blocks.answer import answer_blocks

SEOUL = ZoneInfo("Asia/Seoul")
DAY = date(2026, 11, 20)
SNAPSHOT = Path(__file__).parent.parent / "data" / "digest" / "blocks_en.json"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_engine(Settings()).catalog


@pytest.fixture
def ledger(redis_client: redis.Redis) -> Ledger:
    return Ledger(redis_client, tz=SEOUL, retention_days=400, max_events=10_000, buffer_max=100)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SEOUL).astimezone(UTC)


def event(day: date, user: str, model: str, cost_nusd: int | None, **kw: object) -> UsageEvent:
    fields: dict[str, object] = {"team": "T1", "channel": "C1", "feature": "chat", "region": "us-east-1",
                                 "profile": model, "input_tokens": 1000, "output_tokens": 200,
                                 "latency_ms": 1500.0} | kw  # fmt: skip
    return UsageEvent(user=user, model=model, cost_nusd=cost_nusd, at=at(day), **fields)  # type: ignore[arg-type]


def seed(ledger: Ledger) -> None:
    """Fixed usage: the digest day, the day before, a week of history and the start of the month."""
    day_before = DAY - timedelta(days=1)
    for d in range(1, 8):  # $0.10 a day for the 7 days before DAY
        ledger.record(event(DAY - timedelta(days=d), "U9", "nova-lite", 100_000_000))
    ledger.record(event(day_before, "U9", "nova-lite", 100_000_000))  # the day before: $0.20 in total
    ledger.record(event(DAY.replace(day=1), "U9", "nova-pro", 500_000_000))  # Nov 1: $0.50
    # the digest day: $1.00 Sonnet (U1 in C1, with cache reads), $0.30 Nova Lite (U2 in C2), a summary, unpriced
    # (Sonnet's tokens cost what was recorded at its catalog price: $3 / $15 per 1M in / out, cache reads $0.30)
    # Its cache reads have no price for Claude 3.7 Sonnet in us-east-1 (left out, `missing`); Nova Lite went through
    # the us. geo profile, the summary was served at the Flex tier.
    ledger.record(event(DAY, "U1", "claude-3-7-sonnet", 600_000_000, input_tokens=97_000, output_tokens=20_000,
                        cache_read_tokens=10_000, missing=("cache_read",)))  # fmt: skip
    ledger.record(event(DAY, "U1", "claude-3-7-sonnet", 400_000_000, input_tokens=50_000, output_tokens=16_667,
                        feature="assistant"))  # fmt: skip
    ledger.record(event(DAY, "U2", "nova-lite", 300_000_000, channel="C2", route="geo",
                        profile="us.amazon.nova-lite-v1:0"))  # fmt: skip
    ledger.record(event(DAY, "U2", "nova-micro", 20_000_000, channel="C2", feature="summary", tier="flex"))
    ledger.record(event(DAY, "U3", "nova-lite", None, channel="D1"))


def digest_of(ledger: Ledger, catalog: Catalog, client: redis.Redis, **kw: object) -> Digest:
    interventions = Interventions(client, retention_days=30, max_events=100, today=lambda: DAY)
    interventions.record(Where("T1", "C1", "U1", "claude-3-7-sonnet", "chat"), "INPUT", [Hit("phone", "mask")] * 2)
    interventions.record(Where("T1", "C2", "U2", "-", "message"), "INPUT", [Hit("topic:politics", "block")])
    args: dict[str, object] = {
        "ledger": ledger, "catalog": catalog, "interventions": interventions, "day": DAY, "lang": "en",
        "region": "us-east-1", "top": 2,
        "budgets": BudgetPolicy(total_monthly_usd=Decimal("30"), channel_monthly_usd=Decimal("1.2")),
    } | kw  # fmt: skip
    return compute(**args)  # type: ignore[arg-type]


def test_the_digest_adds_up_the_day_and_compares_it(
    ledger: Ledger, catalog: Catalog, redis_client: redis.Redis
) -> None:
    seed(ledger)
    d = digest_of(ledger, catalog, redis_client)

    assert d.total.requests == 5 and d.total.usd == Decimal("1.32") and d.total.unpriced == 1
    assert [(r.key, r.totals.usd) for r in d.by_model] == [
        ("claude-3-7-sonnet", Decimal("1")), ("nova-lite", Decimal("0.3")), ("nova-micro", Decimal("0.02"))
    ]  # fmt: skip
    assert d.by_model[0].share == pytest.approx(1 / 1.32)
    assert [r.key for r in d.top_users] == ["U1", "U2"] and d.users == 3  # top 2 of 3
    assert [r.key for r in d.top_channels] == ["C1", "C2"] and d.channels == 3
    assert {r.key for r in d.by_feature} == {"chat", "assistant", "summary"}
    assert d.trend.previous == Decimal("0.2") and d.trend.days_with_data == 7
    assert d.trend.average == Decimal("0.8") / 7  # 7 × $0.10 plus the day before's extra $0.10
    # month to date: Nov 1-20 = $0.50 + 7 days × $0.10 + $0.10 extra + the day's $1.32
    assert d.month.spent == Decimal("2.62") and d.month.days_elapsed == 20 and d.month.days_in_month == 30
    assert d.month.forecast == Decimal("2.62") / 20 * 30 and d.month.used == pytest.approx(2.62 / 30)
    assert [(i.kind, i.action, i.count) for i in d.interventions] == [
        ("phone", "mask", 2),
        ("topic:politics", "block", 1),
    ]
    assert [c.channel for c in d.channel_budgets] == ["C1"]  # $1.00 of $1.20 ≥ 80 %; C2 is at 27 %
    assert len(d.chart_days) == 14 and d.chart_days[-1] == DAY
    assert d.chart_series["claude-3-7-sonnet"][-1] == Decimal("1") and d.chart_series["nova-lite"][-2] == Decimal("0.2")
    assert [(r.key, r.totals.usd) for r in d.by_tier] == [("standard", Decimal("1.3")), ("flex", Decimal("0.02"))]
    assert [(r.key, r.totals.usd) for r in d.by_route] == [("in_region/-", Decimal("1.02")), ("geo/us", Decimal("0.3"))]
    assert d.total.partial == 1
    text = render(as_answer(d, catalog))
    assert "By tier: standard $1.30 (98%) · Flex $0.02 (2%)" in text
    assert "By route: in-Region $1.02 (77%) · us. $0.30 (23%)" in text
    assert "1 call had a part the catalog has no price for; not included." in text
    korean = render(as_answer(digest_of(ledger, catalog, redis_client, lang="ko"), catalog))
    assert "티어별: 표준 $1.30 (98%) · Flex $0.02 (2%)" in korean
    assert "경로별: 리전 내 $1.02 (77%) · us. $0.30 (23%)" in korean
    assert "호출 1건에 카탈로그에 가격이 없는 부분" in korean


def test_hints_come_from_the_data(ledger: Ledger, catalog: Catalog, redis_client: redis.Redis) -> None:
    seed(ledger)
    hints = {h.kind: h for h in digest_of(ledger, catalog, redis_client).hints}

    assert "cache" in hints and "Prompt cache hit rate" in hints["cache"].text
    # 10,000 cache-read tokens among 160,000 prompt tokens on models that cache (Sonnet 157,000, Nova Lite 2,000,
    # Nova Micro 1,000): 6 %, which is low
    assert "6%" in hints["cache"].text and "That is low" in hints["cache"].text
    assert "batch" in hints  # the summary on Nova Micro
    cheaper = hints.get("cheaper")
    assert cheaper is not None and cheaper.saving is not None and cheaper.saving > 0
    # the closest cheaper model with tool use (the assistant used tools), both sides priced from the catalog; with
    # the current line-up that is Nova Premier ($2.50/$12.50 per 1M against Claude 3.7 Sonnet's $3/$15). The catalog
    # has no cache-read price for Claude 3.7 Sonnet in us-east-1, so cache reads are left out of both sides:
    # 147,000 in × $3 + 36,667 out × $15 = $0.991005 against 147,000 × $2.50 + 36,667 × $12.50 = $0.8258375
    assert cheaper.saving == Decimal("0.1651675")
    assert "Claude 3.7 Sonnet cost $0.991; the same tokens on Nova Premier would cost $0.8258 (−17%)" in cheaper.text
    assert "/bedrock compare claude-3-7-sonnet,nova-premier" in cheaper.text


def test_an_empty_day_says_no_usage(ledger: Ledger, catalog: Catalog, redis_client: redis.Redis) -> None:
    d = digest_of(ledger, catalog, redis_client)

    assert d.empty and d.hints == () and d.by_model == ()
    text = render(as_answer(d, catalog))
    assert "No usage on 2026-11-20" in text and "estimates from catalog prices" in text
    assert fallback_text(d) == "Bedrock cost digest 2026-11-20: no usage"
    korean = render(as_answer(digest_of(ledger, catalog, redis_client, lang="ko"), catalog))
    assert "2026-11-20에는 사용량이 없습니다" in korean


def test_cost_explorer_actuals_are_shown_with_the_gap(
    ledger: Ledger, catalog: Catalog, redis_client: redis.Redis
) -> None:
    seed(ledger)
    client = boto3.client("ce", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    groups = [
        {"Keys": ["Amazon Bedrock"], "Metrics": {"UnblendedCost": {"Amount": "0.50", "Unit": "USD"}}},
        {"Keys": ["Claude 3.7 Sonnet (Amazon Bedrock Edition)"],
         "Metrics": {"UnblendedCost": {"Amount": "1.00", "Unit": "USD"}}},
        {"Keys": ["Amazon EC2"], "Metrics": {"UnblendedCost": {"Amount": "9.00", "Unit": "USD"}}},
    ]  # fmt: skip
    response = {"ResultsByTime": [{"TimePeriod": {"Start": "2026-11-20", "End": "2026-11-21"}, "Total": {},
                                   "Groups": groups, "Estimated": True}]}  # fmt: skip
    with Stubber(client) as stub:
        stub.add_response("get_cost_and_usage", response)
        d = digest_of(ledger, catalog, redis_client, actual=CostExplorer(client).actual)
        stub.assert_no_pending_responses()

    assert d.actual is not None and d.actual.usd == Decimal("1.50") and d.actual.provisional
    text = render(as_answer(d, catalog))
    assert "AWS Cost Explorer actual (2026-11-20 UTC, provisional): $1.50" in text
    assert "differs by -$0.18 (-12%)" in text


def test_cost_explorer_failure_is_said_not_hidden(ledger: Ledger, catalog: Catalog, redis_client: redis.Redis) -> None:
    seed(ledger)
    client = boto3.client("ce", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    with Stubber(client) as stub:
        stub.add_client_error("get_cost_and_usage", "AccessDeniedException", "not allowed")
        d = digest_of(ledger, catalog, redis_client, actual=CostExplorer(client).actual)

    assert d.actual is None and d.actual_error is not None and "AccessDeniedException" in d.actual_error
    assert "Cost Explorer actuals unavailable: AccessDeniedException" in render(as_answer(d, catalog))


def test_the_digest_blocks_match_the_snapshot(ledger: Ledger, catalog: Catalog, redis_client: redis.Redis) -> None:
    seed(ledger)
    blocks = answer_blocks(as_answer(digest_of(ledger, catalog, redis_client), catalog))
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(json.dumps(blocks, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert blocks == json.loads(SNAPSHOT.read_text(encoding="utf-8"))
