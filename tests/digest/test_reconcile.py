"""The reconciliation of Cost Explorer's usage types with the ledger's "bill" dimension: usage events recorded in
real Redis, Cost Explorer answered by botocore's Stubber on a real boto3 "ce" client (response shapes validated
against botocore's model), lines and gaps checked against numbers worked out by hand below."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
import redis
from botocore.stub import Stubber

from bot.catalog.catalog import Catalog
from bot.catalog.refresh.usage import billed
from bot.console import build_engine
from bot.digest.actuals import Actual, CostExplorer, UsageAmount
from bot.digest.present import as_answer
from bot.digest.reconcile import GLOBAL, OTHER, REGIONAL, UNSPLIT, Line, reconcile, render
from bot.digest.report import compute
from bot.render_text import render as render_answer
from bot.settings import Settings
from bot.usage.budgets import BudgetPolicy
from bot.usage.event import Totals, UsageEvent
from bot.usage.ledger import Ledger

SEOUL = ZoneInfo("Asia/Seoul")
DAY = date(2026, 11, 20)
SONNET = "Claude Sonnet 4.5 (Amazon Bedrock Edition)"
QUERY = {
    "TimePeriod": {"Start": "2026-11-20", "End": "2026-11-21"},
    "Granularity": "DAILY",
    "Metrics": ["UnblendedCost", "UsageQuantity"],
    "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
}


def event(tier: str, route: str, parts: tuple[int, ...], cost: int | None = -1, **tokens: Any) -> UsageEvent:
    """`parts`: nano-USD of input, output, cache read, cache write 5m, cache write 1h; `cost` defaults to their sum."""
    at = datetime(DAY.year, DAY.month, DAY.day, 10, tzinfo=SEOUL).astimezone(UTC)
    return UsageEvent(team="T1", channel="C1", user="U1", feature="chat", model="m", region="us-east-1",
                      profile="p", tier=tier, route=route, part_nusd=parts,
                      cost_nusd=sum(parts) if cost == -1 else cost, at=at, **tokens)  # fmt: skip


def seed(ledger: Ledger) -> None:
    record = ledger.record
    # standard, in-Region: $0.08 input (100K tokens), $0.032 output (10K)
    record(event("standard", "in_region", (80_000_000, 32_000_000, 0, 0, 0), input_tokens=100_000,
                 output_tokens=10_000))  # fmt: skip
    # standard, geo profile: $0.60 in (200K), $0.30 out (20K), $0.015 cache read (50K), $0.0375 cache write 5m
    # (10K), $0.024 cache write 1h (4K)
    record(event("standard", "geo", (600_000_000, 300_000_000, 15_000_000, 37_500_000, 24_000_000),
                 input_tokens=200_000, output_tokens=20_000, cache_read_tokens=50_000, cache_write_tokens=10_000,
                 cache_write_1h_tokens=4_000))  # fmt: skip
    # standard, global: $0.27 in (100K), $0.135 out (10K), $0.0054 cache read (20K)
    record(event("standard", "global", (270_000_000, 135_000_000, 5_400_000, 0, 0), input_tokens=100_000,
                 output_tokens=10_000, cache_read_tokens=20_000))  # fmt: skip
    # flex, global: $0.01 in (50K)
    record(event("flex", "global", (10_000_000, 0, 0, 0, 0), input_tokens=50_000))
    # standard, in-Region, no catalog price: 1K input tokens, no cost
    record(event("standard", "in_region", (0, 0, 0, 0, 0), cost=None, input_tokens=1_000))
    # standard, geo, the 5-minute cache write not priced: $0.003 in (1K), 500 cache-write tokens at $0
    record(event("standard", "geo", (3_000_000, 0, 0, 0, 0), input_tokens=1_000, cache_write_tokens=500,
                 missing=("cache_write",)))  # fmt: skip
    # standard, in-Region, a cost recorded without its parts: $0.005
    record(event("standard", "in_region", (0, 0, 0, 0, 0), cost=5_000_000))


def group(service: str, usage: str, amount: str, quantity: str = "1", unit: str = "Units") -> dict[str, Any]:
    return {"Keys": [service, usage], "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": "USD"},
                                                  "UsageQuantity": {"Amount": quantity, "Unit": unit}}}  # fmt: skip


def page(*groups: dict[str, Any], token: str | None = None, estimated: bool = False) -> dict[str, Any]:
    return {
        "GroupDefinitions": [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
        "ResultsByTime": [{"TimePeriod": {"Start": "2026-11-20", "End": "2026-11-21"}, "Total": {},
                           "Groups": list(groups), "Estimated": estimated}],
        "DimensionValueAttributes": [],
        "ResponseMetadata": {"RequestId": "4b1c", "HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0},
    } | ({"NextPageToken": token} if token else {})  # fmt: skip


# AWS's day: regional input $0.75 (of it $0.05 long context), output $0.332, cache read $0.015, cache write 5m
# $0.039, 1h $0.024; global input $0.27, output $0.135; global flex input $0.012 (60K tokens); batch input $0.15;
# priority output $0.02 (no calls of ours); guardrails $0.20 and a direction-less token count $0.01 (other).
PAGES = (
    page(
        group("Amazon Bedrock", "USE1-NovaPro-input-tokens", "0.08", "100000", "Tokens"),
        group(SONNET, "USE1-MP:USE1_InputTokenCount-Units", "0.62", "0.2"),
        group(SONNET, "USE1-MP:USE1_LCtx_InputTokenCount-Units", "0.05", "0.01"),
        group("Amazon Bedrock", "USE1-NovaPro-output-tokens", "0.032", "10000", "Tokens"),
        group(SONNET, "USE1-MP:USE1_OutputTokenCount-Units", "0.30", "0.02"),
        group(SONNET, "USE1-MP:USE1_CacheReadInputTokenCount-Units", "0.015", "0.05"),
        group(SONNET, "USE1-MP:USE1_CacheWriteInputTokenCount-Units", "0.039", "0.0104"),
        group("Amazon Elastic Compute Cloud - Compute", "USE1-BoxUsage:t3.micro", "4.00", "24", "Hrs"),
        token="p2",
    ),
    page(
        group(SONNET, "USE1-MP:USE1_CacheWrite1h_InputTokenCount-Units", "0.024", "0.004"),
        group(SONNET, "USE1-MP:USE1_InputTokenCount_Global-Units", "0.27", "0.1"),
        group(SONNET, "USE1-MP:USE1_OutputTokenCount_Global-Units", "0.135", "0.01"),
        group("Amazon Bedrock", "USE1-NovaPro-flex-Global-input-tokens", "0.012", "60000", "Tokens"),
        group(SONNET, "USE1-MP:USE1_Batch_InputTokenCount-Units", "0.15", "0.1"),
        group("Amazon Bedrock", "USE1-NovaPro-priority-output-tokens", "0.02", "5000", "Tokens"),
        group("Amazon Bedrock", "USE1-Guardrails-ContentPolicy-TextUnits", "0.20", "200", "N/A"),
        group("Amazon Bedrock", "USE1-NovaMicro-tokens", "0.01", "1000", "Tokens"),
        estimated=True,
    ),
)


@pytest.fixture
def ledger(redis_client: redis.Redis) -> Ledger:
    return Ledger(redis_client, tz=SEOUL, retention_days=30, max_events=1000, buffer_max=10)


@pytest.fixture
def explorer() -> Iterator[tuple[Stubber, CostExplorer]]:
    client = boto3.client("ce", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")

    def no_network(request: Any, **_: Any) -> None:
        raise AssertionError(f"a request got past the stubber: {request.url}")

    client.meta.events.register("before-send.cost-explorer", no_network)
    with Stubber(client) as stubber:
        stubber.add_response("get_cost_and_usage", PAGES[0], QUERY)
        stubber.add_response("get_cost_and_usage", PAGES[1], {**QUERY, "NextPageToken": "p2"})
        yield stubber, CostExplorer(client)
        stubber.assert_no_pending_responses()


def by_key(lines: tuple[Line, ...]) -> dict[tuple[str, str, str], Line]:
    return {(line.tier, line.route, line.part): line for line in lines}


def test_lines_from_a_recorded_day_and_a_stubbed_cost_explorer_day(
    ledger: Ledger, explorer: tuple[Stubber, CostExplorer]
) -> None:
    seed(ledger)
    _, ce = explorer
    rec = reconcile(ledger.day(DAY, "bill"), ce.actual(DAY))
    got = {key: (line.aws_usd, line.ours_usd, line.gap, line.reasons) for key, line in by_key(rec.lines).items()}
    D = Decimal
    assert got == {
        # regional = in-Region + geo; ours $0.08 + $0.60 + $0.003, AWS $0.08 + $0.62 + $0.05 (LCtx folded in)
        ("standard", REGIONAL, "input"): (D("0.75"), D("0.683"), D("-0.067"), ("unpriced", "partial", "long_context")),
        ("standard", REGIONAL, "output"): (D("0.332"), D("0.332"), D(0), ()),  # nothing to explain
        ("standard", REGIONAL, "cache_read"): (D("0.015"), D("0.015"), D(0), ()),
        ("standard", REGIONAL, "cache_write"): (D("0.039"), D("0.0375"), D("-0.0015"), ("partial",)),
        ("standard", REGIONAL, "cache_write_1h"): (D("0.024"), D("0.024"), D(0), ()),
        ("standard", REGIONAL, UNSPLIT): (D(0), D("0.005"), D("0.005"), ("unsplit",)),
        ("batch", REGIONAL, "input"): (D("0.15"), D(0), D("-0.15"), ("batch",)),
        ("priority", REGIONAL, "output"): (D("0.02"), D(0), D("-0.02"), ("no_calls",)),
        ("standard", GLOBAL, "input"): (D("0.27"), D("0.27"), D(0), ()),
        ("standard", GLOBAL, "output"): (D("0.135"), D("0.135"), D(0), ()),
        ("standard", GLOBAL, "cache_read"): (D(0), D("0.0054"), D("0.0054"), ("not_billed",)),
        ("flex", GLOBAL, "input"): (D("0.012"), D("0.01"), D("-0.002"), ("tokens",)),
        (OTHER, "", "USE1-Guardrails-ContentPolicy-TextUnits"): (D("0.20"), D(0), D("-0.20"), ("unmapped",)),
        (OTHER, "", "USE1-NovaMicro-tokens"): (D("0.01"), D(0), D("-0.01"), ("unmapped",)),
    }
    lines = by_key(rec.lines)
    assert lines[("standard", REGIONAL, "input")].ours_tokens == 302_000
    assert lines[("standard", REGIONAL, "input")].aws_tokens is None  # "Units" are not said to be tokens
    assert lines[("standard", REGIONAL, "input")].long_context_usd == D("0.05")
    assert lines[("standard", REGIONAL, "cache_write")].ours_tokens == 10_500
    flex = lines[("flex", GLOBAL, "input")]
    assert (flex.aws_tokens, flex.ours_tokens) == (60_000, 50_000)
    # every amount on one line: the totals are the day's on both sides, and the gap is the sum of the lines' gaps
    assert rec.aws_usd == D("1.957") == ce_total(PAGES)
    assert rec.ours_usd == D("1.5169") == ledger.day(DAY, "all")["*"].usd
    assert rec.gap == sum((line.gap for line in rec.lines), D(0)) == rec.ours_usd - rec.aws_usd == D("-0.4401")
    # regional before global, standard before the other tiers, parts in order, other lines last by amount
    assert [(line.tier, line.route, line.part) for line in rec.lines][:3] == [
        ("standard", REGIONAL, "input"), ("standard", REGIONAL, "output"), ("standard", REGIONAL, "cache_read")]
    assert [line.part for line in rec.lines if line.tier == OTHER] == [
        "USE1-Guardrails-ContentPolicy-TextUnits", "USE1-NovaMicro-tokens"]  # fmt: skip


def ce_total(pages: tuple[dict[str, Any], ...]) -> Decimal:
    return sum((Decimal(g["Metrics"]["UnblendedCost"]["Amount"]) for p in pages for r in p["ResultsByTime"]
                for g in r["Groups"] if not g["Keys"][0].startswith("Amazon Elastic")), Decimal(0))  # fmt: skip


@pytest.mark.parametrize(
    ("usage_type", "line"),
    [
        ("USE1-Claude4.5Sonnet-input-tokens", ("standard", REGIONAL, "input")),
        ("USE1-MP:USE1_InputTokenCount-Units", ("standard", REGIONAL, "input")),
        ("USE1-MP:USE1_OutputTokenCount_Global-Units", ("standard", GLOBAL, "output")),
        ("APN2-MP:APN2_OutputTokenCount_Geo-Units", ("standard", REGIONAL, "output")),
        ("APN2-NovaPro-cache-read-input-token-count", ("standard", REGIONAL, "cache_read")),
        ("USE1-NovaPro-cache-write-input-tokens", ("standard", REGIONAL, "cache_write")),
        ("USE1-NovaPro-cache-write-1h-input-tokens", ("standard", REGIONAL, "cache_write_1h")),
        ("USE1-MP:USE1_CacheWrite1h_InputTokenCount_Global-Units", ("standard", GLOBAL, "cache_write_1h")),
        ("USE1-Claude4.5Sonnet-batch-input-tokens", ("batch", REGIONAL, "input")),
        ("USE1-Claude4.5Sonnet-LCtx-input-tokens", ("standard", REGIONAL, "input")),
        ("USE1-NovaMicro-flex-input-tokens", ("flex", REGIONAL, "input")),
        ("USE1-NovaMicro-priority-output-tokens", ("priority", REGIONAL, "output")),
        ("USE1-ProvisionedThroughput-NovaMicro-1Month", (OTHER, "", "USE1-ProvisionedThroughput-NovaMicro-1Month")),
        ("USE1-NovaCanvas-T2I-1024-Standard", (OTHER, "", "USE1-NovaCanvas-T2I-1024-Standard")),
        ("", (OTHER, "", "")),
    ],
)
def test_usage_type_to_line(usage_type: str, line: tuple[str, str, str]) -> None:
    actual = Actual(DAY, Decimal("1"), {"Amazon Bedrock": Decimal("1")}, False,
                    {usage_type: UsageAmount(Decimal("1"))})  # fmt: skip
    (only,) = reconcile({}, actual).lines
    assert (only.tier, only.route, only.part) == line
    assert billed(usage_type).long_context is ("LCtx" in usage_type)


def test_the_same_tokens_at_a_different_amount_is_a_price_gap() -> None:
    amount = UsageAmount(Decimal("0.11"), Decimal("100"), "1K tokens")
    actual = Actual(DAY, amount.usd, {"Amazon Bedrock": amount.usd}, False, {"USE1-NovaPro-input-tokens": amount})
    bill = {"standard/in_region": Totals(requests=1, input=100_000, input_nusd=100_000_000, cost_nusd=100_000_000)}
    (line,) = reconcile(bill, actual).lines
    assert (line.aws_tokens, line.ours_tokens, line.reasons) == (100_000, 100_000, ("price",))
    assert line.gap == Decimal("-0.01")


def test_the_digest_shows_the_lines_in_english_and_korean(
    ledger: Ledger, explorer: tuple[Stubber, CostExplorer], redis_client: redis.Redis
) -> None:
    seed(ledger)
    _, ce = explorer
    catalog: Catalog = build_engine(Settings()).catalog
    digest = compute(ledger=ledger, catalog=catalog, interventions=None, budgets=BudgetPolicy(), day=DAY, lang="en",
                     region="us-east-1", actual=ce.actual)  # fmt: skip
    assert digest.reconciliation is not None and digest.reconciliation.gap == Decimal("-0.4401")
    text = render_answer(as_answer(digest, catalog))
    assert "AWS Cost Explorer actual (2026-11-20 UTC, provisional): $1.96 · our estimate differs by -$0.4401 (-22%)\n" \
        "• regional · input:" in text
    assert ("• regional · input: AWS $0.75 · ours $0.683 · gap -$0.067 (1 call on this route without a catalog "
            "price; 1 call on this route with a part not priced; incl. $0.05 at long-context rates)") in text
    assert "• global · flex · input: AWS $0.012 · ours $0.01 · gap -$0.002 (tokens AWS 60K vs ours 50K)" in text
    assert "• regional · batch jobs outside this bot · input: AWS $0.15 · ours $0.00 · gap -$0.15\n" in text
    assert "• global · input: AWS $0.27 · ours $0.27 · gap $0.00\n" in text
    assert "• global · cache read: AWS $0.00 · ours $0.0054 · gap +$0.0054 (not billed on this UTC day" in text
    assert ("• other / unmapped usage types: USE1-Guardrails-ContentPolicy-TextUnits $0.20 · "
            "USE1-NovaMicro-tokens $0.01") in text
    assert "Cost Explorer days are UTC, the ledger's are Asia/Seoul" in text
    korean = "\n".join(render(digest.reconciliation, "ko", "Asia/Seoul"))
    assert "• 리전 · 입력: AWS $0.75 · 추정 $0.683 · 차이 -$0.067 (이 경로에 가격 없는 호출 1건;" in korean
    assert "• 글로벌 · Flex · 입력: AWS $0.012 · 추정 $0.01 · 차이 -$0.002 (토큰 AWS 60K · 추정 50K)" in korean
    assert "• 기타 / 분류되지 않은 사용 유형: USE1-Guardrails-ContentPolicy-TextUnits $0.20" in korean


def test_lines_with_nothing_on_either_side_are_not_shown() -> None:
    # tokens with no cost on either side (an unpriced call AWS has not billed) make a line, but no digest line
    bill = {"standard/in_region": Totals(requests=1, input=1_000, unpriced=1)}
    rec = reconcile(bill, Actual(DAY, Decimal(0), {}, False))
    assert [(line.part, line.reasons) for line in rec.lines] == [("input", ())]  # no gap: nothing to explain
    assert render(rec, "en", "UTC") == []
