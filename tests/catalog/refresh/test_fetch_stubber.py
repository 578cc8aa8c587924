"""Paging and mapping with botocore's Stubber: the responses are the real operations' shapes (the Stubber
validates them against the service models), so a field we read that the API does not return fails here."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from bot.aws_local.pricelist import marketplace_product, product, token_product
from bot.catalog.refresh.fetch import read_control_plane, read_prices
from bot.catalog.refresh.records import Snapshot

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "aws"
PAGE_1 = [token_product("us-east-1", "Nova Micro", "NovaMicro", "", "input", "0.000035"),
          token_product("us-east-1", "Nova Micro", "NovaMicro", "batch", "output", "0.00007", "Batch Inference")]
PAGE_2 = [token_product("ap-northeast-2", "Nova Micro", "NovaMicro", "", "input", "0.0000455"),
          product("AmazonBedrock", "us-east-1", "Mystery-Widget", price="1", unit="Widgets", description="?")]
MARKETPLACE = [marketplace_product("us-east-1", "Claude Sonnet 4.5", "OutputTokenCount_Global", "15.00")]


def _client(service: str) -> Any:
    return boto3.client(service, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing", endpoint_url="http://127.0.0.1:9")


def _page(docs: list[dict[str, Any]], token: str | None = None) -> dict[str, Any]:
    page: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": [json.dumps(d) for d in docs]}
    return {**page, "NextToken": token} if token else page


def test_get_products_follows_next_token_through_every_service_code() -> None:
    pricing = _client("pricing")
    stub = Stubber(pricing)
    base = {"FormatVersion": "aws_v1", "MaxResults": 100}
    stub.add_response("get_products", _page(PAGE_1, "tok-2"), {**base, "ServiceCode": "AmazonBedrock"})
    stub.add_response("get_products", _page(PAGE_2), {**base, "ServiceCode": "AmazonBedrock", "NextToken": "tok-2"})
    stub.add_response("get_products", _page(MARKETPLACE), {**base, "ServiceCode": "AmazonBedrockFoundationModels"})
    stub.add_response("get_products", _page([]), {**base, "ServiceCode": "AmazonBedrockService"})
    snapshot = Snapshot(as_of=date(2026, 12, 2))
    with stub:
        read_prices(pricing, snapshot)
        stub.assert_no_pending_responses()
    assert snapshot.products_read == 5
    rows = {(r.region, r.product, r.mode, r.route, r.dimension): r.value for r in snapshot.prices}
    assert rows == {
        ("us-east-1", "Nova Micro", "on_demand", "in_region", "input"): Decimal("0.000035"),
        ("us-east-1", "Nova Micro", "batch", "in_region", "output"): Decimal("0.00007"),
        ("ap-northeast-2", "Nova Micro", "on_demand", "in_region", "input"): Decimal("0.0000455"),
        # per 1M tokens in the Marketplace offer → per 1K in the catalog's unit; the edition suffix is dropped
        ("us-east-1", "Claude Sonnet 4.5", "on_demand", "global", "output"): Decimal("0.015"),
    }
    sonnet = next(r for r in snapshot.prices if r.product == "Claude Sonnet 4.5")
    assert sonnet.marketplace and sonnet.unit == "tokens_1m" and sonnet.price == Decimal("15")
    assert sonnet.usage_type == "USE1-MP:USE1_OutputTokenCount_Global-Units" and sonnet.effective == date(2025, 11, 1)
    assert [(u.usage_type, u.reason) for u in snapshot.unmapped] == [("USE1-Mystery-Widget", "unknown unit 'Widgets'")]


def _ts(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def _profile(scope: str, model_id: str, regions: list[str]) -> dict[str, Any]:
    return {
        "inferenceProfileName": f"{scope} {model_id}", "inferenceProfileId": f"{scope}.{model_id}",
        "inferenceProfileArn": f"arn:aws:bedrock:ap-northeast-2:123456789012:inference-profile/{scope}.{model_id}",
        "models": [{"modelArn": f"arn:aws:bedrock:{r}::foundation-model/{model_id}"} for r in regions],
        "status": "ACTIVE", "type": "SYSTEM_DEFINED",
    }


def test_control_plane_models_lifecycle_and_paged_profiles() -> None:
    bedrock = _client("bedrock")
    stub = Stubber(bedrock)
    stub.add_response("list_foundation_models", {"modelSummaries": [
        {"modelArn": "arn:aws:bedrock:ap-northeast-2::foundation-model/anthropic.claude-3-opus-20240229-v1:0",
         "modelId": "anthropic.claude-3-opus-20240229-v1:0", "modelName": "Claude 3 Opus",
         "providerName": "Anthropic", "inputModalities": ["TEXT", "IMAGE"], "outputModalities": ["TEXT"],
         "responseStreamingSupported": True, "customizationsSupported": [], "inferenceTypesSupported": ["ON_DEMAND"],
         "modelLifecycle": {"status": "LEGACY", "legacyTime": _ts("2025-06-01"), "endOfLifeTime": _ts("2026-01-15"),
                            "publicExtendedAccessTime": _ts("2025-09-01")}},
    ]}, {})
    model_id = "anthropic.claude-3-opus-20240229-v1:0"
    stub.add_response("list_inference_profiles",
                      {"inferenceProfileSummaries": [_profile("apac", model_id, ["ap-northeast-2", "ap-northeast-1"])],
                       "nextToken": "p2"}, {"typeEquals": "SYSTEM_DEFINED"})
    stub.add_response("list_inference_profiles",
                      {"inferenceProfileSummaries": [_profile("global", model_id, ["us-east-1", "eu-west-1"])]},
                      {"typeEquals": "SYSTEM_DEFINED", "nextToken": "p2"})
    snapshot = Snapshot(as_of=date(2026, 12, 2))
    with stub:
        read_control_plane(bedrock, "ap-northeast-2", snapshot)
        stub.assert_no_pending_responses()
    opus = snapshot.models[model_id]
    assert opus.regions == {"ap-northeast-2"} and opus.modalities_in == ("text", "image") and opus.streaming
    life = opus.lifecycle
    assert (life.status, life.legacy, life.end_of_life, life.extended_access) == (
        "legacy", date(2025, 6, 1), date(2026, 1, 15), date(2025, 9, 1))
    assert {p: (r.scope, r.routes_to) for p, r in snapshot.profiles.items()} == {
        f"apac.{model_id}": ("apac", ("ap-northeast-1", "ap-northeast-2")),
        f"global.{model_id}": ("global", ("eu-west-1", "us-east-1")),
    }


@pytest.mark.parametrize("page_size", [1, 3])
def test_paging_over_the_stand_in_reads_every_product_once(aws_env: dict[str, str], page_size: int,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.catalog.refresh import fetch
    from bot.catalog.refresh.aws import client

    monkeypatch.setattr(fetch, "PAGE_SIZE", page_size)
    snapshot = Snapshot(as_of=date(2026, 12, 2))
    read_prices(client("pricing", "us-east-1", retry_mode="standard", max_attempts=3), snapshot)
    total = sum(len(json.loads(p.read_text())["PriceList"]) for p in (FIXTURE / "pricing").glob("*.json"))
    assert snapshot.products_read == total
    skus = [r.sku + r.dimension for r in snapshot.prices]
    assert len(skus) == len(set(skus))
